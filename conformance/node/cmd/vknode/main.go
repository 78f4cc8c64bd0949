// Command vknode registers a virtual-kubelet node whose pods run as local
// processes in per-pod network namespaces (see internal/provider). It must
// run as root (it creates a bridge, veth pairs and network namespaces).
//
//	vknode -kubeconfig admin.kubeconfig -image registry.k8s.io/gateway-api/echo-basic=/path/echo-basic
//
// On SIGINT/SIGTERM it stops all pods, removes their namespaces and the
// bridge.
package main

import (
	"context"
	"crypto/ecdsa"
	"crypto/elliptic"
	"crypto/rand"
	"crypto/tls"
	"crypto/x509"
	"crypto/x509/pkix"
	"flag"
	"fmt"
	"log"
	"math/big"
	"net"
	"net/http"
	"net/url"
	"os"
	"os/exec"
	"os/signal"
	"runtime"
	"strconv"
	"strings"
	"syscall"
	"time"

	"github.com/sirupsen/logrus"
	vklog "github.com/virtual-kubelet/virtual-kubelet/log"
	logruslogger "github.com/virtual-kubelet/virtual-kubelet/log/logrus"
	"github.com/virtual-kubelet/virtual-kubelet/node"
	"github.com/virtual-kubelet/virtual-kubelet/node/nodeutil"
	corev1 "k8s.io/api/core/v1"
	"k8s.io/apimachinery/pkg/api/resource"
	"k8s.io/client-go/kubernetes"
	"k8s.io/client-go/tools/clientcmd"

	"github.com/agentgateway-jcp/agentgateway-jcp/conformance/node/internal/clusterdns"
	"github.com/agentgateway-jcp/agentgateway-jcp/conformance/node/internal/podnet"
	"github.com/agentgateway-jcp/agentgateway-jcp/conformance/node/internal/provider"
	"github.com/agentgateway-jcp/agentgateway-jcp/conformance/node/internal/svcproxy"
)

// imageFlags collects repeated -image repository=program flags.
type imageFlags map[string]string

func (f imageFlags) String() string { return fmt.Sprint(map[string]string(f)) }

func (f imageFlags) Set(v string) error {
	repo, prog, ok := strings.Cut(v, "=")
	if !ok || repo == "" || prog == "" {
		return fmt.Errorf("want repository=program, got %q", v)
	}
	f[provider.ImageRepository(repo)] = prog
	return nil
}

func main() {
	images := imageFlags{}
	kubeconfig := flag.String("kubeconfig", os.Getenv("KUBECONFIG"), "kubeconfig of the cluster")
	nodeName := flag.String("node-name", "vk-0", "node name")
	bridge := flag.String("bridge", "agjcp0", "bridge interface for pod networking")
	podCIDR := flag.String("pod-cidr", "10.244.0.0/16", "pod network; the first address goes to the bridge and is the node address")
	stateDir := flag.String("state-dir", "", "directory for pod working directories and logs (default: a new temp dir)")
	kubeletPort := flag.Int("kubelet-port", 10250, "port of the kubelet API (logs, port-forward) on the node address")
	flag.Var(images, "image", "map an image repository to a local program: repository=program (repeatable)")
	flag.Parse()

	// virtual-kubelet logs through its own facade; warnings and errors
	// (failed status updates, provider errors) must reach our log.
	l := logrus.New()
	l.SetLevel(logrus.WarnLevel)
	vklog.L = logruslogger.FromLogrus(logrus.NewEntry(l))

	if err := run(*kubeconfig, *nodeName, *bridge, *podCIDR, *stateDir, *kubeletPort, images); err != nil {
		log.Fatal(err)
	}
}

func run(kubeconfig, nodeName, bridge, podCIDR, stateDir string, kubeletPort int, images map[string]string) error {
	ctx, cancel := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	defer cancel()

	for repo, prog := range images {
		if _, err := os.Stat(prog); err != nil {
			return fmt.Errorf("program for image %s: %w", repo, err)
		}
	}
	if stateDir == "" {
		d, err := os.MkdirTemp("", "agjcp-vknode-")
		if err != nil {
			return err
		}
		stateDir = d
	}
	cfg, err := clientcmd.BuildConfigFromFlags("", kubeconfig)
	if err != nil {
		return err
	}
	// A suite's worth of pods asks for many tokens at once; the client's
	// default of 5 requests per second would delay pod starts by seconds.
	cfg.QPS, cfg.Burst = 50, 100
	client, err := kubernetes.NewForConfig(cfg)
	if err != nil {
		return err
	}

	// One node per machine: the lock makes it safe to remove what a
	// crashed earlier run left behind (namespaces, the bridge).
	lock, err := os.OpenFile("/run/agjcp-vknode.lock", os.O_CREATE|os.O_RDWR, 0o600)
	if err != nil {
		return err
	}
	defer lock.Close()
	if err := syscall.Flock(int(lock.Fd()), syscall.LOCK_EX|syscall.LOCK_NB); err != nil {
		return fmt.Errorf("another vknode is running on this machine (lock /run/agjcp-vknode.lock): %w", err)
	}
	podnet.CleanupStale()
	if _, err := net.InterfaceByName(bridge); err == nil {
		_ = exec.Command("ip", "link", "del", bridge).Run()
	}
	network, err := podnet.Setup(bridge, podCIDR)
	if err != nil {
		return fmt.Errorf("pod network: %w", err)
	}
	defer network.Teardown()

	tlsConfig, err := selfSignedTLS(nodeName, network.Gateway)
	if err != nil {
		return err
	}
	prov := provider.New(provider.Config{
		NodeName: nodeName,
		NodeIP:   network.Gateway,
		Network:  network,
		StateDir: stateDir,
		Images:   images,
		Client:   client,
	})
	mux := http.NewServeMux()
	n, err := nodeutil.NewNode(nodeName,
		func(pc nodeutil.ProviderConfig) (nodeutil.Provider, node.NodeProvider, error) {
			describeNode(pc.Node, network.Gateway, kubeletPort, podCIDR)
			prov.SetListers(pc.Secrets, pc.ConfigMaps, pc.Services)
			return prov, nil, nil
		},
		nodeutil.WithClient(client),
		func(c *nodeutil.NodeConfig) error {
			c.HTTPListenAddr = net.JoinHostPort(network.Gateway.String(), strconv.Itoa(kubeletPort))
			c.TLSConfig = tlsConfig
			c.Handler = mux
			c.InformerResyncPeriod = time.Minute
			c.NumWorkers = 4
			// The provider resolves environments itself when a
			// container starts (virtual-kubelet cannot resolve
			// status.podIP before the pod has an address).
			c.SkipDownwardAPIResolution = true
			return nil
		},
		nodeutil.AttachProviderRoutes(mux),
	)
	if err != nil {
		return err
	}
	apiURL, err := url.Parse(cfg.Host)
	if err != nil {
		return err
	}
	proxy, err := svcproxy.Run(ctx, svcproxy.Config{
		Client:    client,
		Device:    bridge,
		LBPool:    network.LBPool(),
		APIServer: apiURL.Host,
	})
	if err != nil {
		return fmt.Errorf("service proxy: %w", err)
	}
	dns, err := clusterdns.Start(net.JoinHostPort(network.Gateway.String(), "53"), proxy)
	if err != nil {
		return fmt.Errorf("cluster DNS: %w", err)
	}
	defer dns.Close()
	log.Printf("vknode: service proxy on %s, load balancer pool %s", bridge, network.LBPool())
	log.Printf("vknode: node %s, pod network %s on %s, kubelet API %s:%d, state %s",
		nodeName, podCIDR, bridge, network.Gateway, kubeletPort, stateDir)
	go func() {
		if err := n.Run(ctx); err != nil && ctx.Err() == nil {
			log.Printf("vknode: node stopped: %v", err)
			cancel()
		}
	}()
	if err := n.WaitReady(ctx, time.Minute); err != nil {
		return fmt.Errorf("node did not become ready: %w", err)
	}
	log.Printf("vknode: node %s is ready", nodeName)
	<-ctx.Done()
	log.Printf("vknode: shutting down; stopping pods")
	stopCtx, stopCancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer stopCancel()
	prov.StopAll(stopCtx)
	return nil
}

// describeNode fills in what the scheduler and API server read from a node:
// its address and kubelet port, capacity, OS labels, and healthy
// conditions other than Ready (which virtual-kubelet sets).
func describeNode(n *corev1.Node, ip net.IP, kubeletPort int, podCIDR string) {
	n.Labels["kubernetes.io/os"] = runtime.GOOS
	n.Labels["kubernetes.io/arch"] = runtime.GOARCH
	n.Spec.PodCIDR = podCIDR
	n.Spec.PodCIDRs = []string{podCIDR}
	n.Status.Addresses = []corev1.NodeAddress{
		{Type: corev1.NodeInternalIP, Address: ip.String()},
		{Type: corev1.NodeHostName, Address: n.Name},
	}
	n.Status.DaemonEndpoints.KubeletEndpoint.Port = int32(kubeletPort)
	capacity := corev1.ResourceList{
		corev1.ResourceCPU:    resource.MustParse("32"),
		corev1.ResourceMemory: resource.MustParse("64Gi"),
		corev1.ResourcePods:   resource.MustParse("500"),
	}
	n.Status.Capacity = capacity
	n.Status.Allocatable = capacity.DeepCopy()
	n.Status.NodeInfo = corev1.NodeSystemInfo{
		OperatingSystem: runtime.GOOS,
		Architecture:    runtime.GOARCH,
		KubeletVersion:  "v1.36.3-agjcp-process",
	}
	for i := range n.Status.Conditions {
		c := &n.Status.Conditions[i]
		if c.Type != corev1.NodeReady {
			c.Status = corev1.ConditionFalse
			c.Reason = "ProcessProviderHealthy"
		}
	}
}

// selfSignedTLS makes the serving certificate of the kubelet API. The API
// server does not verify kubelet certificates unless told to, so a
// self-signed one is enough for logs and port-forward.
func selfSignedTLS(name string, ip net.IP) (*tls.Config, error) {
	key, err := ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
	if err != nil {
		return nil, err
	}
	tmpl := &x509.Certificate{
		SerialNumber: big.NewInt(time.Now().UnixNano()),
		Subject:      pkix.Name{CommonName: name},
		NotBefore:    time.Now().Add(-time.Hour),
		NotAfter:     time.Now().Add(7 * 24 * time.Hour),
		KeyUsage:     x509.KeyUsageDigitalSignature,
		ExtKeyUsage:  []x509.ExtKeyUsage{x509.ExtKeyUsageServerAuth},
		DNSNames:     []string{name},
		IPAddresses:  []net.IP{ip},
	}
	der, err := x509.CreateCertificate(rand.Reader, tmpl, tmpl, key.Public(), key)
	if err != nil {
		return nil, err
	}
	return &tls.Config{Certificates: []tls.Certificate{{Certificate: [][]byte{der}, PrivateKey: key}}}, nil
}
