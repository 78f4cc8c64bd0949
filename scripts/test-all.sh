#!/usr/bin/env bash
# Runs every test of the project. This is the README's test command, and CI
# (.ci/run) calls it on a clean clone.
#
#  1. builds etcd, kube-apiserver and kubectl from Go modules (conformance/;
#     cached across runs) and fetches the Gateway API CRDs from the Go module
#     proxy, for the Java integration tests;
#  2. the Maven reactor: unit, golden, gRPC and real-API-server tests;
#  3. helm lint and the chart's template golden files (helm is built from
#     the Go module proxy and cached);
#  4. the conformance harness self-test (a real local control plane; the
#     virtual-kubelet node tests run when we are root, and the one that runs
#     our controller and a real proxy also needs AGENTGATEWAY_BIN);
#  5. only when AGENTGATEWAY_BIN names a locally built agentgateway v1.4.1:
#     file mode end to end through the real proxy (basic, HTTPS, authorization,
#     secured xDS, egress with TLS origination), the upstream Gateway API
#     conformance suite (profiles GATEWAY-HTTP, -GRPC, -TLS and -TCP) and the
#     Gateway API Inference Extension conformance suite (v1.6.0).
set -euo pipefail
cd "$(dirname "$0")/.."

echo "== Local Kubernetes binaries and Gateway API CRDs"
eval "$(scripts/kube-test-env.sh)"
# The integration tests must not skip quietly here.
export REQUIRE_KUBE_API_SERVER=true

echo "== Maven: build and test all modules"
mvn -B -ntp verify

echo "== Every example translates without a problem"
for example in examples/*/; do
  java -jar controller/target/agentgateway-jcp.jar validate "$example"
done

echo "== Documentation: no dead relative links"
python3 scripts/check-doc-links.py
scripts/render-diagrams.sh --check

echo "== Helm chart: lint and template golden files"
scripts/chart-test.sh

echo "== Conformance harness self-test (a real control plane; pods as processes when root)"
bash conformance/scripts/install-node-deps.sh
(cd conformance/node && go test -count=1 ./internal/...)
(cd conformance && go test -count=1 -timeout 80m -v ./smoke/)

if [[ -n "${AGENTGATEWAY_BIN:-}" ]]; then
  echo "== File mode end to end with agentgateway at $AGENTGATEWAY_BIN"
  scripts/e2e-file-mode.sh
  echo "== Istio security policies end to end with agentgateway"
  scripts/e2e-authorization.sh
  echo "== Secured xDS end to end (TLS, token file) with agentgateway at $AGENTGATEWAY_BIN"
  scripts/e2e-xds-tls.sh
  echo "== Egress with TLS origination (ExternalName, XBackend) end to end with agentgateway"
  scripts/e2e-egress.sh
  echo "== Gateway API conformance suite (GATEWAY-HTTP, -GRPC, -TLS, -TCP; about 10 minutes) with agentgateway at $AGENTGATEWAY_BIN"
  # The committed report comes from a full run (docs/conformance/README.md);
  # this one goes to a scratch file.
  CONFORMANCE_PROFILES=${CONFORMANCE_PROFILES:-GATEWAY-HTTP,GATEWAY-GRPC,GATEWAY-TLS,GATEWAY-TCP} \
    CONFORMANCE_REPORT=${CONFORMANCE_REPORT:-$(mktemp -d)/conformance-report.yaml} \
    conformance/scripts/run-suite.sh
  echo "== Gateway API Inference Extension conformance suite (v1.5.0, endpoint picker as released) with agentgateway at $AGENTGATEWAY_BIN"
  CONFORMANCE_REPORT=$(mktemp -d)/inference-report.yaml \
    conformance/scripts/run-inference-suite.sh
else
  echo "== Gateway API and Inference Extension conformance suites: SKIPPED, because AGENTGATEWAY_BIN is not set"
  echo "   (it needs a locally built agentgateway v1.4.1)."
fi
