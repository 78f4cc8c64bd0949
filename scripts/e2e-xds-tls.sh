#!/usr/bin/env bash
# End-to-end check of the secured xDS server with a real agentgateway v1.4.1 proxy, in file mode:
# TLS only (the controller's CA as XDS_ROOT_CA), a static token file standing in for TokenReview
# (the proxy's XDS_AUTH_TOKEN), and the same Gateway binding as in a cluster.
#
#   1. a proxy with the token of Gateway default/basic gets its configuration over TLS and routes;
#   2. a proxy with an unknown token is refused (UNAUTHENTICATED) and never becomes ready;
#   3. a proxy with basic's token asking for Gateway default/other is refused (PERMISSION_DENIED);
#   4. a proxy that does not trust the controller's CA cannot connect;
#   5. a token file ending in a newline: what agentgateway v1.4.1 does with it is reported.
#
# Usage: AGENTGATEWAY_BIN=/path/to/agentgateway scripts/e2e-xds-tls.sh
# (build the jar first: mvn -B -q -DskipTests package). Ports 25000-26521 and 28080, 23000 are used.
set -euo pipefail
root="$(cd "$(dirname "$0")/.." && pwd)"
: "${AGENTGATEWAY_BIN:?set AGENTGATEWAY_BIN to a locally built agentgateway v1.4.1}"
jar="$root/controller/target/agentgateway-jcp.jar"
[[ -f "$jar" ]] || { echo "missing $jar: run mvn -B -q -DskipTests package" >&2; exit 1; }

work="$(mktemp -d)"
pids=()
cleanup() {
  # agentgateway hangs on SIGTERM while xDS is unreachable: always SIGKILL it.
  for pid in "${pids[@]}"; do kill -9 "$pid" 2>/dev/null || true; done
  wait 2>/dev/null || true
  rm -rf "$work"
}
trap cleanup EXIT

passed=0
fail() { echo "FAIL: $*" >&2; echo "--- controller"; tail -30 "$work/controller.log"; for f in "$work"/proxy-*.log; do echo "--- $f"; tail -15 "$f"; done; exit 1; }
ok() { echo "ok: $*"; passed=$((passed + 1)); }

# examples/basic on ports of its own, plus a second Gateway 'other'.
cp -r "$root/examples/basic" "$work/config"
sed -i 's/port: 8080/port: 28080/; s/port: 3000/port: 23000/' "$work/config/gateway.yaml" "$work/config/backend.yaml"
cat >> "$work/config/gateway.yaml" <<'YAML'
---
apiVersion: gateway.networking.k8s.io/v1
kind: Gateway
metadata:
  name: other
  namespace: default
spec:
  gatewayClassName: agentgateway-jcp
  listeners:
  - name: http
    port: 28081
    protocol: HTTP
YAML
mkdir -p "$work/www" && echo "hello over secured xds" > "$work/www/echo"
(cd "$work/www" && exec python3 -m http.server 23000 --bind 127.0.0.1) > "$work/backend.log" 2>&1 &
pids+=($!)

printf '%s\n' "# token  namespace/serviceaccount" "basic-token default/basic" > "$work/tokens"
java -jar "$jar" run --config-dir "$work/config" --poll-interval PT0.5S \
  --no-xds-plaintext --xds-tls-port 25012 --xds-ca-dir "$work/ca" --xds-token-file "$work/tokens" \
  --admin-port 25014 > "$work/controller.out" 2> "$work/controller.log" &
pids+=($!)
for _ in $(seq 1 100); do curl -fs http://127.0.0.1:25014/readyz > /dev/null && break; sleep 0.2; done
curl -fs http://127.0.0.1:25014/readyz > /dev/null || fail "controller not ready"
[[ -s "$work/ca/ca.crt" ]] || fail "no CA written to --xds-ca-dir"

# proxy NAME GATEWAY TOKEN_FILE ROOT_CA PORT_BASE: starts agentgateway as a deployed proxy would be.
proxy() {
  local name="$1" gateway="$2" token="$3" root_ca="$4" base="$5"
  env -u POD_NAME -u KUBERNETES_SERVICE_HOST -u LOCAL_XDS_PATH \
    XDS_ADDRESS="https://localhost:25012" XDS_ROOT_CA="$root_ca" XDS_AUTH_TOKEN="$token" \
    NAMESPACE=default GATEWAY="$gateway" IPV6_ENABLED=false \
    ADMIN_ADDR="localhost:${base}000" STATS_ADDR="127.0.0.1:${base}020" READINESS_ADDR="127.0.0.1:${base}021" \
    RUST_LOG=info "$AGENTGATEWAY_BIN" --config '{}' > "$work/proxy-$name.log" 2>&1 &
  pids+=($!)
}
stop_last() { local pid="${pids[-1]}"; { kill -9 "$pid"; wait "$pid"; } 2>/dev/null || true; }
# proxy_said NAME PATTERN: the proxy's own log shows why it failed.
proxy_said() { grep -m1 -iE "$2" "$work/proxy-$1.log" | cut -c1-220 || true; }
ready() { curl -fs "http://127.0.0.1:${1}021/healthz/ready" > /dev/null; }
rejected() { curl -fs http://127.0.0.1:25014/metrics | awk -v r="$1" '$1 ~ /^agentgateway_jcp_xds_rejected_streams_total/ && index($1, "reason=\"" r "\"") { s += $2 } END { print s + 0 }'; }

# 1. The right token.
printf %s basic-token > "$work/token-basic"
proxy good basic "$work/token-basic" "$work/ca/ca.crt" 25
for _ in $(seq 1 150); do ready 25 && break; sleep 0.2; done
ready 25 || fail "the proxy with basic's token did not become ready"
body="$(curl -s -H 'Host: example.com' http://127.0.0.1:28080/echo)" || fail "request through the proxy failed"
[[ "$body" == "hello over secured xds" ]] || fail "unexpected body: $body"
curl -fs http://127.0.0.1:25014/debug/connections | grep -q '"basic"' || fail "connection not listed"
ok "a proxy with Gateway basic's token got its configuration over TLS and routed a request"

# 2. An unknown token.
printf %s not-a-token > "$work/token-wrong"
proxy wrong basic "$work/token-wrong" "$work/ca/ca.crt" 26
sleep 4
ready 26 && fail "a proxy with an unknown token became ready"
(( $(rejected unauthenticated) > 0 )) || fail "no unauthenticated rejection counted"
why="$(proxy_said wrong 'unauthenticated')"
[[ -n "$why" ]] || fail "the refused proxy's log does not mention Unauthenticated"
ok "a proxy with an unknown token was refused (unauthenticated: $(rejected unauthenticated)); proxy log: $why"
stop_last

# 3. basic's token for Gateway other.
proxy other other "$work/token-basic" "$work/ca/ca.crt" 26
sleep 4
ready 26 && fail "a proxy with basic's token became ready as Gateway other"
(( $(rejected unauthorized) > 0 )) || fail "no unauthorized rejection counted"
code="$(curl -s -o /dev/null -w '%{http_code}' --max-time 2 http://127.0.0.1:28081/ || true)"
[[ "$code" == "000" ]] || fail "Gateway other's listener answers ($code) although its proxy was refused"
why="$(proxy_said other 'permission')"
[[ -n "$why" ]] || fail "the refused proxy's log does not mention PermissionDenied"
ok "basic's token could not get Gateway other's configuration (unauthorized: $(rejected unauthorized)); proxy log: $why"
stop_last

# 4. A proxy that trusts another CA (a missing XDS_ROOT_CA file means the system roots).
proxy untrusting basic "$work/token-basic" "$work/no-such-ca.pem" 26
sleep 4
ready 26 && fail "a proxy without our CA became ready"
why="$(proxy_said untrusting 'certificate|issuer|tls')"
ok "a proxy that does not trust the controller's CA could not connect; proxy log: $why"
stop_last

# 5. A token file with a trailing newline (as 'echo' writes it).
echo basic-token > "$work/token-newline"
proxy newline basic "$work/token-newline" "$work/ca/ca.crt" 26
sleep 4
if ready 26; then
  echo "note: agentgateway v1.4.1 accepted a token file ending in a newline"
else
  echo "note: agentgateway v1.4.1 cannot use a token file ending in a newline: $(proxy_said newline 'header')"
fi
stop_last

echo "e2e secured xDS: $passed passed, 0 failed"
