#!/usr/bin/env bash
# End-to-end check of file mode with a real agentgateway v1.4.1 proxy:
# the controller serves examples/basic, the proxy gets its configuration over
# xDS, and an HTTP request through the proxy reaches a local backend; then
# the route is deleted and the proxy stops routing.
#
# Usage: AGENTGATEWAY_BIN=/path/to/agentgateway scripts/e2e-file-mode.sh
# (build the jar first: mvn -B -q -DskipTests package)
set -euo pipefail
root="$(cd "$(dirname "$0")/.." && pwd)"
: "${AGENTGATEWAY_BIN:?set AGENTGATEWAY_BIN to a locally built agentgateway v1.4.1}"
jar="$root/controller/target/agentgateway-jcp.jar"
[[ -f "$jar" ]] || { echo "missing $jar: run mvn -B -q -DskipTests package" >&2; exit 1; }

work="$(mktemp -d)"
pids=()
cleanup() {
  for pid in "${pids[@]}"; do kill "$pid" 2>/dev/null || true; done
  # agentgateway can keep retrying xDS after SIGTERM once the controller is gone.
  sleep 1
  for pid in "${pids[@]}"; do kill -9 "$pid" 2>/dev/null || true; done
  wait 2>/dev/null || true
  rm -rf "$work"
}
trap cleanup EXIT

cp -r "$root/examples/basic" "$work/config"
mkdir -p "$work/www" && echo "hello from the echo backend" > "$work/www/echo"
(cd "$work/www" && exec python3 -m http.server 3000 --bind 127.0.0.1) > "$work/backend.log" 2>&1 &
pids+=($!)

java -jar "$jar" run --config-dir "$work/config" --poll-interval PT0.5S --xds-port 15010 --admin-port 15014 \
  > "$work/controller.out" 2> "$work/controller.log" &
pids+=($!)
for _ in $(seq 1 100); do curl -fs http://127.0.0.1:15014/readyz > /dev/null && break; sleep 0.2; done
curl -fs http://127.0.0.1:15014/readyz > /dev/null || { cat "$work/controller.log"; echo "controller not ready" >&2; exit 1; }

env -u POD_NAME -u KUBERNETES_SERVICE_HOST -u LOCAL_XDS_PATH \
  XDS_ADDRESS=http://127.0.0.1:15010 NAMESPACE=default GATEWAY=basic IPV6_ENABLED=false \
  ADMIN_ADDR=localhost:15000 STATS_ADDR=127.0.0.1:15020 READINESS_ADDR=127.0.0.1:15021 \
  RUST_LOG=info "$AGENTGATEWAY_BIN" --config '{}' > "$work/proxy.log" 2>&1 &
pids+=($!)
for _ in $(seq 1 150); do curl -fs http://127.0.0.1:15021/healthz/ready > /dev/null && break; sleep 0.2; done
curl -fs http://127.0.0.1:15021/healthz/ready > /dev/null || { tail -50 "$work/proxy.log"; echo "proxy not ready" >&2; exit 1; }

fail() { echo "FAIL: $*" >&2; echo "--- controller"; tail -20 "$work/controller.log"; echo "--- proxy"; tail -30 "$work/proxy.log"; exit 1; }

body="$(curl -s -H 'Host: example.com' http://127.0.0.1:8080/echo)" || fail "request through the proxy failed"
[[ "$body" == "hello from the echo backend" ]] || fail "unexpected body: $body"
echo "ok: GET example.com/echo through agentgateway reached the backend"

code="$(curl -s -o /dev/null -w '%{http_code}' -H 'Host: other.example.org' http://127.0.0.1:8080/echo)"
[[ "$code" == "404" ]] || fail "a host no route matches got $code, expected 404"
echo "ok: a host no route matches gets 404"

rm "$work/config/route.yaml"
for _ in $(seq 1 50); do
  code="$(curl -s -o /dev/null -w '%{http_code}' -H 'Host: example.com' http://127.0.0.1:8080/echo)"
  [[ "$code" == "404" ]] && break
  sleep 0.2
done
[[ "$code" == "404" ]] || fail "after deleting the route the proxy still answers $code"
echo "ok: deleting route.yaml removed the route from the proxy"

curl -fs "http://127.0.0.1:15014/debug/connections" | grep -q '"gateway"' || fail "no connection listed"

# HTTPS: the proxy terminates TLS with the certificate from examples/https's Secret.
kill -9 "${pids[2]}" "${pids[1]}" 2>/dev/null || true
wait "${pids[1]}" "${pids[2]}" 2>/dev/null || true
echo "hello over https" > "$work/www/index.html"
cp -r "$root/examples/https" "$work/https"
python3 - "$work/https/gateway.yaml" > "$work/ca.crt" <<'PY'
import base64, re, sys
text = open(sys.argv[1]).read()
print(base64.b64decode(re.search(r"tls.crt: (\S+)", text).group(1)).decode(), end="")
PY
java -jar "$jar" run --config-dir "$work/https" --xds-port 15010 --admin-port 15014 \
  > "$work/controller.out" 2> "$work/controller.log" &
pids+=($!)
for _ in $(seq 1 100); do curl -fs http://127.0.0.1:15014/readyz > /dev/null && break; sleep 0.2; done
env -u POD_NAME -u KUBERNETES_SERVICE_HOST -u LOCAL_XDS_PATH \
  XDS_ADDRESS=http://127.0.0.1:15010 NAMESPACE=default GATEWAY=secure IPV6_ENABLED=false \
  ADMIN_ADDR=localhost:15000 STATS_ADDR=127.0.0.1:15020 READINESS_ADDR=127.0.0.1:15021 \
  RUST_LOG=info "$AGENTGATEWAY_BIN" --config '{}' > "$work/proxy.log" 2>&1 &
pids+=($!)
for _ in $(seq 1 150); do curl -fs http://127.0.0.1:15021/healthz/ready > /dev/null && break; sleep 0.2; done
body="$(curl -s --resolve secure.example.com:8443:127.0.0.1 --cacert "$work/ca.crt" https://secure.example.com:8443/)" \
  || fail "HTTPS request through the proxy failed (certificate or routing)"
[[ "$body" == "hello over https" ]] || fail "unexpected HTTPS body: $body"
echo "ok: HTTPS to secure.example.com verified against the example's certificate and reached the backend"
redirect="$(curl -s -o /dev/null -w '%{http_code} %{redirect_url}' -H 'Host: secure.example.com' http://127.0.0.1:8080/x)"
[[ "$redirect" == "301 https://secure.example.com:8443/x" ]] || fail "unexpected redirect: $redirect"
echo "ok: plain HTTP is redirected to HTTPS with 301"
echo "e2e file mode: 5 passed, 0 failed"
