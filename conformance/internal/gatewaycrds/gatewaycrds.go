// Package gatewaycrds installs the Gateway API CRDs shipped inside the
// sigs.k8s.io/gateway-api Go module that this module pins, so the CRDs
// always match the version the conformance suite expects.
package gatewaycrds

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"os"
	"os/exec"
	"path/filepath"
	"strings"

	"sigs.k8s.io/gateway-api/pkg/consts"
)

// Channel names of the two CRD bundles.
const (
	Experimental = "experimental"
	Standard     = "standard"
)

// Bundle is the CRD directory of one channel inside the module cache.
type Bundle struct {
	Version string // module version, e.g. v1.6.3
	Dir     string // <module dir>/config/crd/<channel>
	Channel string
}

// Locate finds the pinned sigs.k8s.io/gateway-api module (downloading it
// into the module cache if needed) and returns its CRD bundle for channel.
// moduleRoot is the directory of the conformance module, whose go.mod pins
// the version.
func Locate(ctx context.Context, moduleRoot, channel string) (*Bundle, error) {
	cmd := exec.CommandContext(ctx, "go", "mod", "download", "-json", "sigs.k8s.io/gateway-api")
	cmd.Dir = moduleRoot
	var out bytes.Buffer
	cmd.Stdout, cmd.Stderr = &out, os.Stderr
	if err := cmd.Run(); err != nil {
		return nil, fmt.Errorf("go mod download sigs.k8s.io/gateway-api: %w", err)
	}
	var info struct{ Version, Dir, Error string }
	if err := json.Unmarshal(out.Bytes(), &info); err != nil {
		return nil, err
	}
	if info.Error != "" {
		return nil, fmt.Errorf("go mod download: %s", info.Error)
	}
	// The suite refuses CRDs whose bundle-version annotation differs from
	// the constant compiled into it; catch a mismatch here, early.
	if info.Version != consts.BundleVersion {
		return nil, fmt.Errorf("module sigs.k8s.io/gateway-api is %s but its BundleVersion is %s", info.Version, consts.BundleVersion)
	}
	dir := filepath.Join(info.Dir, "config", "crd", channel)
	if _, err := os.Stat(filepath.Join(dir, "kustomization.yaml")); err != nil {
		return nil, fmt.Errorf("no CRD bundle for channel %q: %w", channel, err)
	}
	return &Bundle{Version: info.Version, Dir: dir, Channel: channel}, nil
}

// Install applies the bundle with server-side apply (the CRDs are too big
// for the last-applied annotation of client-side apply) and waits until
// every CRD is Established.
func Install(ctx context.Context, kubectl, kubeconfig string, b *Bundle, log io.Writer) ([]string, error) {
	run := func(args ...string) (string, error) {
		cmd := exec.CommandContext(ctx, kubectl, append([]string{"--kubeconfig=" + kubeconfig}, args...)...)
		var out, errOut bytes.Buffer
		cmd.Stdout, cmd.Stderr = &out, &errOut
		if err := cmd.Run(); err != nil {
			return "", fmt.Errorf("kubectl %s: %w\n%s", strings.Join(args, " "), err, errOut.String())
		}
		return out.String(), nil
	}
	fmt.Fprintf(log, "gatewaycrds: applying %s channel %s from %s\n", b.Version, b.Channel, b.Dir)
	out, err := run("apply", "--server-side", "--force-conflicts", "--field-manager=agentgateway-jcp-conformance", "-k", b.Dir, "-o", "name")
	if err != nil {
		return nil, err
	}
	var crds []string
	for _, line := range strings.Fields(out) {
		if strings.HasPrefix(line, "customresourcedefinition.") {
			crds = append(crds, line)
		}
	}
	if len(crds) == 0 {
		return nil, fmt.Errorf("kubectl apply created no CRDs; output:\n%s", out)
	}
	args := append([]string{"wait", "--for=condition=Established", "--timeout=120s"}, crds...)
	if _, err := run(args...); err != nil {
		return nil, err
	}
	fmt.Fprintf(log, "gatewaycrds: %d CRDs established\n", len(crds))
	return crds, nil
}
