#!/usr/bin/env bash
# Runs the upstream Gateway API Inference Extension conformance suite
# (sigs.k8s.io/gateway-api-inference-extension/conformance, module
# conformance/inference) against our controller and a locally built
# agentgateway, on the local cluster with the virtual-kubelet node, and tears
# everything down afterwards. The suite, its manifests and its endpoint picker
# are used as released, unmodified.
#
#   AGENTGATEWAY_BIN=/path/to/agentgateway conformance/scripts/run-inference-suite.sh [SUITE FLAGS...]
#
# CONFORMANCE_GIE_VERSION picks the release: v1.5.0 (default; the full
# endpoint picker, epp) or v1.6.0 (the lightweight picker, lwepp, which drops
# bodies streamed through it full-duplex: 4 of 14 tests pass with agentgateway
# v1.4.1; see docs/conformance/README.md). The report goes to
# docs/conformance/inference-<version>-report.yaml unless CONFORMANCE_REPORT
# says otherwise.
#
# Extra arguments go to the suite, e.g. -run-test=InferencePoolAccepted or
# -debug. Everything else (environment, logs, "down", SKIPPED without
# AGENTGATEWAY_BIN or root) is as in run-suite.sh, which does the work.
set -euo pipefail
CONFORMANCE_SUITE=inference exec "$(dirname "$0")/run-suite.sh" "$@"
