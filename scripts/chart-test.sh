#!/usr/bin/env bash
# Lints the Helm chart and compares `helm template` of each scenario under
# charts/agentgateway-jcp/tests/scenarios/ with its golden file under
# charts/agentgateway-jcp/tests/golden/. UPDATE_GOLDEN=1 rewrites the golden
# files instead; read the diff before committing them.
set -euo pipefail
root="$(cd "$(dirname "$0")/.." && pwd)"
chart="$root/charts/agentgateway-jcp"
helm="$("$root/scripts/helm.sh")"

"$helm" lint "$chart" --strict
passed=0
failed=0
for scenario in "$chart"/tests/scenarios/*.yaml; do
  name="$(basename "$scenario" .yaml)"
  golden="$chart/tests/golden/$name.yaml"
  rendered="$("$helm" template agentgateway-jcp "$chart" --namespace agentgateway-jcp-system -f "$scenario")"
  if [[ "${UPDATE_GOLDEN:-}" == "1" ]]; then
    mkdir -p "$(dirname "$golden")"
    printf '%s\n' "$rendered" > "$golden"
    echo "updated $golden"
    passed=$((passed + 1))
  elif diff -u "$golden" <(printf '%s\n' "$rendered"); then
    passed=$((passed + 1))
  else
    echo "FAIL: helm template for scenario $name differs from $golden" >&2
    failed=$((failed + 1))
  fi
done
echo "chart tests: $passed passed, $failed failed"
[[ $failed -eq 0 ]]
