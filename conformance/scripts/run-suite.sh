#!/usr/bin/env bash
# Runs the upstream Gateway API conformance suite against our controller and
# a locally built agentgateway, on the local cluster with the virtual-kubelet
# node, and tears everything down afterwards.
#
#   AGENTGATEWAY_BIN=/path/to/agentgateway conformance/scripts/run-suite.sh [SUITE FLAGS...]
#
# Extra arguments go to the suite after the defaults, so they win; for example
# -run-test=HTTPRouteSimpleSameNamespace, -conformance-profiles=GATEWAY-HTTP
# or -skip-tests=A,B.
#
# With CONFORMANCE_SUITE=inference (what run-inference-suite.sh sets) it runs
# the Gateway API Inference Extension suite instead (module
# conformance/inference) at CONFORMANCE_GIE_VERSION: it installs the Gateway
# API CRDs of the version that suite is built with and the Inference Extension
# CRDs before the controller starts, and maps the suite's endpoint picker image
# to a binary built, unmodified, from the same Inference Extension release.
#
# Environment:
#   CONFORMANCE_SUITE       gateway (default) or inference
#   CONFORMANCE_GIE_VERSION inference only: v1.5.0 (default; module file
#                           conformance/inference/go.mod, endpoint picker epp) or
#                           v1.6.0 (gie-v1.6.0.mod, endpoint picker lwepp)
#   AGENTGATEWAY_BIN        agentgateway v1.4.1 binary (required; without it the
#                           run is skipped and the script exits 0)
#   CONFORMANCE_REPORT      report YAML to write (default:
#                           docs/conformance/experimental-v1.6.3-default-report.yaml,
#                           or docs/conformance/inference-<CONFORMANCE_GIE_VERSION>-report.yaml)
#   CONFORMANCE_PROFILES    default GATEWAY-HTTP,GATEWAY-GRPC,GATEWAY-TLS,GATEWAY-TCP
#                           (the inference suite has one profile, Gateway)
#   CONFORMANCE_TIMEOUT     go test timeout (default 100m)
#   CONFORMANCE_KEEP=1      leave the cluster and controller running afterwards
#                           (stop them with: conformance/scripts/run-suite.sh down)
#   CONFORMANCE_XDS_PORT    host port of the controller's TLS xDS server (default 15012)
#   AGJCP_CONTROLLER_JAR    controller jar to run (default: controller/target/agentgateway-jcp.jar)
#   CONFORMANCE_ADMIN_PORT  its admin port on 127.0.0.1 (default 15014)
#   AGJCP_CLUSTER_DIR       run directory (default <tmp>/agentgateway-jcp-conformance);
#                           its logs are copied to $AGJCP_CLUSTER_DIR.logs at the end
#
# Needs root (the node creates network namespaces). The controller runs on the
# host as a java process with a service-account token; the proxies it deploys
# run as pods on the node, with the agentgateway image mapped to
# $AGENTGATEWAY_BIN. Logs: $AGJCP_CLUSTER_DIR/logs/ (controller.log, vknode.log,
# kube-*.log) and the pods' logs through kubectl.
set -euo pipefail
repo=$(cd "$(dirname "$0")/../.." && pwd)
conf="$repo/conformance"
export AGJCP_CLUSTER_DIR=${AGJCP_CLUSTER_DIR:-${TMPDIR:-/tmp}/agentgateway-jcp-conformance}
run_dir=$AGJCP_CLUSTER_DIR
ctl_pid_file="$run_dir.controller.pid"
kept_logs="$run_dir.logs"

stop_all() {
  if [[ -f "$ctl_pid_file" ]]; then
    local pid
    pid=$(cat "$ctl_pid_file")
    kill "$pid" 2>/dev/null || true
    for _ in $(seq 1 20); do kill -0 "$pid" 2>/dev/null || break; sleep 0.5; done
    kill -9 "$pid" 2>/dev/null || true
    rm -f "$ctl_pid_file"
  fi
  if [[ -d "$run_dir/logs" ]]; then
    rm -rf "$kept_logs" && cp -r "$run_dir/logs" "$kept_logs"
  fi
  (cd "$conf" && go run ./cmd/devcluster down) || true
}

if [[ "${1:-}" == "down" ]]; then
  stop_all
  exit 0
fi

if [[ -z "${AGENTGATEWAY_BIN:-}" ]]; then
  echo "conformance: SKIPPED, AGENTGATEWAY_BIN is not set (it must name a locally built agentgateway v1.4.1)"
  exit 0
fi
if [[ ! -x "$AGENTGATEWAY_BIN" ]]; then
  echo "conformance: AGENTGATEWAY_BIN=$AGENTGATEWAY_BIN is not an executable file" >&2
  exit 1
fi
if [[ $(id -u) -ne 0 ]]; then
  echo "conformance: SKIPPED, the virtual-kubelet node needs root (network namespaces)" >&2
  exit 0
fi

suite=${CONFORMANCE_SUITE:-gateway}
case "$suite" in
  gateway) report=${CONFORMANCE_REPORT:-$repo/docs/conformance/experimental-v1.6.3-default-report.yaml} ;;
  inference)
    gie_version=${CONFORMANCE_GIE_VERSION:-v1.5.0}
    # One module file per suite release (see conformance/inference/doc.go);
    # every go command on conformance/inference gets it. The picker is the
    # image the release's base manifests deploy, built from that release.
    case "$gie_version" in
      v1.5.0) gie_modfile=go.mod picker=epp ;;
      v1.6.0) gie_modfile=gie-v1.6.0.mod picker=lwepp ;;
      *) echo "conformance: CONFORMANCE_GIE_VERSION must be v1.5.0 or v1.6.0, not $gie_version" >&2; exit 1 ;;
    esac
    gie_go() { (cd "$conf/inference" && go "$1" -modfile="$gie_modfile" "${@:2}"); }
    report=${CONFORMANCE_REPORT:-$repo/docs/conformance/inference-$gie_version-report.yaml} ;;
  *) echo "conformance: CONFORMANCE_SUITE must be gateway or inference, not $suite" >&2; exit 1 ;;
esac
profiles=${CONFORMANCE_PROFILES:-GATEWAY-HTTP,GATEWAY-GRPC,GATEWAY-TLS,GATEWAY-TCP}
jar="${AGJCP_CONTROLLER_JAR:-$repo/controller/target/agentgateway-jcp.jar}"
proxy_image=ghcr.io/agentgateway/agentgateway
xds_port=${CONFORMANCE_XDS_PORT:-15012}
admin_port=${CONFORMANCE_ADMIN_PORT:-15014}

echo "== conformance: agentgateway $("$AGENTGATEWAY_BIN" --version 2>/dev/null | sed -n 's/.*"version": "\(.*\)".*/\1/p')"
if [[ ! -f "$jar" ]]; then
  echo "== conformance: building the controller jar"
  (cd "$repo" && mvn -B -q -ntp -DskipTests package -pl api-model,xds-translator,controller)
fi
version=$(java -jar "$jar" --version | awk '{print $2}')

# A previous run that was kept or crashed.
if [[ -d "$run_dir" ]]; then
  stop_all
fi
if [[ "${CONFORMANCE_KEEP:-}" != 1 ]]; then
  trap stop_all EXIT
fi

if [[ "$suite" == inference ]]; then
  # The suite's endpoint picker, as released: the command of the Inference
  # Extension module at the version the module file requires.
  picker_bin="${XDG_CACHE_HOME:-$HOME/.cache}/agentgateway-jcp/$picker-$gie_version"
  mkdir -p "$(dirname "$picker_bin")"
  echo "== conformance: building the endpoint picker ($picker) from the Inference Extension module $gie_version"
  gie_go build -o "$picker_bin" "sigs.k8s.io/gateway-api-inference-extension/cmd/$picker"
  export AGJCP_IMAGE_MAP="registry.k8s.io/gateway-api-inference-extension/$picker=$picker_bin${AGJCP_IMAGE_MAP:+,$AGJCP_IMAGE_MAP}"
fi

echo "== conformance: cluster with the virtual-kubelet node ($run_dir)"
export AGJCP_IMAGE_MAP="$proxy_image=$AGENTGATEWAY_BIN${AGJCP_IMAGE_MAP:+,$AGJCP_IMAGE_MAP}"
export KUBECONFIG
if [[ "$suite" == inference ]]; then
  # The Gateway API CRDs of the version the inference suite is built with
  # (its module file): it refuses CRDs of another version.
  KUBECONFIG=$(cd "$conf" && go run ./cmd/devcluster up -node -crds none)
  kubectl="$(cd "$conf" && go run ./cmd/devcluster bindir)/kubectl"
  gw_dir=$(gie_go list -m -f '{{.Dir}}' sigs.k8s.io/gateway-api)
  echo "== conformance: Gateway API CRDs $(basename "$gw_dir") (experimental) for the inference suite"
  gw_crds=$("$kubectl" apply --server-side --force-conflicts -k "$gw_dir/config/crd/experimental" -o name | grep customresourcedefinition)
  # shellcheck disable=SC2086
  "$kubectl" wait --for=condition=Established --timeout=120s $gw_crds >/dev/null
else
  KUBECONFIG=$(cd "$conf" && go run ./cmd/devcluster up -node)
  kubectl="$(cd "$conf" && go run ./cmd/devcluster bindir)/kubectl"
fi

if [[ "$suite" == inference ]]; then
  # Before the controller starts: it turns the InferencePool feature on only
  # when the cluster serves the CRD at startup.
  # The full picker (v1.5.0) also watches InferenceObjectives and
  # InferenceModelRewrites, so every CRD of the release is installed.
  gie_dir=$(gie_go list -m -f '{{.Dir}}' sigs.k8s.io/gateway-api-inference-extension)
  gie_crds=$("$kubectl" apply --server-side -f "$gie_dir/config/crd/bases/" -o name)
  # shellcheck disable=SC2086
  "$kubectl" wait --for=condition=Established --timeout=60s $gie_crds >/dev/null
fi

# Our GatewayClass and an identity for the controller. The controller gets a
# service-account token rather than the admin kubeconfig: that one holds an
# ECDSA PKCS#8 client key, which the fabric8 client cannot load.
"$kubectl" apply -f - >/dev/null <<'EOF'
apiVersion: gateway.networking.k8s.io/v1
kind: GatewayClass
metadata:
  name: agentgateway-jcp
spec:
  controllerName: agentgateway-jcp.dev/controller
---
apiVersion: v1
kind: Namespace
metadata:
  name: agentgateway-jcp-system
---
apiVersion: v1
kind: ServiceAccount
metadata:
  name: agentgateway-jcp
  namespace: agentgateway-jcp-system
---
apiVersion: rbac.authorization.k8s.io/v1
kind: ClusterRoleBinding
metadata:
  name: agentgateway-jcp-conformance
roleRef:
  apiGroup: rbac.authorization.k8s.io
  kind: ClusterRole
  name: cluster-admin
subjects:
- kind: ServiceAccount
  name: agentgateway-jcp
  namespace: agentgateway-jcp-system
EOF
token=$("$kubectl" -n agentgateway-jcp-system create token agentgateway-jcp --duration=24h)
server=$("$kubectl" config view --minify -o jsonpath='{.clusters[0].cluster.server}')
ca=$("$kubectl" config view --raw --minify -o jsonpath='{.clusters[0].cluster.certificate-authority-data}')
ctl_kubeconfig="$run_dir/controller.kubeconfig"
umask 077
cat >"$ctl_kubeconfig" <<EOF
apiVersion: v1
kind: Config
clusters:
- name: local
  cluster: {server: "$server", certificate-authority-data: "$ca"}
users:
- name: agentgateway-jcp
  user: {token: "$token"}
contexts:
- name: agentgateway-jcp
  context: {cluster: local, user: agentgateway-jcp}
current-context: agentgateway-jcp
EOF
umask 022

# The node's bridge address is where pods reach host processes.
bridge_ip=$("$kubectl" get node vk-0 -o jsonpath='{.status.addresses[?(@.type=="InternalIP")].address}')
echo "== conformance: controller on the host, xDS on $bridge_ip:$xds_port"
mkdir -p "$run_dir/logs"
# xDS is secured as in a real install: TLS with the controller's own CA (kept in
# a Secret in agentgateway-jcp-system) and proxies admitted by their projected
# service-account tokens; the serving certificate names the bridge address the
# proxies dial.
KUBECONFIG="$ctl_kubeconfig" nohup java -jar "$jar" run \
  --xds-host=0.0.0.0 --xds-tls-port=$xds_port --admin-port=$admin_port \
  --namespace=agentgateway-jcp-system --xds-tls-names="$bridge_ip" \
  --proxy-xds-address="https://$bridge_ip:$xds_port" \
  --lease-namespace=agentgateway-jcp-system >"$run_dir/logs/controller.log" 2>&1 &
echo $! >"$ctl_pid_file"
for _ in $(seq 1 60); do
  if [[ "$("$kubectl" get gatewayclass agentgateway-jcp -o jsonpath='{.status.conditions[?(@.type=="Accepted")].status}')" == True ]]; then
    break
  fi
  kill -0 "$(cat "$ctl_pid_file")" 2>/dev/null || { tail -30 "$run_dir/logs/controller.log"; exit 1; }
  sleep 1
done

# GatewayStaticAddresses: the node assigns a requested loadBalancerIP only from
# its pool (10.244.255.0/24, the top of the pod network), as cloud load
# balancers do; an address outside it stays unassigned.
mkdir -p "$(dirname "$report")"
status=0
proxy_version=$("$AGENTGATEWAY_BIN" --version 2>/dev/null | sed -n 's/.*"version": "\(.*\)".*/\1/p')
if [[ "$suite" == inference ]]; then
  echo "== conformance: the upstream Inference Extension suite $gie_version, report $report"
  gie_go test -tags conformance -count=1 -timeout "${CONFORMANCE_TIMEOUT:-60m}" -v . -args \
    -gateway-class=agentgateway-jcp \
    -report-output="$report" \
    -organization=agentgateway-jcp -project=agentgateway-jcp \
    -url=https://github.com/agentgateway-jcp/agentgateway-jcp \
    -version="$version" -contact=https://github.com/agentgateway-jcp/agentgateway-jcp/issues \
    -mode="agentgateway-$proxy_version" \
    "$@" || status=$?
  echo "== conformance: suite exited with $status; logs in $kept_logs"
  exit $status
fi
echo "== conformance: the upstream suite (profiles $profiles), report $report"
(cd "$conf" && go test -tags conformance -count=1 -timeout "${CONFORMANCE_TIMEOUT:-100m}" -v ./suite -args \
  -gateway-class=agentgateway-jcp \
  -conformance-profiles="$profiles" \
  -report-output="$report" \
  -organization=agentgateway-jcp -project=agentgateway-jcp \
  -usable-address=10.244.255.200 -unusable-address=10.245.0.1 \
  -url=https://github.com/agentgateway-jcp/agentgateway-jcp \
  -version="$version" -contact=https://github.com/agentgateway-jcp/agentgateway-jcp/issues \
  -mode="agentgateway-$proxy_version" \
  "$@") || status=$?
echo "== conformance: suite exited with $status; logs in $kept_logs"
exit $status
