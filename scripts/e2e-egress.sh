#!/usr/bin/env bash
# End-to-end check of egress with TLS origination through a real agentgateway v1.4.1 proxy in
# file mode. A local TLS server stands in for an external model provider: its certificate is
# issued by a test-only CA this script generates, for the name "localhost", which the proxy
# resolves by DNS (its hosts file) to loopback. Checked:
#   - an ExternalName Service with a BackendTLSPolicy (CA, SNI, SAN) reaches the provider over
#     TLS (the provider only speaks TLS, and reports the SNI it was sent);
#   - an XBackend (gateway.networking.x-k8s.io) with inline TLS does the same;
#   - a BackendTLSPolicy whose SAN the certificate lacks fails, and so does an XBackend that
#     trusts only the system roots (the test CA is not one), so verification is real;
#   - an ExternalName Service on 443 without TLS configured is refused, not sent plaintext;
#   - against a second provider that requires a client certificate from the test CA, the
#     Gateway's backend client certificate (spec.tls.backend.clientCertificateRef) is presented
#     through an ExternalName Service with a BackendTLSPolicy and through an XBackend with
#     tls.mode ServerOnly, while an XBackend with ClientAndServer presents its own.
#
# Usage: AGENTGATEWAY_BIN=/path/to/agentgateway scripts/e2e-egress.sh
# (build the jar first: mvn -B -q -DskipTests package)
set -euo pipefail
root="$(cd "$(dirname "$0")/.." && pwd)"
: "${AGENTGATEWAY_BIN:?set AGENTGATEWAY_BIN to a locally built agentgateway v1.4.1}"
jar="$root/controller/target/agentgateway-jcp.jar"
[[ -f "$jar" ]] || { echo "missing $jar: run mvn -B -q -DskipTests package" >&2; exit 1; }

work="$(mktemp -d)"
pids=()
cleanup() {
  # agentgateway does not exit on SIGTERM while it cannot reach xDS, so it gets SIGKILL.
  for pid in "${pids[@]}"; do kill -9 "$pid" 2>/dev/null || true; done
  wait 2>/dev/null || true
  rm -rf "$work"
}
trap cleanup EXIT
passed=0
fail() {
  echo "FAIL: $*" >&2
  echo "--- controller"; tail -20 "$work/controller.log"
  echo "--- proxy"; tail -30 "$work/proxy.log"
  echo "--- provider"; tail -10 "$work/provider.log"
  exit 1
}
ok() { echo "ok: $*"; passed=$((passed + 1)); }

# A test-only CA and a provider certificate for localhost.
openssl req -x509 -newkey ec -pkeyopt ec_paramgen_curve:P-256 -nodes -days 1 -subj "/CN=e2e egress test CA" \
  -keyout "$work/ca.key" -out "$work/ca.crt" 2> /dev/null
openssl req -newkey ec -pkeyopt ec_paramgen_curve:P-256 -nodes -subj "/CN=localhost" \
  -keyout "$work/provider.key" -out "$work/provider.csr" 2> /dev/null
printf 'subjectAltName=DNS:localhost\n' > "$work/san.ext"
openssl x509 -req -in "$work/provider.csr" -CA "$work/ca.crt" -CAkey "$work/ca.key" -CAcreateserial -days 1 \
  -extfile "$work/san.ext" -out "$work/provider.crt" 2> /dev/null
# Client certificates from the same CA: the Gateway's, and one XBackend's own. They need X.509
# v3 (an extension): the proxy refuses a version 1 certificate, and every TLS backend with it.
printf 'extendedKeyUsage=clientAuth\n' > "$work/client.ext"
for client in gateway partner; do
  openssl req -newkey ec -pkeyopt ec_paramgen_curve:P-256 -nodes -subj "/CN=$client-client" \
    -keyout "$work/$client.key" -out "$work/$client.csr" 2> /dev/null
  openssl x509 -req -in "$work/$client.csr" -CA "$work/ca.crt" -CAkey "$work/ca.key" -CAcreateserial -days 1 \
    -extfile "$work/client.ext" -out "$work/$client.crt" 2> /dev/null
done

cat > "$work/provider.py" <<'PY'
import http.server, ssl, sys
seen = {"sni": None}
class Handler(http.server.BaseHTTPRequestHandler):
    def do_GET(self):
        peer = self.connection.getpeercert() or {}
        client = dict(x[0] for x in peer.get("subject", ())).get("commonName")
        body = ("provider says hello; sni=%s path=%s client=%s\n" % (seen["sni"], self.path, client)).encode()
        self.send_response(200)
        self.send_header("content-type", "text/plain")
        self.send_header("content-length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)
ctx = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
ctx.load_cert_chain(sys.argv[1], sys.argv[2])
if len(sys.argv) > 4:
    # This provider insists on a client certificate issued by the given CA.
    ctx.verify_mode = ssl.CERT_REQUIRED
    ctx.load_verify_locations(sys.argv[4])
def sni(sock, name, c):
    seen["sni"] = name
ctx.sni_callback = sni
server = http.server.HTTPServer(("127.0.0.1", int(sys.argv[3])), Handler)
server.socket = ctx.wrap_socket(server.socket, server_side=True)
server.serve_forever()
PY
python3 "$work/provider.py" "$work/provider.crt" "$work/provider.key" 9443 > "$work/provider.log" 2>&1 &
pids+=($!)
python3 "$work/provider.py" "$work/provider.crt" "$work/provider.key" 9444 "$work/ca.crt" > "$work/provider-mtls.log" 2>&1 &
pids+=($!)

mkdir -p "$work/config"
indented_ca="$(sed 's/^/    /' "$work/ca.crt")"
indent() { sed 's/^/    /' "$1"; }
cat > "$work/config/egress.yaml" <<YAML
apiVersion: gateway.networking.k8s.io/v1
kind: GatewayClass
metadata: {name: agentgateway-jcp}
spec: {controllerName: agentgateway-jcp.dev/controller}
---
apiVersion: gateway.networking.k8s.io/v1
kind: Gateway
metadata: {name: egress, namespace: default}
spec:
  gatewayClassName: agentgateway-jcp
  listeners: [{name: http, port: 8080, protocol: HTTP}]
  tls:
    backend:
      clientCertificateRef: {name: gateway-client}
---
apiVersion: v1
kind: Service
metadata: {name: egress, namespace: default}
spec: {type: LoadBalancer}
---
apiVersion: gateway.networking.k8s.io/v1
kind: HTTPRoute
metadata: {name: provider, namespace: default}
spec:
  parentRefs: [{name: egress}]
  rules:
  - matches: [{path: {type: PathPrefix, value: /externalname}}]
    backendRefs: [{name: provider, port: 9443}]
  - matches: [{path: {type: PathPrefix, value: /wrong-san}}]
    backendRefs: [{name: provider-wrong-san, port: 9443}]
  - matches: [{path: {type: PathPrefix, value: /xbackend}}]
    backendRefs: [{group: gateway.networking.x-k8s.io, kind: XBackend, name: provider}]
  - matches: [{path: {type: PathPrefix, value: /system-roots}}]
    backendRefs: [{group: gateway.networking.x-k8s.io, kind: XBackend, name: provider-system-roots}]
  - matches: [{path: {type: PathPrefix, value: /no-tls}}]
    backendRefs: [{name: provider-443, port: 443}]
  - matches: [{path: {type: PathPrefix, value: /mtls-externalname}}]
    backendRefs: [{name: provider-mtls, port: 9444}]
  - matches: [{path: {type: PathPrefix, value: /mtls-xbackend}}]
    backendRefs: [{group: gateway.networking.x-k8s.io, kind: XBackend, name: provider-mtls}]
  - matches: [{path: {type: PathPrefix, value: /mtls-own}}]
    backendRefs: [{group: gateway.networking.x-k8s.io, kind: XBackend, name: provider-mtls-own}]
---
apiVersion: v1
kind: Service
metadata: {name: provider-mtls, namespace: default}
spec: {type: ExternalName, externalName: localhost}
---
apiVersion: gateway.networking.k8s.io/v1
kind: BackendTLSPolicy
metadata: {name: provider-mtls, namespace: default}
spec:
  targetRefs: [{group: '', kind: Service, name: provider-mtls}]
  validation:
    caCertificateRefs: [{group: '', kind: ConfigMap, name: test-ca}]
    hostname: localhost
---
apiVersion: gateway.networking.x-k8s.io/v1alpha1
kind: XBackend
metadata: {name: provider-mtls, namespace: default}
spec:
  type: ExternalHostname
  externalHostname: {hostname: localhost}
  port: {port: 9444}
  tls:
    mode: ServerOnly
    validation:
      caCertificateRefs: [{group: '', kind: ConfigMap, name: test-ca}]
---
apiVersion: gateway.networking.x-k8s.io/v1alpha1
kind: XBackend
metadata: {name: provider-mtls-own, namespace: default}
spec:
  type: ExternalHostname
  externalHostname: {hostname: localhost}
  port: {port: 9444}
  tls:
    mode: ClientAndServer
    clientCertificateRef: {name: partner-client}
    validation:
      caCertificateRefs: [{group: '', kind: ConfigMap, name: test-ca}]
---
apiVersion: v1
kind: Secret
metadata: {name: gateway-client, namespace: default}
type: kubernetes.io/tls
stringData:
  tls.crt: |
$(indent "$work/gateway.crt")
  tls.key: |
$(indent "$work/gateway.key")
---
apiVersion: v1
kind: Secret
metadata: {name: partner-client, namespace: default}
type: kubernetes.io/tls
stringData:
  tls.crt: |
$(indent "$work/partner.crt")
  tls.key: |
$(indent "$work/partner.key")
---
apiVersion: v1
kind: Service
metadata: {name: provider, namespace: default}
spec: {type: ExternalName, externalName: localhost, ports: [{name: https, port: 9443}]}
---
apiVersion: v1
kind: Service
metadata: {name: provider-wrong-san, namespace: default}
spec: {type: ExternalName, externalName: localhost}
---
apiVersion: v1
kind: Service
metadata: {name: provider-443, namespace: default}
spec: {type: ExternalName, externalName: localhost}
---
apiVersion: gateway.networking.k8s.io/v1
kind: BackendTLSPolicy
metadata: {name: provider, namespace: default}
spec:
  targetRefs: [{group: '', kind: Service, name: provider}]
  validation:
    caCertificateRefs: [{group: '', kind: ConfigMap, name: test-ca}]
    hostname: localhost
    subjectAltNames: [{type: Hostname, hostname: localhost}]
---
apiVersion: gateway.networking.k8s.io/v1
kind: BackendTLSPolicy
metadata: {name: provider-wrong-san, namespace: default}
spec:
  targetRefs: [{group: '', kind: Service, name: provider-wrong-san}]
  validation:
    caCertificateRefs: [{group: '', kind: ConfigMap, name: test-ca}]
    hostname: localhost
    subjectAltNames: [{type: Hostname, hostname: api.other-provider.example}]
---
apiVersion: gateway.networking.x-k8s.io/v1alpha1
kind: XBackend
metadata: {name: provider, namespace: default}
spec:
  type: ExternalHostname
  externalHostname: {hostname: localhost}
  port: {port: 9443}
  tls:
    mode: ServerOnly
    validation:
      caCertificateRefs: [{group: '', kind: ConfigMap, name: test-ca}]
      hostname: localhost
---
apiVersion: gateway.networking.x-k8s.io/v1alpha1
kind: XBackend
metadata: {name: provider-system-roots, namespace: default}
spec:
  type: ExternalHostname
  externalHostname: {hostname: localhost}
  port: {port: 9443}
  tls: {mode: ServerOnly}
---
apiVersion: v1
kind: ConfigMap
metadata: {name: test-ca, namespace: default}
data:
  ca.crt: |
$indented_ca
YAML

java -jar "$jar" run --config-dir "$work/config" --xds-port 15010 --admin-port 15014 \
  > "$work/controller.out" 2> "$work/controller.log" &
pids+=($!)
for _ in $(seq 1 100); do curl -fs http://127.0.0.1:15014/readyz > /dev/null && break; sleep 0.2; done
curl -fs http://127.0.0.1:15014/readyz > /dev/null || fail "controller not ready"

env -u POD_NAME -u KUBERNETES_SERVICE_HOST -u LOCAL_XDS_PATH \
  XDS_ADDRESS=http://127.0.0.1:15010 NAMESPACE=default GATEWAY=egress IPV6_ENABLED=false \
  ADMIN_ADDR=localhost:15000 STATS_ADDR=127.0.0.1:15020 READINESS_ADDR=127.0.0.1:15021 \
  RUST_LOG=info "$AGENTGATEWAY_BIN" --config '{}' > "$work/proxy.log" 2>&1 &
pids+=($!)
for _ in $(seq 1 150); do curl -fs http://127.0.0.1:15021/healthz/ready > /dev/null && break; sleep 0.2; done
curl -fs http://127.0.0.1:15021/healthz/ready > /dev/null || fail "proxy not ready"

request() { curl -s -m 10 -o "$work/body" -w '%{http_code}' -H 'Host: egress.example' "http://127.0.0.1:8080$1" || true; }

code="$(request /externalname/v1/models)"
[[ "$code" == "200" ]] || fail "ExternalName + BackendTLSPolicy: got $code, expected 200: $(cat "$work/body")"
grep -q "sni=localhost path=/externalname/v1/models" "$work/body" || fail "unexpected provider answer: $(cat "$work/body")"
ok "ExternalName Service + BackendTLSPolicy: TLS to the provider verified against the test CA, SNI localhost"

code="$(request /xbackend/v1/chat/completions)"
[[ "$code" == "200" ]] || fail "XBackend with inline TLS: got $code, expected 200: $(cat "$work/body")"
grep -q "sni=localhost" "$work/body" || fail "unexpected provider answer: $(cat "$work/body")"
ok "XBackend with spec.tls: TLS to the provider verified against the test CA"

code="$(request /wrong-san/v1/models)"
[[ "$code" =~ ^5 ]] || fail "a SAN the certificate lacks got $code, expected a 5xx"
ok "a BackendTLSPolicy SAN the provider's certificate lacks fails the request ($code)"

code="$(request /system-roots/v1/models)"
[[ "$code" =~ ^5 ]] || fail "an XBackend trusting only the system roots got $code, expected a 5xx"
ok "an XBackend that trusts only the system roots rejects the test CA's certificate ($code)"

code="$(request /no-tls/v1/models)"
[[ "$code" == "500" ]] || fail "ExternalName on 443 without TLS got $code, expected 500"
ok "an ExternalName Service on 443 without a BackendTLSPolicy is refused (500), nothing sent in plaintext"

# The provider that requires a client certificate refuses a client without one.
if curl -s -m 5 --cacert "$work/ca.crt" -o /dev/null https://localhost:9444/ 2> /dev/null; then
  fail "the mTLS provider accepted a client without a certificate"
fi

code="$(request /mtls-externalname/v1/models)"
[[ "$code" == "200" ]] || fail "ExternalName + BackendTLSPolicy to an mTLS provider: got $code, expected 200: $(cat "$work/body")"
grep -q "client=gateway-client" "$work/body" || fail "unexpected provider answer: $(cat "$work/body")"
ok "ExternalName Service + BackendTLSPolicy: the Gateway's backend client certificate is presented"

code="$(request /mtls-xbackend/v1/models)"
[[ "$code" == "200" ]] || fail "XBackend ServerOnly to an mTLS provider: got $code, expected 200: $(cat "$work/body")"
grep -q "client=gateway-client" "$work/body" || fail "unexpected provider answer: $(cat "$work/body")"
ok "XBackend with tls.mode ServerOnly: the Gateway's backend client certificate is presented"

code="$(request /mtls-own/v1/models)"
[[ "$code" == "200" ]] || fail "XBackend ClientAndServer to an mTLS provider: got $code, expected 200: $(cat "$work/body")"
grep -q "client=partner-client" "$work/body" || fail "unexpected provider answer: $(cat "$work/body")"
ok "XBackend with tls.mode ClientAndServer presents its own certificate, not the Gateway's"

echo "e2e egress: $passed passed, 0 failed"
