package smoke

import (
	"context"
	"encoding/json"
	"io"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/agentgateway-jcp/agentgateway-jcp/conformance/internal/gatewaycrds"
	"github.com/agentgateway-jcp/agentgateway-jcp/conformance/internal/kubebin"
	"github.com/agentgateway-jcp/agentgateway-jcp/conformance/internal/localcluster"
)

// controllerImage is the chart's controller image; on the node it runs
// `java -jar` on the jar Maven built.
const controllerImage = "ghcr.io/agentgateway-jcp/agentgateway-jcp"

// One Gateway of our class and an HTTPRoute to two echo pods; the
// controller itself (and the GatewayClass) comes from the Helm chart.
const controllerManifest = `apiVersion: v1
kind: Namespace
metadata:
  name: gw-smoke
---
apiVersion: apps/v1
kind: Deployment
metadata:
  name: echo
  namespace: gw-smoke
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
  namespace: gw-smoke
spec:
  selector: {app: echo}
  ports:
  - {port: 8080, targetPort: 3000}
---
apiVersion: gateway.networking.k8s.io/v1
kind: Gateway
metadata:
  name: smoke
  namespace: gw-smoke
spec:
  gatewayClassName: agentgateway-jcp
  listeners:
  - {name: http, protocol: HTTP, port: 80}
---
apiVersion: gateway.networking.k8s.io/v1
kind: HTTPRoute
metadata:
  name: echo
  namespace: gw-smoke
spec:
  parentRefs:
  - name: smoke
  rules:
  - matches:
    - path: {type: PathPrefix, value: /smoke}
    backendRefs:
    - {name: echo, port: 8080}
`

// TestControllerServesGateway installs our Helm chart (charts/agentgateway-jcp,
// with its defaults: TLS xDS, token authentication, the GatewayClass) so the
// controller runs as a pod on the node (the jar behind the chart's image),
// waits for it to be Ready, lets it deploy a real agentgateway proxy for a
// Gateway, and sends one request from the host through the Gateway's
// load-balancer address to an echo pod. helm comes from AGJCP_HELM or is
// built by scripts/helm.sh.
func TestControllerServesGateway(t *testing.T) {
	if os.Geteuid() != 0 {
		t.Skip("the process node needs root (network namespaces, veth, bridge)")
	}
	// Without a locally built agentgateway the proxy pod cannot start; everything else
	// (helm install, controller Ready, statuses, echo pods serving the host) is still checked.
	agentgateway := os.Getenv("AGENTGATEWAY_BIN")
	jar := os.Getenv("AGJCP_CONTROLLER_JAR")
	if jar == "" {
		jar = filepath.Join("..", "..", "controller", "target", "agentgateway-jcp.jar")
	}
	jar, err := filepath.Abs(jar)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := os.Stat(jar); err != nil {
		t.Skipf("no controller jar (%v); build it with mvn -DskipTests package or set AGJCP_CONTROLLER_JAR", err)
	}
	javaPath, err := exec.LookPath("java")
	if err != nil {
		t.Skip("java is not on PATH")
	}
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Minute)
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
	// The mapped program receives only the container's args. Neither it nor the jar may live
	// under /tmp: the chart gives the controller an emptyDir at /tmp, which hides the host's /tmp
	// inside the pod.
	cache, err := os.UserCacheDir()
	if err != nil {
		t.Fatal(err)
	}
	wrapperDir := filepath.Join(cache, "agentgateway-jcp", "smoke-bin")
	if err := os.MkdirAll(wrapperDir, 0o755); err != nil {
		t.Fatal(err)
	}
	// The jar is copied there too: a checkout under /tmp would be just as hidden.
	jarCopy := filepath.Join(wrapperDir, "agentgateway-jcp.jar")
	jarBytes, err := os.ReadFile(jar)
	if err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(jarCopy, jarBytes, 0o644); err != nil {
		t.Fatal(err)
	}
	wrapper := filepath.Join(wrapperDir, "agentgateway-jcp")
	script := "#!/bin/sh\nexec " + javaPath + " -jar " + jarCopy + " \"$@\"\n"
	if err := os.WriteFile(wrapper, []byte(script), 0o755); err != nil {
		t.Fatal(err)
	}
	mark("binaries")

	images := map[string]string{
		"registry.k8s.io/gateway-api/echo-basic": tools.EchoBasic,
		controllerImage:                          wrapper,
	}
	if agentgateway != "" {
		images["ghcr.io/agentgateway/agentgateway"] = agentgateway
	}
	c, err := localcluster.Start(ctx, localcluster.Config{
		BinDir: b.BinDir,
		RunDir: filepath.Join(tmp, "cluster"),
		Log:    log,
		Node: &localcluster.NodeConfig{
			VKNode: tools.VKNode,
			Images: images,
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
	kubectlPath := b.Path(kubebin.Kubectl)
	kubectl := func(stdin string, args ...string) string {
		t.Helper()
		return runKubectl(ctx, t, kubectlPath, c.Kubeconfig, stdin, args...)
	}
	// On failure, show what the controller and the proxy said.
	defer func() {
		if !t.Failed() {
			return
		}
		for _, target := range []string{"-n agentgateway-jcp-system deploy/agentgateway-jcp", "-n gw-smoke deploy/smoke"} {
			args := append([]string{"logs"}, strings.Fields(target)...)
			out, _ := tryKubectl(ctx, kubectlPath, c.Kubeconfig, "", append(args, "--tail=40")...)
			t.Logf("logs of %s:\n%s", target, out)
		}
		out, _ := tryKubectl(ctx, kubectlPath, c.Kubeconfig, "", "get", "pods,gateways,httproutes", "-A", "-o", "wide")
		t.Logf("objects:\n%s", out)
	}()
	root, err := kubebin.ModuleRoot()
	if err != nil {
		t.Fatal(err)
	}
	bundle, err := gatewaycrds.Locate(ctx, root, gatewaycrds.Experimental)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := gatewaycrds.Install(ctx, kubectlPath, c.Kubeconfig, bundle, log); err != nil {
		t.Fatal(err)
	}
	mark("control plane, node and CRDs")

	helm := os.Getenv("AGJCP_HELM")
	if helm == "" {
		out, err := exec.CommandContext(ctx, "bash", filepath.Join(root, "..", "scripts", "helm.sh")).Output()
		if err != nil {
			t.Fatalf("scripts/helm.sh: %v", err)
		}
		helm = strings.TrimSpace(string(out))
	}
	install := exec.CommandContext(ctx, helm, "install", "agentgateway-jcp", filepath.Join(root, "..", "charts", "agentgateway-jcp"),
		"--kubeconfig", c.Kubeconfig, "--namespace", "agentgateway-jcp-system", "--create-namespace",
		"--set", "image.tag=0.1.0", "--set", "proxy.serviceType=LoadBalancer",
		"--wait", "--timeout", "5m")
	if out, err := install.CombinedOutput(); err != nil {
		t.Fatalf("helm install: %v\n%s", err, out)
	}
	kubectl("", "-n", "agentgateway-jcp-system", "rollout", "status", "deployment/agentgateway-jcp", "--timeout=180s")
	ready := kubectl("", "-n", "agentgateway-jcp-system", "get", "deployment", "agentgateway-jcp", "-o", "jsonpath={.status.readyReplicas}")
	if ready != "1" {
		t.Fatalf("controller not Ready after helm install: readyReplicas=%q", ready)
	}
	mark("helm install: controller Ready")
	kubectl(controllerManifest, "apply", "-f", "-")

	waitFor(t, 120*time.Second, "GatewayClass and Gateway Accepted", func() (bool, string) {
		class, _ := tryKubectl(ctx, kubectlPath, c.Kubeconfig, "", "get", "gatewayclass", "agentgateway-jcp", "-o",
			`jsonpath={.status.conditions[?(@.type=="Accepted")].status}`)
		gw, _ := tryKubectl(ctx, kubectlPath, c.Kubeconfig, "", "-n", "gw-smoke", "get", "gateway", "smoke", "-o",
			`jsonpath={.status.conditions[?(@.type=="Accepted")].status}`)
		return class == "True" && gw == "True", "class " + class + ", gateway " + gw
	})
	kubectl("", "-n", "gw-smoke", "rollout", "status", "deployment/echo", "--timeout=120s")
	podIPs := strings.Fields(kubectl("", "-n", "gw-smoke", "get", "pods", "-l", "app=echo", "-o",
		"jsonpath={range .items[*]}{.status.podIP} {end}"))
	if len(podIPs) != 2 {
		t.Fatalf("want two echo pods, got IPs %v", podIPs)
	}
	clusterIP := kubectl("", "-n", "gw-smoke", "get", "service", "echo", "-o", "jsonpath={.spec.clusterIP}")
	client := &http.Client{Timeout: 5 * time.Second}
	// Each pod directly on the bridge, and the Service's cluster IP.
	for _, target := range []string{podIPs[0] + ":3000", podIPs[1] + ":3000", clusterIP + ":8080"} {
		waitFor(t, 60*time.Second, "echo answers the host at "+target, func() (bool, string) {
			resp, err := client.Get("http://" + target + "/smoke/direct")
			if err != nil {
				return false, err.Error()
			}
			body, _ := io.ReadAll(resp.Body)
			resp.Body.Close()
			var echo struct{ Pod string }
			ok := resp.StatusCode == http.StatusOK && json.Unmarshal(body, &echo) == nil && strings.HasPrefix(echo.Pod, "echo-")
			return ok, resp.Status + " " + string(body)
		})
	}
	mark("statuses written and echo pods serving the host")
	if agentgateway == "" {
		t.Log("AGENTGATEWAY_BIN is not set: the proxy and the request through the Gateway are not checked")
		return
	}

	var addr string
	waitFor(t, 180*time.Second, "Gateway Programmed with an address", func() (bool, string) {
		out, _ := tryKubectl(ctx, kubectlPath, c.Kubeconfig, "", "-n", "gw-smoke", "get", "gateway", "smoke", "-o",
			`jsonpath={.status.conditions[?(@.type=="Programmed")].status} {.status.addresses[0].value}`)
		status, a, _ := strings.Cut(out, " ")
		addr = a
		return status == "True" && a != "", out
	})
	kubectl("", "-n", "gw-smoke", "rollout", "status", "deployment/smoke", "--timeout=180s")
	mark("Gateway Programmed and proxy Ready")

	waitFor(t, 60*time.Second, "echo through the Gateway at "+addr, func() (bool, string) {
		resp, err := client.Get("http://" + addr + "/smoke/through-gateway")
		if err != nil {
			return false, err.Error()
		}
		body, _ := io.ReadAll(resp.Body)
		resp.Body.Close()
		var echo struct{ Path, Namespace, Pod string }
		if resp.StatusCode != http.StatusOK || json.Unmarshal(body, &echo) != nil {
			return false, resp.Status + " " + string(body)
		}
		return echo.Path == "/smoke/through-gateway" && echo.Namespace == "gw-smoke" && strings.HasPrefix(echo.Pod, "echo-"), string(body)
	})
	mark("request through the Gateway")
}
