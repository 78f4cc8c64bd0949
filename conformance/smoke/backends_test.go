package smoke

import (
	"bytes"
	"context"
	"encoding/json"
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

// conformanceNamespaces are the namespaces of the suite's base manifests;
// the suite waits until every pod in them is Ready.
var conformanceNamespaces = []string{"gateway-conformance-infra", "gateway-conformance-app-backend", "gateway-conformance-web-backend"}

// TestNodeRunsConformanceBackends applies the conformance suite's own base
// manifests (the pinned module's base/manifests.yaml) and checks that every
// Deployment in them becomes fully ready on the process node: echo-basic
// in its HTTP, TLS, gRPC and TCP modes and CoreDNS. The TLS Secrets are
// created after the pods, as the suite does.
func TestNodeRunsConformanceBackends(t *testing.T) {
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
	root, err := kubebin.ModuleRoot()
	if err != nil {
		t.Fatal(err)
	}
	manifests := conformanceBaseManifests(ctx, t, root)
	mark("binaries")

	c, err := localcluster.Start(ctx, localcluster.Config{
		BinDir: b.BinDir,
		RunDir: filepath.Join(tmp, "cluster"),
		Log:    log,
		Node: &localcluster.NodeConfig{
			VKNode: tools.VKNode,
			Images: map[string]string{
				"registry.k8s.io/gateway-api/echo-basic": tools.EchoBasic,
				"registry.k8s.io/coredns/coredns":        tools.CoreDNS,
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
	bundle, err := gatewaycrds.Locate(ctx, root, gatewaycrds.Experimental)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := gatewaycrds.Install(ctx, b.Path(kubebin.Kubectl), c.Kubeconfig, bundle, log); err != nil {
		t.Fatal(err)
	}
	mark("cluster, node and CRDs")
	kubectl := func(stdin string, args ...string) string {
		t.Helper()
		return runKubectl(ctx, t, b.Path(kubebin.Kubectl), c.Kubeconfig, stdin, args...)
	}

	// No controller runs here, so the Gateways in the manifests stay
	// unprogrammed; only the backends are checked.
	kubectl(strings.ReplaceAll(manifests, "{GATEWAY_CLASS_NAME}", "backends-only"), "apply", "-f", "-")
	certPEM, keyPEM := selfSignedPEM(t, "abc.example.com")
	dir := t.TempDir()
	for name, data := range map[string][]byte{"tls.crt": certPEM, "tls.key": keyPEM} {
		if err := os.WriteFile(filepath.Join(dir, name), data, 0o600); err != nil {
			t.Fatal(err)
		}
	}
	for _, s := range []struct{ ns, name string }{
		{"gateway-conformance-infra", "tls-checks-certificate"},
		{"gateway-conformance-infra", "tls-passthrough-checks-certificate"},
		{"gateway-conformance-app-backend", "tls-passthrough-checks-certificate"},
	} {
		kubectl("", "-n", s.ns, "create", "secret", "tls", s.name,
			"--cert="+filepath.Join(dir, "tls.crt"), "--key="+filepath.Join(dir, "tls.key"))
	}

	type deployment struct {
		Metadata struct{ Namespace, Name string }
		Spec     struct{ Replicas int }
		Status   struct {
			ReadyReplicas int `json:"readyReplicas"`
		}
	}
	var notReady []string
	deadline := time.Now().Add(5 * time.Minute)
	for {
		notReady = notReady[:0]
		total := 0
		for _, ns := range conformanceNamespaces {
			var list struct{ Items []deployment }
			if err := json.Unmarshal([]byte(kubectl("", "-n", ns, "get", "deployments", "-o", "json")), &list); err != nil {
				t.Fatal(err)
			}
			for _, d := range list.Items {
				total += d.Spec.Replicas
				if d.Status.ReadyReplicas != d.Spec.Replicas {
					notReady = append(notReady, d.Metadata.Namespace+"/"+d.Metadata.Name)
				}
			}
		}
		if len(notReady) == 0 && total > 0 {
			t.Logf("all %d backend pods of the conformance base manifests are Ready", total)
			break
		}
		if time.Now().After(deadline) {
			for _, ns := range conformanceNamespaces {
				t.Log(kubectl("", "-n", ns, "get", "pods", "-o", "wide"))
			}
			t.Fatalf("deployments not ready after 5 minutes: %v", notReady)
		}
		time.Sleep(time.Second)
	}
	mark("all backends Ready")
}

// conformanceBaseManifests reads base/manifests.yaml from the pinned
// sigs.k8s.io/gateway-api/conformance module.
func conformanceBaseManifests(ctx context.Context, t *testing.T, root string) string {
	t.Helper()
	cmd := exec.CommandContext(ctx, "go", "mod", "download", "-json", "sigs.k8s.io/gateway-api/conformance")
	cmd.Dir = root
	var out bytes.Buffer
	cmd.Stdout, cmd.Stderr = &out, os.Stderr
	if err := cmd.Run(); err != nil {
		t.Fatal(err)
	}
	var info struct{ Dir string }
	if err := json.Unmarshal(out.Bytes(), &info); err != nil {
		t.Fatal(err)
	}
	data, err := os.ReadFile(filepath.Join(info.Dir, "base", "manifests.yaml"))
	if err != nil {
		t.Fatal(err)
	}
	return string(data)
}
