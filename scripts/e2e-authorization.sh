#!/usr/bin/env bash
# End-to-end check of Istio AuthorizationPolicy and RequestAuthentication with a real
# agentgateway v1.4.1 proxy, in file mode: the controller serves examples/authorization (with a
# signing key made here), and a table of requests must be allowed or denied as Istio documents.
# A second RequestAuthentication names a jwksUri and an OIDC issuer on a local HTTPS server with a
# test CA: the controller fetches those keys, and picks up rotated ones at its next refresh.
#
# Usage: AGENTGATEWAY_BIN=/path/to/agentgateway scripts/e2e-authorization.sh
# (build the jar first: mvn -B -q -DskipTests package). Needs curl, openssl and python3.
set -euo pipefail
root="$(cd "$(dirname "$0")/.." && pwd)"
: "${AGENTGATEWAY_BIN:?set AGENTGATEWAY_BIN to a locally built agentgateway v1.4.1}"
jar="$root/controller/target/agentgateway-jcp.jar"
[[ -f "$jar" ]] || { echo "missing $jar: run mvn -B -q -DskipTests package" >&2; exit 1; }

work="$(mktemp -d)"
pids=()
cleanup() {
  # agentgateway can keep retrying xDS after SIGTERM once the controller is gone: SIGKILL.
  for pid in "${pids[@]}"; do kill -9 "$pid" 2>/dev/null || true; done
  wait 2>/dev/null || true
  [[ -n "${KEEP_WORK:-}" ]] && echo "kept $work" || rm -rf "$work"
}
trap cleanup EXIT

# Two signing keys: one the RequestAuthentication trusts, one it does not.
openssl genpkey -algorithm RSA -pkeyopt rsa_keygen_bits:2048 -out "$work/good.pem" 2>/dev/null
openssl genpkey -algorithm RSA -pkeyopt rsa_keygen_bits:2048 -out "$work/other.pem" 2>/dev/null
b64url() { python3 -c 'import base64,sys; sys.stdout.write(base64.urlsafe_b64encode(sys.stdin.buffer.read()).rstrip(b"=").decode())'; }
# jwk KEY KID: the public JWK of an RSA key.
jwk() {
  local modulus
  modulus="$(openssl rsa -in "$1" -noout -modulus | cut -d= -f2 | python3 -c 'import sys; sys.stdout.buffer.write(bytes.fromhex(sys.stdin.read().strip()))' | b64url)"
  printf '{"kty":"RSA","kid":"%s","alg":"RS256","e":"AQAB","n":"%s"}' "$2" "$modulus"
}
jwks="{\"keys\":[$(jwk "$work/good.pem" good)]}"
# token KEY KID CLAIMS-JSON
token() {
  local header payload sig
  header="$(printf '{"alg":"RS256","typ":"JWT","kid":"%s"}' "$2" | b64url)"
  payload="$(printf '%s' "$3" | b64url)"
  sig="$(printf '%s.%s' "$header" "$payload" | openssl dgst -sha256 -sign "$1" -binary | b64url)"
  printf '%s.%s.%s' "$header" "$payload" "$sig"
}
now="$(date +%s)"; exp=$((now + 3600)); past=$((now - 3600))
valid="$(token "$work/good.pem" good "{\"iss\":\"https://issuer.example.com\",\"sub\":\"alice\",\"aud\":\"secured-api\",\"exp\":$exp,\"groups\":[\"admins\",\"dev\"]}")"
user="$(token "$work/good.pem" good "{\"iss\":\"https://issuer.example.com\",\"sub\":\"bob\",\"aud\":\"secured-api\",\"exp\":$exp,\"groups\":[\"users\"]}")"
forged="$(token "$work/other.pem" good "{\"iss\":\"https://issuer.example.com\",\"sub\":\"mallory\",\"aud\":\"secured-api\",\"exp\":$exp}")"
expired="$(token "$work/good.pem" good "{\"iss\":\"https://issuer.example.com\",\"sub\":\"alice\",\"aud\":\"secured-api\",\"exp\":$past}")"
wrongaud="$(token "$work/good.pem" good "{\"iss\":\"https://issuer.example.com\",\"sub\":\"alice\",\"aud\":\"other\",\"exp\":$exp}")"
unknown="$(token "$work/other.pem" unknown-kid "{\"iss\":\"https://unknown.example.net\",\"sub\":\"eve\",\"exp\":$exp}")"

cp -r "$root/examples/authorization" "$work/config"
# Ports are overridable so the script can run next to other proxies on the machine.
port="${PROXY_PORT:-18480}"; xds="${XDS_PORT:-15110}"; admin="${ADMIN_PORT:-15114}"; kport="${KEYS_PORT:-18443}"

# A local HTTPS server (certificate from a test CA, for 127.0.0.1) serves a key set and an OIDC
# discovery document; a RequestAuthentication names both, so the controller must fetch them.
openssl genpkey -algorithm RSA -pkeyopt rsa_keygen_bits:2048 -out "$work/remote.pem" 2>/dev/null
openssl genpkey -algorithm RSA -pkeyopt rsa_keygen_bits:2048 -out "$work/rotated.pem" 2>/dev/null
openssl genpkey -algorithm RSA -pkeyopt rsa_keygen_bits:2048 -out "$work/discovered.pem" 2>/dev/null
openssl req -x509 -newkey ec -pkeyopt ec_paramgen_curve:P-256 -nodes -days 1 -subj "/CN=e2e jwks CA" \
  -keyout "$work/ca.key" -out "$work/ca.pem" 2>/dev/null
openssl req -newkey ec -pkeyopt ec_paramgen_curve:P-256 -nodes -subj "/CN=127.0.0.1" \
  -keyout "$work/keys.key" -out "$work/keys.csr" 2>/dev/null
printf 'subjectAltName=IP:127.0.0.1\nbasicConstraints=CA:FALSE\nextendedKeyUsage=serverAuth\n' > "$work/keys.ext"
openssl x509 -req -in "$work/keys.csr" -CA "$work/ca.pem" -CAkey "$work/ca.key" -CAcreateserial -days 1 \
  -extfile "$work/keys.ext" -out "$work/keys.crt" 2>/dev/null
oidc="https://127.0.0.1:$kport/oidc"
mkdir -p "$work/keys/oidc/.well-known"
echo "{\"keys\":[$(jwk "$work/remote.pem" remote)]}" > "$work/keys/keys.json"
# agentgateway looks keys up by kid across the Gateway's issuers: each issuer gets its own kids.
echo "{\"keys\":[$(jwk "$work/discovered.pem" discovered)]}" > "$work/keys/oidc/keys.json"
echo "{\"issuer\":\"$oidc\",\"jwks_uri\":\"$oidc/keys.json\"}" > "$work/keys/oidc/.well-known/openid-configuration"
python3 - "$work/keys" "$kport" "$work/keys.crt" "$work/keys.key" > "$work/keys.log" 2>&1 <<'PY' &
import functools, http.server, ssl, sys
directory, port, crt, key = sys.argv[1:]
server = http.server.ThreadingHTTPServer(("127.0.0.1", int(port)),
                                         functools.partial(http.server.SimpleHTTPRequestHandler, directory=directory))
context = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
context.load_cert_chain(crt, key)
server.socket = context.wrap_socket(server.socket, server_side=True)
server.serve_forever()
PY
pids+=($!)
cat > "$work/config/remote-keys.yaml" <<YAML
apiVersion: security.istio.io/v1
kind: RequestAuthentication
metadata:
  name: remote-keys
  namespace: default
spec:
  targetRefs:
  - {group: gateway.networking.k8s.io, kind: Gateway, name: secured}
  jwtRules:
  - issuer: https://remote.example.test
    jwksUri: https://127.0.0.1:$kport/keys.json
  - issuer: $oidc
YAML
remote="$(token "$work/remote.pem" remote "{\"iss\":\"https://remote.example.test\",\"sub\":\"carol\",\"exp\":$exp,\"groups\":[\"admins\"]}")"
remoteforged="$(token "$work/other.pem" remote "{\"iss\":\"https://remote.example.test\",\"sub\":\"carol\",\"exp\":$exp,\"groups\":[\"admins\"]}")"
discovered="$(token "$work/discovered.pem" discovered "{\"iss\":\"$oidc\",\"sub\":\"dave\",\"exp\":$exp,\"groups\":[\"admins\"]}")"
rotated="$(token "$work/rotated.pem" rotated "{\"iss\":\"https://remote.example.test\",\"sub\":\"carol\",\"exp\":$exp,\"groups\":[\"admins\"]}")"
sed -i "s/port: 8080/port: $port/" "$work/config/gateway.yaml"
python3 - "$work/config/authentication.yaml" "$jwks" <<'PY'
import re, sys
path, jwks = sys.argv[1], sys.argv[2]
text = open(path).read()
open(path, "w").write(re.sub(r"jwks: '.*'", "jwks: '" + jwks + "'", text))
PY

mkdir -p "$work/www" && echo "hello" > "$work/www/index.html"
(cd "$work/www" && exec python3 -m http.server 3000 --bind 127.0.0.1) > "$work/backend.log" 2>&1 &
pids+=($!)
# The key server is on loopback, which the fetcher refuses by default; it trusts the test CA.
java -jar "$jar" run --config-dir "$work/config" --xds-port "$xds" --admin-port "$admin" \
  --jwks-allow-internal-addresses --jwks-ca-file "$work/ca.pem" --jwks-refresh-interval PT2S \
  > "$work/controller.out" 2> "$work/controller.log" &
pids+=($!)
for _ in $(seq 1 100); do curl -fs http://127.0.0.1:$admin/readyz > /dev/null && break; sleep 0.2; done
env -u POD_NAME -u KUBERNETES_SERVICE_HOST -u LOCAL_XDS_PATH \
  XDS_ADDRESS=http://127.0.0.1:$xds NAMESPACE=default GATEWAY=secured IPV6_ENABLED=false \
  ADMIN_ADDR=localhost:$((admin + 100)) STATS_ADDR=127.0.0.1:$((admin + 101)) READINESS_ADDR=127.0.0.1:$((admin + 102)) \
  RUST_LOG=info "$AGENTGATEWAY_BIN" --config '{}' > "$work/proxy.log" 2>&1 &
pids+=($!)
for _ in $(seq 1 150); do curl -fs http://127.0.0.1:$((admin + 102))/healthz/ready > /dev/null && break; sleep 0.2; done
curl -fs http://127.0.0.1:$((admin + 102))/healthz/ready > /dev/null || { tail -30 "$work/proxy.log"; echo "proxy not ready" >&2; exit 1; }
# Wait until the policies are in force (the proxy may be ready before the last push).
for _ in $(seq 1 50); do
  [[ "$(curl -s -o /dev/null -w '%{http_code}' http://127.0.0.1:$port/other)" == "403" ]] && break; sleep 0.2
done

# And until the fetched keys are in force.
for _ in $(seq 1 50); do
  [[ "$(curl -s -o /dev/null -w '%{http_code}' -H "Authorization: Bearer $remote" http://127.0.0.1:$port/ops)" != "401" ]] && break; sleep 0.2
done

passed=0; failed=0
# check EXPECT DESCRIPTION CURL-ARGS...: EXPECT is allow (any status but 401/403), 403 or 401.
check() {
  local expect="$1" what="$2"; shift 2
  local code got
  code="$(curl -s -o /dev/null -w "%{http_code}" --path-as-is "$@" || true)"
  case "$code" in 401) got=401 ;; 403) got=403 ;; *) got=allow ;; esac
  if [[ "$got" == "$expect" ]]; then
    passed=$((passed + 1)); printf 'ok    %-6s %-3s %s\n' "$expect" "$code" "$what"
  else
    failed=$((failed + 1)); printf 'FAIL  %-6s %-3s %s\n' "$expect" "$code" "$what"
  fi
}
u=http://127.0.0.1:$port
check allow "ALLOW rule without from: anyone may GET /public"            "$u/public"
check allow "RequestAuthentication: a missing token passes (no identity)" "$u/public/x"
check 403   "DENY when header x-evil is present, even on /public"         -H 'x-evil: 1' "$u/public"
check 403   "DENY paths /admin* wins over no ALLOW"                       "$u/admin"
check 403   "DENY wins over a valid token"                                -H "Authorization: Bearer $valid" "$u/admin/panel"
check allow "GET /api/* with tenant acme"                                 -H 'x-tenant: acme' "$u/api/items"
check allow "GET /api/* with tenant globex"                               -H 'x-tenant: globex' "$u/api/items"
check 403   "GET /api/* with another tenant"                              -H 'x-tenant: initech' "$u/api/items"
check 403   "GET /api/* without the tenant header"                        "$u/api/items"
check 403   "POST /api/* (the ALLOW rule names GET only)"                 -X POST -H 'x-tenant: acme' "$u/api/items"
check 403   "DELETE /api/* (DENY)"                                        -X DELETE -H 'x-tenant: acme' "$u/api/items"
check 403   "header value trying to inject CEL"                           -H 'x-tenant: acme") || true || ("' "$u/api/items"
check 403   "requestPrincipals: /secure without a token"                  "$u/secure"
check allow "requestPrincipals: /secure with a valid token"               -H "Authorization: Bearer $valid" "$u/secure"
check 401   "JWT signed by another key"                                   -H "Authorization: Bearer $forged" "$u/secure"
check 401   "JWT expired"                                                 -H "Authorization: Bearer $expired" "$u/secure"
check 401   "JWT for another audience"                                    -H "Authorization: Bearer $wrongaud" "$u/secure"
check 401   "JWT from an unknown issuer"                                  -H "Authorization: Bearer $unknown" "$u/secure"
check 401   "JWT that is not a JWT"                                       -H "Authorization: Bearer not.a.jwt" "$u/public"
check 403   "token in a query parameter is not read (header only)"        "$u/secure?access_token=$valid"
check allow "claims: groups holds admins"                                 -H "Authorization: Bearer $valid" "$u/ops"
check 403   "claims: groups without admins"                               -H "Authorization: Bearer $user" "$u/ops"
check allow "hosts *.example.org"                                         -H 'Host: a.example.org' "$u/host"
check allow "hosts match case-insensitively and ignore the port"          -H 'Host: A.Example.ORG:8080' "$u/host"
check 403   "hosts: another host"                                         -H 'Host: example.com' "$u/host"
check allow "notIpBlocks 10.0.0.0/8 lets 127.0.0.1 in"                    "$u/ip"
check 403   "ipBlocks 10.0.0.0/8 keeps 127.0.0.1 out"                     "$u/blocked-ip"
check allow "notMethods POST: GET passes"                                 "$u/nopost"
check 403   "notMethods POST: POST is refused"                            -X POST "$u/nopost"
check 403   "no ALLOW rule matches: default deny"                         "$u/other"
check 403   "dot segments are refused, not matched (/public/../admin)"    "$u/public/../admin"
check 403   "percent-encoded unreserved characters are refused (/%61dmin)" "$u/%61dmin"
check allow "jwksUri: keys fetched over HTTPS validate a token"          -H "Authorization: Bearer $remote" "$u/ops"
check 401   "jwksUri: a token signed by another key with the same kid"    -H "Authorization: Bearer $remoteforged" "$u/ops"
check allow "OIDC discovery: the issuer's jwks_uri keys validate a token" -H "Authorization: Bearer $discovered" "$u/ops"
check 401   "jwksUri: a key the server does not publish yet"              -H "Authorization: Bearer $rotated" "$u/ops"
# Rotate: the server now publishes only the new key; the controller refreshes every 2 s.
echo "{\"keys\":[$(jwk "$work/rotated.pem" rotated)]}" > "$work/keys/keys.json.new" && mv "$work/keys/keys.json.new" "$work/keys/keys.json"
for _ in $(seq 1 75); do
  [[ "$(curl -s -o /dev/null -w '%{http_code}' -H "Authorization: Bearer $rotated" "$u/ops")" != "401" ]] && break; sleep 0.2
done
check allow "jwksUri: after rotation, the new key validates"              -H "Authorization: Bearer $rotated" "$u/ops"
check 401   "jwksUri: after rotation, the retired key is refused"         -H "Authorization: Bearer $remote" "$u/ops"
echo "e2e authorization: $passed passed, $failed failed"
if [[ $failed -gt 0 ]]; then
  echo "--- controller"; tail -20 "$work/controller.log"; echo "--- proxy"; grep -v ' info\s*request' "$work/proxy.log" | tail -20
  exit 1
fi
