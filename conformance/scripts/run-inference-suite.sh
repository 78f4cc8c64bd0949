#!/usr/bin/env bash
# Runs the upstream Gateway API Inference Extension conformance suite
# (sigs.k8s.io/gateway-api-inference-extension/conformance v1.6.0, module
# conformance/inference) against our controller and a locally built
# agentgateway, on the local cluster with the virtual-kubelet node, and tears
# everything down afterwards. The report goes to
# docs/conformance/inference-v1.6.0-report.yaml unless CONFORMANCE_REPORT says
# otherwise.
#
#   AGENTGATEWAY_BIN=/path/to/agentgateway conformance/scripts/run-inference-suite.sh [SUITE FLAGS...]
#
# Extra arguments go to the suite, e.g. -run-test=InferencePoolAccepted or
# -debug. Everything else (environment, logs, "down", SKIPPED without
# AGENTGATEWAY_BIN or root) is as in run-suite.sh, which does the work.
set -euo pipefail
CONFORMANCE_SUITE=inference exec "$(dirname "$0")/run-suite.sh" "$@"
