package smoke

import (
	"context"
	"crypto/ecdsa"
	"crypto/elliptic"
	"crypto/rand"
	"crypto/tls"
	"crypto/x509"
	"crypto/x509/pkix"
	"encoding/json"
	"encoding/pem"
	"fmt"
	"io"
	"math/big"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"sort"
	"strings"
	"testing"
	"time"

	"github.com/agentgateway-jcp/agentgateway-jcp/conformance/internal/kubebin"
	"github.com/agentgateway-jcp/agentgateway-jcp/conformance/internal/localcluster"
)

// The same shape as the conformance suite's backends: echo-basic, two
// replicas, pod name and namespace from the downward API, no probes and no
// declared ports (echo-basic binds 3000 in every pod).
const echoManifest = `apiVersion: v1
kind: Namespace
metadata:
  name: node-smoke
---
apiVersion: apps/v1
kind: Deployment
metadata:
  name: echo
  namespace: node-smoke
spec:
  replicas: 2
  selector:
    matchLabels: {app: echo}
  template:
    metadata:
      labels: {app: echo}
    spec:
      containers:
      - name: echo
        image: registry.k8s.io/gateway-api/echo-basic:v1.5.1
        env:
        - name: POD_NAME
          valueFrom: {fieldRef: {fieldPath: metadata.name}}
        - name: NAMESPACE
          valueFrom: {fieldRef: {fieldPath: metadata.namespace}}
---
apiVersion: v1
kind: Service
metadata:
  name: echo
  namespace: node-smoke
spec:
  selector: {app: echo}
  ports:
  - port: 8080
    targetPort: 3000
---
apiVersion: v1
kind: Service
metadata:
  name: echo-lb
  namespace: node-smoke
spec:
  type: LoadBalancer
  selector: {app: echo}
  ports:
  - port: 8080
    targetPort: 3000
---
apiVersion: v1
kind: Pod
metadata:
  name: tls-backend
  namespace: node-smoke
  labels: {app: tls-backend}
spec:
  containers:
  - name: tls-backend
    image: registry.k8s.io/gateway-api/echo-basic:v1.5.1
    env:
    - name: POD_NAME
      valueFrom: {fieldRef: {fieldPath: metadata.name}}
    - name: NAMESPACE
      valueFrom: {fieldRef: {fieldPath: metadata.namespace}}
    - name: TLS_SERVER_CERT
      value: /etc/secret-volume/crt
    - name: TLS_SERVER_PRIVKEY
      value: /etc/secret-volume/key
    volumeMounts:
    - name: secret-volume
      mountPath: /etc/secret-volume
  volumes:
  - name: secret-volume
    secret:
      secretName: tls-backend-cert
      items:
      - {key: tls.crt, path: crt}
      - {key: tls.key, path: key}
---
apiVersion: v1
kind: Pod
metadata:
  name: api-client
  namespace: node-smoke
spec:
  restartPolicy: Never
  containers:
  - name: sh
    image: agjcp.test/host-shell:1
    args:
    - -c
    - >-
      curl -sS --cacert /var/run/secrets/kubernetes.io/serviceaccount/ca.crt
      -H "Authorization: Bearer $(cat /var/run/secrets/kubernetes.io/serviceaccount/token)"
      https://$KUBERNETES_SERVICE_HOST:$KUBERNETES_SERVICE_PORT/api/v1/namespaces/$(cat /var/run/secrets/kubernetes.io/serviceaccount/namespace)/secrets;
      getent hosts echo.node-smoke.svc.cluster.local;
      curl -sS --retry 30 --retry-all-errors --retry-delay 1 http://echo:8080/via-cluster-dns
---
apiVersion: v1
kind: Pod
metadata:
  name: unmapped
  namespace: node-smoke
spec:
  containers:
  - name: main
    image: example.invalid/not-mapped:1.0
`

// TestNodeRunsEchoPods starts the control plane with the virtual-kubelet
// node and checks that echo-basic pods really run: each in its own network
// namespace with its own IP, reachable from the host, with logs served
// through the API server.
func TestNodeRunsEchoPods(t *testing.T) {
	if os.Geteuid() != 0 {
		t.Skip("the process node needs root (network namespaces, veth, bridge)")
	}
	if _, err := exec.LookPath("ip"); err != nil {
		t.Skip("the process node needs iproute2's ip command")
	}
	ctx, cancel := context.WithTimeout(context.Background(), 50*time.Minute)
	defer cancel()
	log := logWriter{t}
	phase := time.Now()
	mark := func(what string) {
		t.Logf("TIMING %s: %s", what, time.Since(phase).Round(100*time.Millisecond))
		phase = time.Now()
	}

	b, err := kubebin.Load()
	if err != nil {
		t.Fatal(err)
	}
	if err := b.Ensure(ctx, log); err != nil {
		t.Fatal(err)
	}
	tmp := t.TempDir()
	tools, err := kubebin.BuildNodeTools(ctx, filepath.Join(tmp, "bin"), log)
	if err != nil {
		t.Fatal(err)
	}
	mark("binaries")

	c, err := localcluster.Start(ctx, localcluster.Config{
		BinDir: b.BinDir,
		RunDir: filepath.Join(tmp, "cluster"),
		Log:    log,
		Node: &localcluster.NodeConfig{
			VKNode: tools.VKNode,
			Images: map[string]string{
				"registry.k8s.io/gateway-api/echo-basic": tools.EchoBasic,
				// A host shell stands in for a client image: it proves the
				// service-account volume and in-cluster API access.
				"agjcp.test/host-shell": "/bin/sh",
			},
		},
	})
	if err != nil {
		t.Fatal(err)
	}
	defer func() {
		if err := c.Stop(); err != nil {
			t.Error(err)
		}
	}()
	mark("control plane and node start")
	kubectl := func(stdin string, args ...string) string {
		t.Helper()
		return runKubectl(ctx, t, b.Path(kubebin.Kubectl), c.Kubeconfig, stdin, args...)
	}

	kubectl(echoManifest, "apply", "-f", "-")
	// The Deployment's pods appear shortly after the apply.
	waitFor(t, 60*time.Second, "two echo pods", func() (bool, string) {
		out, err := tryKubectl(ctx, b.Path(kubebin.Kubectl), c.Kubeconfig, "", "-n", "node-smoke", "get", "pods", "-l", "app=echo", "-o", "name")
		return err == nil && len(strings.Fields(out)) == 2, out
	})
	kubectl("", "-n", "node-smoke", "wait", "--for=condition=Ready", "pod", "-l", "app=echo", "--timeout=120s")
	mark("echo pods Ready")

	var pods struct {
		Items []struct {
			Metadata struct{ Name string }
			Status   struct {
				PodIP string `json:"podIP"`
			}
		}
	}
	if err := json.Unmarshal([]byte(kubectl("", "-n", "node-smoke", "get", "pods", "-l", "app=echo", "-o", "json")), &pods); err != nil {
		t.Fatal(err)
	}
	if len(pods.Items) != 2 {
		t.Fatalf("want 2 echo pods, got %d", len(pods.Items))
	}
	if pods.Items[0].Status.PodIP == pods.Items[1].Status.PodIP {
		t.Fatalf("both pods have IP %s; each pod must have its own network namespace", pods.Items[0].Status.PodIP)
	}

	since := time.Now().UTC().Truncate(time.Second)
	client := &http.Client{Timeout: 5 * time.Second}
	var ips []string
	for _, p := range pods.Items {
		ips = append(ips, p.Status.PodIP)
		path := "/node-smoke/" + p.Metadata.Name
		resp, err := client.Get("http://" + p.Status.PodIP + ":3000" + path)
		if err != nil {
			t.Fatalf("host to pod %s (%s): %v", p.Metadata.Name, p.Status.PodIP, err)
		}
		body, _ := io.ReadAll(resp.Body)
		resp.Body.Close()
		var echo struct{ Path, Namespace, Pod string }
		if err := json.Unmarshal(body, &echo); err != nil {
			t.Fatalf("pod %s answered %q: %v", p.Metadata.Name, body, err)
		}
		if echo.Pod != p.Metadata.Name || echo.Namespace != "node-smoke" || echo.Path != path {
			t.Errorf("pod %s echoed %+v; want its own name, namespace node-smoke and path %s", p.Metadata.Name, echo, path)
		}
		// The mirror tests of the suite read exactly this line through
		// the API server with sinceTime.
		want := "Echoing back request made to " + path + " to client"
		waitFor(t, 10*time.Second, "log line in "+p.Metadata.Name, func() (bool, string) {
			out, err := tryKubectl(ctx, b.Path(kubebin.Kubectl), c.Kubeconfig, "", "-n", "node-smoke", "logs", p.Metadata.Name, "-c", "echo",
				"--since-time="+since.Format(time.RFC3339))
			return err == nil && strings.Contains(out, want), out
		})
	}
	mark("traffic and logs")

	sort.Strings(ips)
	waitFor(t, 30*time.Second, "EndpointSlice with both pod IPs", func() (bool, string) {
		out, _ := tryKubectl(ctx, b.Path(kubebin.Kubectl), c.Kubeconfig, "", "-n", "node-smoke", "get", "endpointslices",
			"-l", "kubernetes.io/service-name=echo", "-o", "jsonpath={.items[*].endpoints[*].addresses[0]}")
		got := strings.Fields(out)
		sort.Strings(got)
		return strings.Join(got, " ") == strings.Join(ips, " "), out
	})

	waitFor(t, 30*time.Second, "unmapped image to be reported", func() (bool, string) {
		out, _ := tryKubectl(ctx, b.Path(kubebin.Kubectl), c.Kubeconfig, "", "-n", "node-smoke", "get", "pod", "unmapped",
			"-o", "jsonpath={.status.containerStatuses[0].state.waiting.reason}: {.status.containerStatuses[0].state.waiting.message}")
		return strings.HasPrefix(out, "ErrImageNotMapped: "), out
	})
	mark("endpoints and unmapped image")

	// Services: the ClusterIP and the assigned LoadBalancer address both
	// reach an echo pod from the host.
	clusterIP := kubectl("", "-n", "node-smoke", "get", "service", "echo", "-o", "jsonpath={.spec.clusterIP}")
	var lbIP string
	waitFor(t, 30*time.Second, "load balancer address", func() (bool, string) {
		lbIP, _ = tryKubectl(ctx, b.Path(kubebin.Kubectl), c.Kubeconfig, "", "-n", "node-smoke", "get", "service", "echo-lb",
			"-o", "jsonpath={.status.loadBalancer.ingress[0].ip}")
		return lbIP != "", lbIP
	})
	for _, addr := range []string{clusterIP + ":8080", lbIP + ":8080"} {
		waitFor(t, 30*time.Second, "echo through "+addr, func() (bool, string) {
			resp, err := client.Get("http://" + addr + "/via-service")
			if err != nil {
				return false, err.Error()
			}
			body, _ := io.ReadAll(resp.Body)
			resp.Body.Close()
			return strings.Contains(string(body), `"path": "/via-service"`), string(body)
		})
	}
	mark("services")

	// A Secret volume: the pod waits for the Secret (created after the
	// pod, as the suite does), then serves HTTPS with the mounted files.
	certPEM, keyPEM := selfSignedPEM(t, "tls-backend.example.com")
	dir := t.TempDir()
	if err := os.WriteFile(filepath.Join(dir, "tls.crt"), certPEM, 0o600); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(filepath.Join(dir, "tls.key"), keyPEM, 0o600); err != nil {
		t.Fatal(err)
	}
	kubectl("", "-n", "node-smoke", "create", "secret", "tls", "tls-backend-cert",
		"--cert="+filepath.Join(dir, "tls.crt"), "--key="+filepath.Join(dir, "tls.key"))
	kubectl("", "-n", "node-smoke", "wait", "--for=condition=Ready", "pod/tls-backend", "--timeout=90s")
	tlsIP := kubectl("", "-n", "node-smoke", "get", "pod", "tls-backend", "-o", "jsonpath={.status.podIP}")
	insecure := &http.Client{Timeout: 5 * time.Second, Transport: &http.Transport{TLSClientConfig: &tls.Config{InsecureSkipVerify: true}}}
	waitFor(t, 20*time.Second, "HTTPS from tls-backend", func() (bool, string) {
		resp, err := insecure.Get("https://" + tlsIP + ":8443/tls")
		if err != nil {
			return false, err.Error()
		}
		resp.Body.Close()
		ok := resp.TLS != nil && len(resp.TLS.PeerCertificates) > 0 &&
			resp.TLS.PeerCertificates[0].Subject.CommonName == "tls-backend.example.com"
		return ok, fmt.Sprint(resp.Status)
	})
	mark("secret volume")

	// In-cluster API access from a pod: the kubernetes Service's
	// ClusterIP, the projected CA and token. The default service account
	// may not list secrets, so a 403 naming that account is the proof
	// that the token authenticated.
	waitFor(t, 90*time.Second, "api-client pod to finish", func() (bool, string) {
		out, _ := tryKubectl(ctx, b.Path(kubebin.Kubectl), c.Kubeconfig, "", "-n", "node-smoke", "get", "pod", "api-client", "-o", "jsonpath={.status.phase}")
		return out == "Succeeded" || out == "Failed", out
	})
	apiOut := kubectl("", "-n", "node-smoke", "logs", "api-client")
	if !strings.Contains(apiOut, `system:serviceaccount:node-smoke:default`) {
		t.Errorf("pod could not use its service-account token against the API server; output:\n%s", apiOut)
	}
	// Cluster DNS: the full name resolves to the ClusterIP, and the short
	// name works through the pod's search path.
	if !strings.Contains(apiOut, clusterIP+" ") || !strings.Contains(apiOut, `"path": "/via-cluster-dns"`) {
		t.Errorf("cluster DNS from a pod failed (want %s and an echo of /via-cluster-dns); output:\n%s", clusterIP, apiOut)
	}
	mark("in-cluster API access and DNS")

	// Deleting the Deployment must stop the processes; the pods leave the
	// API once their grace period has passed.
	kubectl("", "-n", "node-smoke", "scale", "deployment", "echo", "--replicas=0")
	waitFor(t, 30*time.Second, "echo processes to stop", func() (bool, string) {
		var alive []string
		for _, ip := range ips {
			if resp, err := client.Get("http://" + ip + ":3000/"); err == nil {
				resp.Body.Close()
				alive = append(alive, ip)
			}
		}
		return len(alive) == 0, fmt.Sprint("still answering: ", alive)
	})
	// The node deletes the pod objects once the processes are gone, well
	// before the 30 s grace period would run out.
	waitFor(t, 20*time.Second, "echo pods to leave the API", func() (bool, string) {
		out, err := tryKubectl(ctx, b.Path(kubebin.Kubectl), c.Kubeconfig, "", "-n", "node-smoke", "get", "pods", "-l", "app=echo", "-o", "name")
		return err == nil && strings.TrimSpace(out) == "", out
	})
	mark("scale down")
}

// selfSignedPEM returns a throw-away certificate and key for cn.
func selfSignedPEM(t *testing.T, cn string) (certPEM, keyPEM []byte) {
	t.Helper()
	key, err := ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
	if err != nil {
		t.Fatal(err)
	}
	tmpl := &x509.Certificate{
		SerialNumber: big.NewInt(1),
		Subject:      pkix.Name{CommonName: cn},
		DNSNames:     []string{cn},
		NotBefore:    time.Now().Add(-time.Hour),
		NotAfter:     time.Now().Add(24 * time.Hour),
		KeyUsage:     x509.KeyUsageDigitalSignature,
		ExtKeyUsage:  []x509.ExtKeyUsage{x509.ExtKeyUsageServerAuth},
	}
	der, err := x509.CreateCertificate(rand.Reader, tmpl, tmpl, key.Public(), key)
	if err != nil {
		t.Fatal(err)
	}
	keyDER, err := x509.MarshalPKCS8PrivateKey(key)
	if err != nil {
		t.Fatal(err)
	}
	return pem.EncodeToMemory(&pem.Block{Type: "CERTIFICATE", Bytes: der}),
		pem.EncodeToMemory(&pem.Block{Type: "PRIVATE KEY", Bytes: keyDER})
}

// waitFor polls cond every 500ms until it holds or timeout passes.
func waitFor(t *testing.T, timeout time.Duration, what string, cond func() (bool, string)) {
	t.Helper()
	deadline := time.Now().Add(timeout)
	for {
		ok, last := cond()
		if ok {
			return
		}
		if time.Now().After(deadline) {
			t.Fatalf("timed out after %s waiting for %s; last: %s", timeout, what, last)
		}
		time.Sleep(500 * time.Millisecond)
	}
}
