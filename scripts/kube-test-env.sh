#!/usr/bin/env bash
# Prepares what the Java integration tests need to run a real API server:
# etcd, kube-apiserver and kubectl built from Go modules by conformance/
# (cached across runs), laid out for fabric8 kube-api-test's offline mode,
# the experimental Gateway API CRDs from the gateway-api Go module, and the
# Inference Extension CRDs from the gateway-api-inference-extension module.
#
# Prints shell assignments; use:  eval "$(scripts/kube-test-env.sh)"
set -euo pipefail
root="$(cd "$(dirname "$0")/.." && pwd)"
cd "$root/conformance"

# The Kubernetes release conformance/kube/go.mod pins (it is generated; see conformance/README.md).
k8s_version="$(awk '$1 == "k8s.io/kubernetes" { sub(/^v/, "", $2); print $2; exit }' kube/go.mod)"
go run ./cmd/devcluster build >&2
bindir="$(go run ./cmd/devcluster bindir)"

cache="${XDG_CACHE_HOME:-$HOME/.cache}/agentgateway-jcp"
testdir="${KUBE_API_TEST_DIR:-$cache/kube-api-test}"
layout="$testdir/k8s/${k8s_version}-linux-amd64"
mkdir -p "$layout"
for b in etcd kube-apiserver kubectl; do
  ln -sfn "$bindir/$b" "$layout/$b"
done

gateway_api_dir="$(go list -m -f '{{.Dir}}' sigs.k8s.io/gateway-api)"
if [[ -z "$gateway_api_dir" || ! -d "$gateway_api_dir" ]]; then
  go mod download sigs.k8s.io/gateway-api >&2
  gateway_api_dir="$(go list -m -f '{{.Dir}}' sigs.k8s.io/gateway-api)"
fi

# The Inference Extension CRDs (InferencePool), at the version the inference
# conformance module (conformance/inference) requires.
gie_dir="$(cd inference && go list -m -f '{{.Dir}}' sigs.k8s.io/gateway-api-inference-extension)"
if [[ -z "$gie_dir" || ! -d "$gie_dir" ]]; then
  (cd inference && go mod download sigs.k8s.io/gateway-api-inference-extension) >&2
  gie_dir="$(cd inference && go list -m -f '{{.Dir}}' sigs.k8s.io/gateway-api-inference-extension)"
fi

echo "export KUBE_API_TEST_DIR='$testdir'"
echo "export KUBE_API_TEST_VERSION='$k8s_version'"
echo "export GATEWAY_API_CRDS_DIR='$gateway_api_dir/config/crd/experimental'"
echo "export INFERENCE_CRDS_DIR='$gie_dir/config/crd/bases'"
