#!/usr/bin/env bash
# Runs the control-plane benchmark suite and regenerates docs/performance.md (its generated
# blocks) and docs/images/perf-*.png. Never part of the default build or of scripts/test-all.sh.
#
#   scripts/bench.sh [PHASES] [quick]
#
# PHASES is a comma-separated subset of inprocess,scale,churn,api,report (default: all of them);
# results of phases not run this time are kept from the last run (controller/target/bench/results).
# "quick" runs a short smoke version.
#
# Side by side with agentgateway's own controller (optional; never committed to this repository):
#   AGENTGATEWAY_CONTROLLER_BIN  a locally built agentgateway controller binary
#   AGENTGATEWAY_CRDS_DIR        its CRD YAML directory (controller/install/helm/agentgateway-crds/templates)
set -euo pipefail
root="$(cd "$(dirname "$0")/.." && pwd)"
cd "$root"
phases="${1:-inprocess,scale,churn,api,report}"
quick="${2:-}"
if [[ ",$phases," == *",api,"* ]]; then
  # The real kube-apiserver and etcd the integration tests use, built from Go modules.
  eval "$(scripts/kube-test-env.sh)"
fi
echo "load average before the run: $(cut -d' ' -f1-3 /proc/loadavg)" >&2
mvn -B -q -Pbench -pl api-model,xds-translator,controller verify -DskipTests \
  -Dbench.args="$phases" -Dbench.args2="$quick" -Dbench.heap="${BENCH_HEAP:-6g}"
