// Command devcluster builds, starts and stops the local Kubernetes control
// plane used by the conformance harness and the integration tests.
//
//	devcluster build   build etcd/kube-* binaries into the cache (no-op when current)
//	devcluster up      build if needed, start the control plane, install the
//	                   Gateway API CRDs; prints the admin kubeconfig path on stdout.
//	                   -node also starts the virtual-kubelet node vk-0 (root only),
//	                   mapping the echo-basic image and $AGJCP_IMAGE_MAP
//	                   ("repository=program,...") to local programs
//	devcluster crds    (re)install the Gateway API CRDs into the running cluster
//	devcluster down    stop the control plane and delete its run directory
//	devcluster bindir  print the binary cache directory
//	devcluster kube-api-test-dir [DIR]
//	                   build if needed and lay the binaries out for fabric8
//	                   kube-api-test: DIR/k8s/<version>-linux-amd64/{etcd,kube-apiserver,kubectl}
//	                   as symlinks (DIR defaults to $KUBE_API_TEST_DIR or ~/.kubeapitest)
//
// Progress goes to stderr, so `export KUBECONFIG=$(go run ./cmd/devcluster up)`
// works. The run directory is $AGJCP_CLUSTER_DIR or <tmp>/agentgateway-jcp-cluster.
package main

import (
	"context"
	"flag"
	"fmt"
	"os"
	"os/signal"
	"path/filepath"
	"runtime"
	"strings"
	"syscall"
	"time"

	"github.com/agentgateway-jcp/agentgateway-jcp/conformance/internal/gatewaycrds"
	"github.com/agentgateway-jcp/agentgateway-jcp/conformance/internal/kubebin"
	"github.com/agentgateway-jcp/agentgateway-jcp/conformance/internal/localcluster"
)

func usage() {
	fmt.Fprintln(os.Stderr, "usage: devcluster build | up [-crds experimental|standard|none] [-node] | crds [-channel c] | down | bindir | kube-api-test-dir [DIR]")
	os.Exit(2)
}

func main() {
	if len(os.Args) < 2 {
		usage()
	}
	ctx, cancel := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	defer cancel()
	var err error
	switch os.Args[1] {
	case "build":
		err = build(ctx)
	case "bindir":
		var b *kubebin.Build
		if b, err = kubebin.Load(); err == nil {
			fmt.Println(b.BinDir)
		}
	case "kube-api-test-dir":
		err = kubeAPITestDir(ctx, os.Args[2:])
	case "up":
		fs := flag.NewFlagSet("up", flag.ExitOnError)
		crds := fs.String("crds", gatewaycrds.Experimental, "Gateway API CRD channel to install, or none")
		withNode := fs.Bool("node", false, "also start the virtual-kubelet node")
		_ = fs.Parse(os.Args[2:])
		err = up(ctx, *crds, *withNode)
	case "crds":
		fs := flag.NewFlagSet("crds", flag.ExitOnError)
		channel := fs.String("channel", gatewaycrds.Experimental, "Gateway API CRD channel")
		_ = fs.Parse(os.Args[2:])
		err = installCRDs(ctx, localcluster.KubeconfigPath(localcluster.DefaultRunDir()), *channel)
	case "down":
		dir := localcluster.DefaultRunDir()
		err = localcluster.StopRunDir(dir)
		if err == nil {
			fmt.Fprintf(os.Stderr, "devcluster: stopped and removed %s\n", dir)
		}
	default:
		usage()
	}
	if err != nil {
		fmt.Fprintln(os.Stderr, "devcluster:", err)
		os.Exit(1)
	}
}

// kubeAPITestDir links the cached binaries where fabric8 kube-api-test
// looks for them, so Java integration tests run offline against the same
// build.
func kubeAPITestDir(ctx context.Context, args []string) error {
	b, err := kubebin.Load()
	if err != nil {
		return err
	}
	if err := b.Ensure(ctx, os.Stderr); err != nil {
		return err
	}
	dir := os.Getenv("KUBE_API_TEST_DIR")
	if len(args) > 0 {
		dir = args[0]
	}
	if dir == "" {
		home, err := os.UserHomeDir()
		if err != nil {
			return err
		}
		dir = filepath.Join(home, ".kubeapitest")
	}
	// kube-api-test parses the directory's version as plain numbers.
	target := filepath.Join(dir, "k8s", strings.TrimPrefix(b.Versions.Kubernetes, "v")+"-"+runtime.GOOS+"-"+runtime.GOARCH)
	if err := os.MkdirAll(target, 0o755); err != nil {
		return err
	}
	for _, name := range []string{kubebin.Etcd, kubebin.KubeAPIServer, kubebin.Kubectl} {
		link := filepath.Join(target, name)
		_ = os.Remove(link)
		if err := os.Symlink(b.Path(name), link); err != nil {
			return err
		}
	}
	fmt.Println(dir)
	return nil
}

func build(ctx context.Context) error {
	b, err := kubebin.Load()
	if err != nil {
		return err
	}
	return b.Ensure(ctx, os.Stderr)
}

func up(ctx context.Context, crds string, withNode bool) error {
	b, err := kubebin.Load()
	if err != nil {
		return err
	}
	if err := b.Ensure(ctx, os.Stderr); err != nil {
		return err
	}
	runDir := localcluster.DefaultRunDir()
	cfg := localcluster.Config{BinDir: b.BinDir, RunDir: runDir, Log: os.Stderr}
	if withNode {
		node, err := nodeConfig(ctx, filepath.Join(runDir, "bin"))
		if err != nil {
			return err
		}
		cfg.Node = node
	}
	start := time.Now()
	c, err := localcluster.Start(ctx, cfg)
	if err != nil {
		return err
	}
	fmt.Fprintf(os.Stderr, "devcluster: control plane up in %s\n", time.Since(start).Round(100*time.Millisecond))
	if crds != "none" {
		if err := installCRDs(ctx, c.Kubeconfig, crds); err != nil {
			_ = c.Stop()
			return err
		}
	}
	fmt.Println(c.Kubeconfig)
	return nil
}

// nodeConfig builds the node programs and maps the conformance images.
func nodeConfig(ctx context.Context, binDir string) (*localcluster.NodeConfig, error) {
	tools, err := kubebin.BuildNodeTools(ctx, binDir, os.Stderr)
	if err != nil {
		return nil, err
	}
	images := map[string]string{EchoBasicImage: tools.EchoBasic, EchoBasicStagingImage: tools.EchoBasic, CoreDNSImage: tools.CoreDNS}
	if extra := os.Getenv("AGJCP_IMAGE_MAP"); extra != "" {
		for _, kv := range strings.Split(extra, ",") {
			repo, prog, ok := strings.Cut(strings.TrimSpace(kv), "=")
			if !ok {
				return nil, fmt.Errorf("AGJCP_IMAGE_MAP entry %q is not repository=program", kv)
			}
			images[repo] = prog
		}
	}
	return &localcluster.NodeConfig{VKNode: tools.VKNode, Images: images}, nil
}

// EchoBasicImage is the repository of the echo server image that the
// conformance manifests use.
const EchoBasicImage = "registry.k8s.io/gateway-api/echo-basic"

// EchoBasicStagingImage is the same echo server under its staging
// repository, which the Inference Extension's conformance manifests use.
const EchoBasicStagingImage = "gcr.io/k8s-staging-gateway-api/echo-basic"

// CoreDNSImage is the DNS server image of the suite's base manifests.
const CoreDNSImage = "registry.k8s.io/coredns/coredns"

func installCRDs(ctx context.Context, kubeconfig, channel string) error {
	b, err := kubebin.Load()
	if err != nil {
		return err
	}
	root, err := kubebin.ModuleRoot()
	if err != nil {
		return err
	}
	bundle, err := gatewaycrds.Locate(ctx, root, channel)
	if err != nil {
		return err
	}
	_, err = gatewaycrds.Install(ctx, b.Path(kubebin.Kubectl), kubeconfig, bundle, os.Stderr)
	return err
}
