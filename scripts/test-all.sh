#!/usr/bin/env bash
# Runs every test of the project: the Maven reactor (unit, golden, gRPC and
# integration tests) and, where present, the Go conformance harness self-test.
# Usage: scripts/test-all.sh
set -euo pipefail
cd "$(dirname "$0")/.."

echo "== Maven: build and test all modules"
mvn -B -ntp verify

if [[ -x conformance/scripts/selftest.sh ]]; then
  echo "== Conformance harness self-test"
  conformance/scripts/selftest.sh
fi
