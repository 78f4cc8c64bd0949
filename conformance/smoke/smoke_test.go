// Package smoke holds the end-to-end check that CI runs for the harness:
// build (or reuse) the control-plane binaries, start a cluster, install the
// Gateway API CRDs, create and read back real objects, stop the cluster.
package smoke

import (
	"context"
	"encoding/json"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/agentgateway-jcp/agentgateway-jcp/conformance/internal/gatewaycrds"
	"github.com/agentgateway-jcp/agentgateway-jcp/conformance/internal/kubebin"
	"github.com/agentgateway-jcp/agentgateway-jcp/conformance/internal/localcluster"
)

const gatewayClassYAML = `apiVersion: gateway.networking.k8s.io/v1
kind: GatewayClass
metadata:
  name: smoke
spec:
  controllerName: agentgateway-jcp.dev/smoke
  description: created by the conformance harness smoke test
`

func TestControlPlaneSmoke(t *testing.T) {
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
	mark("binaries")

	c, err := localcluster.Start(ctx, localcluster.Config{
		BinDir: b.BinDir,
		RunDir: filepath.Join(t.TempDir(), "cluster"),
		Log:    log,
	})
	if err != nil {
		t.Fatal(err)
	}
	stopped := false
	t.Cleanup(func() {
		if !stopped {
			_ = c.Stop()
		}
	})
	mark("control plane start")

	kubectl := func(stdin string, args ...string) string {
		t.Helper()
		return runKubectl(ctx, t, b.Path(kubebin.Kubectl), c.Kubeconfig, stdin, args...)
	}

	// The server must report the pinned release, proving the version
	// stamping of the build.
	var version struct {
		ServerVersion struct{ GitVersion string } `json:"serverVersion"`
	}
	if err := json.Unmarshal([]byte(kubectl("", "version", "-o", "json")), &version); err != nil {
		t.Fatal(err)
	}
	if version.ServerVersion.GitVersion != b.Versions.Kubernetes {
		t.Errorf("server version %q, want %q", version.ServerVersion.GitVersion, b.Versions.Kubernetes)
	}

	root, err := kubebin.ModuleRoot()
	if err != nil {
		t.Fatal(err)
	}
	bundle, err := gatewaycrds.Locate(ctx, root, gatewaycrds.Experimental)
	if err != nil {
		t.Fatal(err)
	}
	crds, err := gatewaycrds.Install(ctx, b.Path(kubebin.Kubectl), c.Kubeconfig, bundle, log)
	if err != nil {
		t.Fatal(err)
	}
	mark("CRD install")
	for _, want := range []string{"gatewayclasses.gateway.networking.k8s.io", "httproutes.gateway.networking.k8s.io", "tlsroutes.gateway.networking.k8s.io"} {
		if !strings.Contains(strings.Join(crds, " "), want) {
			t.Errorf("CRD %s was not installed", want)
		}
	}
	channel := kubectl("", "get", "crd", "gatewayclasses.gateway.networking.k8s.io",
		"-o", `jsonpath={.metadata.annotations.gateway\.networking\.k8s\.io/channel} {.metadata.annotations.gateway\.networking\.k8s\.io/bundle-version}`)
	if channel != "experimental "+bundle.Version {
		t.Errorf("GatewayClass CRD annotations = %q, want %q", channel, "experimental "+bundle.Version)
	}

	kubectl("", "create", "namespace", "smoke")
	if phase := kubectl("", "get", "namespace", "smoke", "-o", "jsonpath={.status.phase}"); phase != "Active" {
		t.Errorf("namespace phase %q, want Active", phase)
	}
	kubectl(gatewayClassYAML, "apply", "-f", "-")
	got := kubectl("", "get", "gatewayclass", "smoke", "-o", "jsonpath={.spec.controllerName}")
	if got != "agentgateway-jcp.dev/smoke" {
		t.Errorf("GatewayClass controllerName %q, want agentgateway-jcp.dev/smoke", got)
	}
	mark("objects")

	if err := c.Stop(); err != nil {
		t.Fatal(err)
	}
	stopped = true
	mark("stop")
}
