// Package localcluster runs a Kubernetes control plane made of local
// processes: etcd, kube-apiserver, kube-controller-manager and
// kube-scheduler, all listening on 127.0.0.1 only, with certificates
// generated for the run. State (certificates, etcd data, logs, pids) lives
// in one run directory that Stop removes.
package localcluster

import (
	"context"
	"crypto/tls"
	"crypto/x509"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net"
	"net/http"
	"os"
	"path/filepath"
	"sort"
	"strconv"
	"strings"
	"time"

	"github.com/agentgateway-jcp/agentgateway-jcp/conformance/internal/pki"
)

// Environment variables that override defaults.
const (
	EnvRunDir = "AGJCP_CLUSTER_DIR" // run directory of `devcluster up/down`
)

// Config says where the binaries are and where the cluster keeps its state.
type Config struct {
	BinDir string // directory with etcd, kube-apiserver, ... (see kubebin)
	RunDir string // state directory; created if missing

	// ServiceCIDR is the ClusterIP range; its first address is the
	// kubernetes Service and therefore a SAN of the serving certificate.
	ServiceCIDR string
	// AdvertiseAddress is the API server address published in the
	// kubernetes Service's endpoints. Endpoint validation rejects loopback
	// addresses, so with the default (empty) the endpoint reconciler is
	// switched off; a node/pod network sets a routable address here.
	AdvertiseAddress string

	// Node, when set, also starts a virtual-kubelet node that runs pods
	// as local processes (needs root).
	Node *NodeConfig

	Log io.Writer // progress messages; nil discards them
}

// NodeConfig describes the virtual-kubelet node.
type NodeConfig struct {
	VKNode  string            // path of the vknode program
	Name    string            // node name; default vk-0
	Images  map[string]string // image repository -> local program
	PodCIDR string            // default 10.244.0.0/16
	Bridge  string            // default agjcp0
}

// Cluster is a running control plane.
type Cluster struct {
	RunDir         string
	Kubeconfig     string // admin (system:masters) kubeconfig
	APIServerURL   string
	EtcdURL        string
	PKIDir         string
	procs          []*process
	log            io.Writer
	adminTransport *http.Transport
}

// DefaultRunDir is where `devcluster up` keeps the cluster unless
// AGJCP_CLUSTER_DIR says otherwise.
func DefaultRunDir() string {
	if d := os.Getenv(EnvRunDir); d != "" {
		return d
	}
	return filepath.Join(os.TempDir(), "agentgateway-jcp-cluster")
}

// KubeconfigPath is the admin kubeconfig inside a run directory.
func KubeconfigPath(runDir string) string { return filepath.Join(runDir, "kubeconfig") }

func freePort() (int, error) {
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		return 0, err
	}
	defer l.Close()
	return l.Addr().(*net.TCPAddr).Port, nil
}

func firstServiceIP(cidr string) (net.IP, error) {
	_, n, err := net.ParseCIDR(cidr)
	if err != nil {
		return nil, err
	}
	ip := n.IP.To4()
	if ip == nil {
		return nil, fmt.Errorf("only IPv4 service ranges are supported: %s", cidr)
	}
	out := make(net.IP, 4)
	copy(out, ip)
	out[3]++
	return out, nil
}

// Start brings up the control plane and waits until it serves requests and
// the controller manager has created the default service account.
func Start(ctx context.Context, cfg Config) (_ *Cluster, err error) {
	if cfg.ServiceCIDR == "" {
		cfg.ServiceCIDR = "10.96.0.0/16"
	}
	if cfg.Log == nil {
		cfg.Log = io.Discard
	}
	if cfg.RunDir == "" {
		cfg.RunDir = DefaultRunDir()
	}
	if _, err := os.Stat(filepath.Join(cfg.RunDir, "pids")); err == nil {
		return nil, fmt.Errorf("%s already holds a cluster; stop it first", cfg.RunDir)
	}
	for _, b := range []string{"etcd", "kube-apiserver", "kube-controller-manager", "kube-scheduler"} {
		if _, err := os.Stat(filepath.Join(cfg.BinDir, b)); err != nil {
			return nil, fmt.Errorf("missing binary (build them first): %w", err)
		}
	}
	if err := os.MkdirAll(cfg.RunDir, 0o755); err != nil {
		return nil, err
	}
	c := &Cluster{RunDir: cfg.RunDir, PKIDir: filepath.Join(cfg.RunDir, "pki"), log: cfg.Log}
	defer func() {
		if err != nil {
			_ = c.Stop()
		}
	}()

	if err := c.writePKI(cfg); err != nil {
		return nil, fmt.Errorf("generating certificates: %w", err)
	}

	etcdClient, err := freePort()
	if err != nil {
		return nil, err
	}
	etcdPeer, err := freePort()
	if err != nil {
		return nil, err
	}
	apiPort, err := freePort()
	if err != nil {
		return nil, err
	}
	c.EtcdURL = "http://127.0.0.1:" + strconv.Itoa(etcdClient)
	c.APIServerURL = "https://127.0.0.1:" + strconv.Itoa(apiPort)
	if err := c.writeKubeconfigs(); err != nil {
		return nil, err
	}

	bin := func(name string) string { return filepath.Join(cfg.BinDir, name) }
	pkiFile := func(name string) string { return filepath.Join(c.PKIDir, name) }

	peerURL := "http://127.0.0.1:" + strconv.Itoa(etcdPeer)
	fmt.Fprintf(c.log, "localcluster: starting etcd on %s\n", c.EtcdURL)
	etcd, err := startProcess(c.RunDir, "etcd", bin("etcd"), []string{
		"--name=local",
		"--data-dir=" + filepath.Join(c.RunDir, "etcd"),
		"--listen-client-urls=" + c.EtcdURL,
		"--advertise-client-urls=" + c.EtcdURL,
		"--listen-peer-urls=" + peerURL,
		"--initial-advertise-peer-urls=" + peerURL,
		"--initial-cluster=local=" + peerURL,
		// Throw-away data: skip fsync to keep a busy 2-core machine fast.
		"--unsafe-no-fsync=true",
		"--log-level=warn",
	})
	if err != nil {
		return nil, err
	}
	c.procs = append(c.procs, etcd)
	if err := c.waitHTTP(ctx, etcd, c.EtcdURL+"/health", nil, 60*time.Second); err != nil {
		return nil, err
	}

	apiArgs := []string{
		"--etcd-servers=" + c.EtcdURL,
		"--bind-address=127.0.0.1",
		"--secure-port=" + strconv.Itoa(apiPort),
		"--tls-cert-file=" + pkiFile("apiserver.crt"),
		"--tls-private-key-file=" + pkiFile("apiserver.key"),
		"--client-ca-file=" + pkiFile("ca.crt"),
		"--kubelet-client-certificate=" + pkiFile("apiserver-kubelet-client.crt"),
		"--kubelet-client-key=" + pkiFile("apiserver-kubelet-client.key"),
		// Node names of local nodes do not resolve; reach kubelets by IP.
		"--kubelet-preferred-address-types=InternalIP,ExternalIP,Hostname",
		"--service-account-issuer=https://kubernetes.default.svc.cluster.local",
		"--service-account-key-file=" + pkiFile("sa.pub"),
		"--service-account-signing-key-file=" + pkiFile("sa.key"),
		"--service-cluster-ip-range=" + cfg.ServiceCIDR,
		"--authorization-mode=Node,RBAC",
		"--allow-privileged=true",
		"--profiling=false",
	}
	if cfg.AdvertiseAddress != "" {
		apiArgs = append(apiArgs, "--advertise-address="+cfg.AdvertiseAddress)
	} else {
		apiArgs = append(apiArgs, "--advertise-address=127.0.0.1", "--endpoint-reconciler-type=none")
	}
	fmt.Fprintf(c.log, "localcluster: starting kube-apiserver on %s\n", c.APIServerURL)
	api, err := startProcess(c.RunDir, "kube-apiserver", bin("kube-apiserver"), apiArgs)
	if err != nil {
		return nil, err
	}
	c.procs = append(c.procs, api)
	if err := c.setupAdminTransport(); err != nil {
		return nil, err
	}
	if err := c.waitHTTP(ctx, api, c.APIServerURL+"/readyz", c.adminTransport, 180*time.Second); err != nil {
		return nil, err
	}

	fmt.Fprintln(c.log, "localcluster: starting kube-controller-manager and kube-scheduler")
	kcm, err := startProcess(c.RunDir, "kube-controller-manager", bin("kube-controller-manager"), []string{
		"--kubeconfig=" + filepath.Join(c.PKIDir, "controller-manager.kubeconfig"),
		"--secure-port=0",
		"--leader-elect=false",
		"--use-service-account-credentials=true",
		"--service-account-private-key-file=" + pkiFile("sa.key"),
		"--root-ca-file=" + pkiFile("ca.crt"),
		"--cluster-signing-cert-file=" + pkiFile("ca.crt"),
		"--cluster-signing-key-file=" + pkiFile("ca.key"),
		"--service-cluster-ip-range=" + cfg.ServiceCIDR,
		"--profiling=false",
	})
	if err != nil {
		return nil, err
	}
	c.procs = append(c.procs, kcm)
	sched, err := startProcess(c.RunDir, "kube-scheduler", bin("kube-scheduler"), []string{
		"--kubeconfig=" + filepath.Join(c.PKIDir, "scheduler.kubeconfig"),
		"--secure-port=0",
		"--leader-elect=false",
		"--profiling=false",
	})
	if err != nil {
		return nil, err
	}
	c.procs = append(c.procs, sched)
	// The default service account appears only once the controller
	// manager's service-account controller runs, which proves it is up.
	if err := c.waitHTTP(ctx, kcm, c.APIServerURL+"/api/v1/namespaces/default/serviceaccounts/default", c.adminTransport, 120*time.Second); err != nil {
		return nil, err
	}
	if sched.exited() {
		return nil, fmt.Errorf("kube-scheduler exited:\n%s", logTail(c.RunDir, "kube-scheduler", 20))
	}
	if cfg.Node != nil {
		if err := c.startNode(ctx, cfg.Node); err != nil {
			return nil, err
		}
	}
	fmt.Fprintf(c.log, "localcluster: ready; KUBECONFIG=%s\n", c.Kubeconfig)
	return c, nil
}

// startNode runs vknode and waits until its Node object reports Ready.
func (c *Cluster) startNode(ctx context.Context, n *NodeConfig) error {
	if n.Name == "" {
		n.Name = "vk-0"
	}
	args := []string{
		"-kubeconfig=" + c.Kubeconfig,
		"-node-name=" + n.Name,
		"-state-dir=" + filepath.Join(c.RunDir, "node"),
	}
	if n.PodCIDR != "" {
		args = append(args, "-pod-cidr="+n.PodCIDR)
	}
	if n.Bridge != "" {
		args = append(args, "-bridge="+n.Bridge)
	}
	repos := make([]string, 0, len(n.Images))
	for repo := range n.Images {
		repos = append(repos, repo)
	}
	sort.Strings(repos)
	for _, repo := range repos {
		args = append(args, "-image="+repo+"="+n.Images[repo])
	}
	fmt.Fprintf(c.log, "localcluster: starting virtual-kubelet node %s\n", n.Name)
	p, err := startProcess(c.RunDir, "vknode", n.VKNode, args)
	if err != nil {
		return err
	}
	c.procs = append(c.procs, p)
	client := &http.Client{Timeout: 5 * time.Second, Transport: c.adminTransport}
	deadline := time.Now().Add(90 * time.Second)
	for {
		if p.exited() {
			return fmt.Errorf("vknode exited; last log lines:\n%s", logTail(c.RunDir, "vknode", 30))
		}
		if ready, _ := nodeReady(ctx, client, c.APIServerURL, n.Name); ready {
			return nil
		}
		if time.Now().After(deadline) {
			return fmt.Errorf("node %s not Ready after 90s; vknode log:\n%s", n.Name, logTail(c.RunDir, "vknode", 30))
		}
		select {
		case <-ctx.Done():
			return ctx.Err()
		case <-time.After(500 * time.Millisecond):
		}
	}
}

func nodeReady(ctx context.Context, client *http.Client, server, name string) (bool, error) {
	req, err := http.NewRequestWithContext(ctx, http.MethodGet, server+"/api/v1/nodes/"+name, nil)
	if err != nil {
		return false, err
	}
	resp, err := client.Do(req)
	if err != nil {
		return false, err
	}
	defer resp.Body.Close()
	if resp.StatusCode != http.StatusOK {
		return false, nil
	}
	var node struct {
		Status struct {
			Conditions []struct{ Type, Status string }
		}
	}
	if err := json.NewDecoder(resp.Body).Decode(&node); err != nil {
		return false, err
	}
	for _, cond := range node.Status.Conditions {
		if cond.Type == "Ready" {
			return cond.Status == "True", nil
		}
	}
	return false, nil
}

func (c *Cluster) writePKI(cfg Config) error {
	ca, err := pki.NewCA("agentgateway-jcp-local-ca")
	if err != nil {
		return err
	}
	serviceIP, err := firstServiceIP(cfg.ServiceCIDR)
	if err != nil {
		return err
	}
	ips := []net.IP{net.IPv4(127, 0, 0, 1), serviceIP}
	if cfg.AdvertiseAddress != "" {
		ips = append(ips, net.ParseIP(cfg.AdvertiseAddress))
	}
	serving, err := ca.Issue(pki.Request{
		CommonName: "kube-apiserver",
		DNSNames: []string{"localhost", "kubernetes", "kubernetes.default", "kubernetes.default.svc",
			"kubernetes.default.svc.cluster.local"},
		IPs:    ips,
		Server: true,
	})
	if err != nil {
		return err
	}
	kubeletClient, err := ca.Issue(pki.Request{CommonName: "kube-apiserver-kubelet-client",
		Organization: []string{"system:masters"}, Client: true})
	if err != nil {
		return err
	}
	saKey, saPub, err := pki.ServiceAccountKey()
	if err != nil {
		return err
	}
	return pki.WriteFiles(c.PKIDir, map[string][]byte{
		"ca.crt":                       ca.CertPEM,
		"ca.key":                       ca.KeyPEM,
		"apiserver.crt":                serving.CertPEM,
		"apiserver.key":                serving.KeyPEM,
		"apiserver-kubelet-client.crt": kubeletClient.CertPEM,
		"apiserver-kubelet-client.key": kubeletClient.KeyPEM,
		"sa.key":                       saKey,
		"sa.pub":                       saPub,
	})
}

// writeKubeconfigs issues client certificates for the admin and the two
// controllers. The controllers' user names are the ones the API server's
// bootstrap RBAC policy grants their permissions to.
func (c *Cluster) writeKubeconfigs() error {
	caPEM, err := os.ReadFile(filepath.Join(c.PKIDir, "ca.crt"))
	if err != nil {
		return err
	}
	caKey, err := os.ReadFile(filepath.Join(c.PKIDir, "ca.key"))
	if err != nil {
		return err
	}
	ca, err := pki.LoadCA(caPEM, caKey)
	if err != nil {
		return err
	}
	users := []struct {
		file, user string
		groups     []string
		dir        string
	}{
		{"kubeconfig", "admin", []string{"system:masters"}, c.RunDir},
		{"controller-manager.kubeconfig", "system:kube-controller-manager", nil, c.PKIDir},
		{"scheduler.kubeconfig", "system:kube-scheduler", nil, c.PKIDir},
	}
	for _, u := range users {
		kp, err := ca.Issue(pki.Request{CommonName: u.user, Organization: u.groups, Client: true})
		if err != nil {
			return err
		}
		if u.file == "kubeconfig" {
			// The admin certificate also authenticates our readiness checks.
			if err := pki.WriteFiles(c.PKIDir, map[string][]byte{"admin.crt": kp.CertPEM, "admin.key": kp.KeyPEM}); err != nil {
				return err
			}
		}
		data, err := pki.Kubeconfig(c.APIServerURL, caPEM, u.user, kp)
		if err != nil {
			return err
		}
		if err := pki.WriteFiles(u.dir, map[string][]byte{u.file: data}); err != nil {
			return err
		}
	}
	c.Kubeconfig = KubeconfigPath(c.RunDir)
	return nil
}

func (c *Cluster) setupAdminTransport() error {
	caPEM, err := os.ReadFile(filepath.Join(c.PKIDir, "ca.crt"))
	if err != nil {
		return err
	}
	pool := x509.NewCertPool()
	if !pool.AppendCertsFromPEM(caPEM) {
		return errors.New("bad CA certificate")
	}
	cert, err := tls.LoadX509KeyPair(filepath.Join(c.PKIDir, "admin.crt"), filepath.Join(c.PKIDir, "admin.key"))
	if err != nil {
		return err
	}
	c.adminTransport = &http.Transport{TLSClientConfig: &tls.Config{RootCAs: pool, Certificates: []tls.Certificate{cert}}}
	return nil
}

// waitHTTP polls url until it answers 200, the process dies, or the timeout
// passes.
func (c *Cluster) waitHTTP(ctx context.Context, p *process, url string, rt http.RoundTripper, timeout time.Duration) error {
	client := &http.Client{Timeout: 5 * time.Second, Transport: rt}
	deadline := time.Now().Add(timeout)
	var last string
	for {
		if p.exited() {
			return fmt.Errorf("%s exited; last log lines:\n%s", p.name, logTail(c.RunDir, p.name, 30))
		}
		req, err := http.NewRequestWithContext(ctx, http.MethodGet, url, nil)
		if err != nil {
			return err
		}
		resp, err := client.Do(req)
		if err == nil {
			body, _ := io.ReadAll(io.LimitReader(resp.Body, 4096))
			resp.Body.Close()
			if resp.StatusCode == http.StatusOK {
				return nil
			}
			last = fmt.Sprintf("HTTP %d: %s", resp.StatusCode, strings.TrimSpace(string(body)))
		} else {
			last = err.Error()
		}
		if time.Now().After(deadline) {
			return fmt.Errorf("waiting for %s (%s): timed out after %s; last answer: %s", p.name, url, timeout, last)
		}
		select {
		case <-ctx.Done():
			return ctx.Err()
		case <-time.After(250 * time.Millisecond):
		}
	}
}

// Stop stops all components and removes the run directory.
func (c *Cluster) Stop() error {
	if err := stopAll(c.RunDir); err != nil {
		return err
	}
	for _, p := range c.procs {
		select {
		case <-p.done:
		case <-time.After(5 * time.Second):
		}
	}
	return os.RemoveAll(c.RunDir)
}

// StopRunDir stops a cluster that another process started in runDir (for
// `devcluster down`) and removes the directory.
func StopRunDir(runDir string) error {
	if err := stopAll(runDir); err != nil {
		return err
	}
	return os.RemoveAll(runDir)
}
