// Command devcluster builds, starts and stops the local Kubernetes control
// plane used by the conformance harness and the integration tests.
//
//	devcluster build   build etcd/kube-* binaries into the cache (no-op when current)
//	devcluster up      build if needed, start the control plane, install the
//	                   Gateway API CRDs; prints the admin kubeconfig path on stdout
//	devcluster crds    (re)install the Gateway API CRDs into the running cluster
//	devcluster down    stop the control plane and delete its run directory
//	devcluster bindir  print the binary cache directory
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
	"syscall"
	"time"

	"github.com/agentgateway-jcp/agentgateway-jcp/conformance/internal/gatewaycrds"
	"github.com/agentgateway-jcp/agentgateway-jcp/conformance/internal/kubebin"
	"github.com/agentgateway-jcp/agentgateway-jcp/conformance/internal/localcluster"
)

func usage() {
	fmt.Fprintln(os.Stderr, "usage: devcluster build | up [-crds experimental|standard|none] | crds [-channel c] | down | bindir")
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
	case "up":
		fs := flag.NewFlagSet("up", flag.ExitOnError)
		crds := fs.String("crds", gatewaycrds.Experimental, "Gateway API CRD channel to install, or none")
		_ = fs.Parse(os.Args[2:])
		err = up(ctx, *crds)
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

func build(ctx context.Context) error {
	b, err := kubebin.Load()
	if err != nil {
		return err
	}
	return b.Ensure(ctx, os.Stderr)
}

func up(ctx context.Context, crds string) error {
	b, err := kubebin.Load()
	if err != nil {
		return err
	}
	if err := b.Ensure(ctx, os.Stderr); err != nil {
		return err
	}
	start := time.Now()
	c, err := localcluster.Start(ctx, localcluster.Config{BinDir: b.BinDir, RunDir: localcluster.DefaultRunDir(), Log: os.Stderr})
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
