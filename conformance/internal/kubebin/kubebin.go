// Package kubebin builds the control-plane binaries (etcd, kube-apiserver,
// kube-controller-manager, kube-scheduler, kubectl) from the kube module and
// keeps them in a cache directory, so that later runs skip the slow build.
package kubebin

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"fmt"
	"io"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"time"

	"golang.org/x/mod/modfile"
)

// ModulePath is the path of the conformance module; used to find its root
// directory from wherever a command or test runs.
const ModulePath = "github.com/agentgateway-jcp/agentgateway-jcp/conformance"

// EnvBinDir overrides the whole cache directory of the binaries.
const EnvBinDir = "AGJCP_KUBE_BIN_DIR"

// Binary names, as the rest of the harness (and fabric8 kube-api-test)
// expects them in the cache directory.
const (
	Etcd                  = "etcd"
	KubeAPIServer         = "kube-apiserver"
	KubeControllerManager = "kube-controller-manager"
	KubeScheduler         = "kube-scheduler"
	Kubectl               = "kubectl"
)

var kubePackages = []struct{ pkg, bin string }{
	{"k8s.io/kubernetes/cmd/kube-apiserver", KubeAPIServer},
	{"k8s.io/kubernetes/cmd/kube-controller-manager", KubeControllerManager},
	{"k8s.io/kubernetes/cmd/kube-scheduler", KubeScheduler},
	{"k8s.io/kubernetes/cmd/kubectl", Kubectl},
	{"./cmd/etcd", Etcd},
}

// stampFile records what the cached binaries were built from.
const stampFile = ".build-stamp"

// Versions are the pinned versions, read from the generated kube/go.mod.
type Versions struct {
	Kubernetes string // e.g. v1.36.3
	Etcd       string // e.g. v3.6.8
}

// Build describes where the kube module is and where its binaries go.
type Build struct {
	KubeModuleDir string
	BinDir        string
	Versions      Versions
}

// ModuleRoot finds the conformance module root by walking up from the
// working directory, so commands work from any sub-directory.
func ModuleRoot() (string, error) {
	dir, err := os.Getwd()
	if err != nil {
		return "", err
	}
	for {
		data, err := os.ReadFile(filepath.Join(dir, "go.mod"))
		if err == nil && modfile.ModulePath(data) == ModulePath {
			return dir, nil
		}
		parent := filepath.Dir(dir)
		if parent == dir {
			return "", fmt.Errorf("no go.mod of %s above the working directory", ModulePath)
		}
		dir = parent
	}
}

// Load reads the pinned versions and resolves the cache directory.
func Load() (*Build, error) {
	root, err := ModuleRoot()
	if err != nil {
		return nil, err
	}
	kubeDir := filepath.Join(root, "kube")
	path := filepath.Join(kubeDir, "go.mod")
	data, err := os.ReadFile(path)
	if err != nil {
		return nil, err
	}
	f, err := modfile.Parse(path, data, nil)
	if err != nil {
		return nil, err
	}
	var v Versions
	for _, r := range f.Require {
		switch r.Mod.Path {
		case "k8s.io/kubernetes":
			v.Kubernetes = r.Mod.Version
		case "go.etcd.io/etcd/server/v3":
			v.Etcd = r.Mod.Version
		}
	}
	if v.Kubernetes == "" || v.Etcd == "" {
		return nil, fmt.Errorf("%s does not require k8s.io/kubernetes and go.etcd.io/etcd/server/v3", path)
	}
	binDir := os.Getenv(EnvBinDir)
	if binDir == "" {
		cache := os.Getenv("XDG_CACHE_HOME")
		if cache == "" {
			home, err := os.UserHomeDir()
			if err != nil {
				return nil, err
			}
			cache = filepath.Join(home, ".cache")
		}
		binDir = filepath.Join(cache, "agentgateway-jcp", "k8s-"+v.Kubernetes)
	}
	return &Build{KubeModuleDir: kubeDir, BinDir: binDir, Versions: v}, nil
}

// Path returns the path of one cached binary.
func (b *Build) Path(name string) string { return filepath.Join(b.BinDir, name) }

// ldflags strips symbols (smaller, faster link) and stamps the Kubernetes
// version the way release builds do, so `kubectl version` and the API
// server's /version report the real release instead of v0.0.0-master.
func (b *Build) ldflags() string {
	v := b.Versions.Kubernetes
	parts := strings.SplitN(strings.TrimPrefix(v, "v"), ".", 3)
	flags := []string{"-s", "-w"}
	for _, pkg := range []string{"k8s.io/component-base/version", "k8s.io/client-go/pkg/version"} {
		flags = append(flags,
			"-X", pkg+".gitVersion="+v,
			"-X", pkg+".gitMajor="+parts[0],
			"-X", pkg+".gitMinor="+parts[1],
			"-X", pkg+".gitTreeState=clean")
	}
	return strings.Join(flags, " ")
}

// stamp hashes everything the binaries depend on: the generated module
// files, our etcd main, the Go toolchain and the link flags.
func (b *Build) stamp(ctx context.Context) (string, error) {
	h := sha256.New()
	for _, f := range []string{"go.mod", "go.sum", filepath.Join("cmd", "etcd", "main.go")} {
		data, err := os.ReadFile(filepath.Join(b.KubeModuleDir, f))
		if err != nil {
			return "", err
		}
		fmt.Fprintf(h, "%s %d\n", f, len(data))
		h.Write(data)
	}
	out, err := exec.CommandContext(ctx, "go", "version").Output()
	if err != nil {
		return "", fmt.Errorf("go version: %w", err)
	}
	h.Write(out)
	io.WriteString(h, b.ldflags())
	return fmt.Sprintf("kubernetes=%s etcd=%s sha256=%s\n",
		b.Versions.Kubernetes, b.Versions.Etcd, hex.EncodeToString(h.Sum(nil))), nil
}

// UpToDate reports whether every binary exists and was built from the
// current inputs.
func (b *Build) UpToDate(ctx context.Context) (bool, error) {
	want, err := b.stamp(ctx)
	if err != nil {
		return false, err
	}
	have, err := os.ReadFile(filepath.Join(b.BinDir, stampFile))
	if err != nil || string(have) != want {
		return false, nil
	}
	for _, p := range kubePackages {
		if _, err := os.Stat(b.Path(p.bin)); err != nil {
			return false, nil
		}
	}
	return true, nil
}

// Ensure builds the binaries unless the cache is up to date. Progress goes
// to log.
func (b *Build) Ensure(ctx context.Context, log io.Writer) error {
	ok, err := b.UpToDate(ctx)
	if err != nil {
		return err
	}
	if ok {
		fmt.Fprintf(log, "kubebin: %s is up to date (kubernetes %s, etcd %s)\n", b.BinDir, b.Versions.Kubernetes, b.Versions.Etcd)
		return nil
	}
	want, err := b.stamp(ctx)
	if err != nil {
		return err
	}
	if err := os.MkdirAll(filepath.Dir(b.BinDir), 0o755); err != nil {
		return err
	}
	// Build into a fresh directory next to the cache and swap it in, so an
	// interrupted build never leaves a half-updated cache behind.
	tmp, err := os.MkdirTemp(filepath.Dir(b.BinDir), ".build-")
	if err != nil {
		return err
	}
	defer os.RemoveAll(tmp)

	args := []string{"build", "-trimpath", "-ldflags=" + b.ldflags(), "-o", tmp + string(os.PathSeparator)}
	for _, p := range kubePackages {
		args = append(args, p.pkg)
	}
	fmt.Fprintf(log, "kubebin: building kubernetes %s and etcd %s into %s (a cold build takes a long time)\n",
		b.Versions.Kubernetes, b.Versions.Etcd, b.BinDir)
	start := time.Now()
	cmd := exec.CommandContext(ctx, "go", args...)
	cmd.Dir = b.KubeModuleDir
	cmd.Stdout, cmd.Stderr = log, log
	if err := cmd.Run(); err != nil {
		return fmt.Errorf("go build in %s: %w", b.KubeModuleDir, err)
	}
	if err := os.WriteFile(filepath.Join(tmp, stampFile), []byte(want), 0o644); err != nil {
		return err
	}
	if err := os.RemoveAll(b.BinDir); err != nil && !errors.Is(err, os.ErrNotExist) {
		return err
	}
	if err := os.Rename(tmp, b.BinDir); err != nil {
		return err
	}
	if err := os.Chmod(b.BinDir, 0o755); err != nil {
		return err
	}
	fmt.Fprintf(log, "kubebin: built in %s\n", time.Since(start).Round(time.Second))
	return nil
}

// NodeTools are the programs of the virtual-kubelet node: the node itself
// and the programs behind the conformance suite's images: echo-basic and
// CoreDNS, each built from its own Go module.
type NodeTools struct {
	VKNode    string
	EchoBasic string
	CoreDNS   string
}

// BuildNodeTools builds vknode (from the node module) and echo-basic (from
// the pinned conformance module) into outDir. They are small next to the
// Kubernetes binaries and the Go build cache makes a rebuild a relink, so
// they are not kept in the versioned cache.
func BuildNodeTools(ctx context.Context, outDir string, log io.Writer) (*NodeTools, error) {
	root, err := ModuleRoot()
	if err != nil {
		return nil, err
	}
	if err := os.MkdirAll(outDir, 0o755); err != nil {
		return nil, err
	}
	t := &NodeTools{
		VKNode:    filepath.Join(outDir, "vknode"),
		EchoBasic: filepath.Join(outDir, "echo-basic"),
		CoreDNS:   filepath.Join(outDir, "coredns"),
	}
	builds := []struct{ dir, pkg, out string }{
		{filepath.Join(root, "node"), "./cmd/vknode", t.VKNode},
		{root, "sigs.k8s.io/gateway-api/conformance/echo-basic", t.EchoBasic},
		{filepath.Join(root, "coredns"), "github.com/coredns/coredns", t.CoreDNS},
	}
	for _, b := range builds {
		start := time.Now()
		cmd := exec.CommandContext(ctx, "go", "build", "-trimpath", "-ldflags=-s -w", "-o", b.out, b.pkg)
		cmd.Dir = b.dir
		cmd.Stdout, cmd.Stderr = log, log
		if err := cmd.Run(); err != nil {
			return nil, fmt.Errorf("go build %s: %w", b.pkg, err)
		}
		fmt.Fprintf(log, "kubebin: built %s in %s\n", filepath.Base(b.out), time.Since(start).Round(100*time.Millisecond))
	}
	return t, nil
}
