// Package svcproxy stands in for kube-proxy and a cloud load balancer on
// the process node. For every Service it puts the ClusterIP (and, for type
// LoadBalancer, an address it assigns from a pool and writes into the
// Service status) onto the pod bridge as a local /32 address and runs a
// userspace TCP forwarder on each service port that spreads connections
// over the ready endpoints of the Service's EndpointSlices. Pods reach
// these addresses through their default route (the bridge address), the
// host reaches them directly. No iptables or nftables rules are needed.
package svcproxy

import (
	"context"
	"fmt"
	"io"
	"log"
	"net"
	"os/exec"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"time"

	corev1 "k8s.io/api/core/v1"
	discoveryv1 "k8s.io/api/discovery/v1"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/labels"
	"k8s.io/client-go/informers"
	"k8s.io/client-go/kubernetes"
	"k8s.io/client-go/tools/cache"
)

// Config configures the proxy.
type Config struct {
	Client kubernetes.Interface
	Device string // interface that carries the service addresses (the pod bridge)
	// LBPool is the range LoadBalancer addresses are assigned from.
	LBPool *net.IPNet
	// APIServer is the host:port the "kubernetes" Service forwards to; the
	// API server's endpoint reconciler is off because it only listens on
	// loopback, so that Service has no endpoints of its own.
	APIServer string
}

// Proxy is the running service proxy.
type Proxy struct {
	cfg       Config
	services  func() ([]*corev1.Service, error)
	service   func(namespace, name string) (*corev1.Service, error)
	slices    func(namespace, service string) ([]*discoveryv1.EndpointSlice, error)
	mu        sync.Mutex
	listeners map[string]*forwarder // "ip:port" -> forwarder
	addresses map[string]bool       // addresses added to the device
	lbAssign  map[string]string     // namespace/name -> assigned LB address
	kick      chan struct{}
}

// Run starts informers and reconciles until ctx ends.
func Run(ctx context.Context, cfg Config) (*Proxy, error) {
	f := informers.NewSharedInformerFactory(cfg.Client, 5*time.Minute)
	svcInf := f.Core().V1().Services()
	sliceInf := f.Discovery().V1().EndpointSlices()
	p := &Proxy{
		cfg:       cfg,
		listeners: map[string]*forwarder{},
		addresses: map[string]bool{},
		lbAssign:  map[string]string{},
		kick:      make(chan struct{}, 1),
	}
	p.services = func() ([]*corev1.Service, error) { return svcInf.Lister().List(labels.Everything()) }
	p.service = func(ns, name string) (*corev1.Service, error) { return svcInf.Lister().Services(ns).Get(name) }
	p.slices = func(ns, svc string) ([]*discoveryv1.EndpointSlice, error) {
		return sliceInf.Lister().EndpointSlices(ns).List(labels.SelectorFromSet(labels.Set{discoveryv1.LabelServiceName: svc}))
	}
	handler := cache.ResourceEventHandlerFuncs{
		AddFunc:    func(any) { p.trigger() },
		UpdateFunc: func(any, any) { p.trigger() },
		DeleteFunc: func(any) { p.trigger() },
	}
	if _, err := svcInf.Informer().AddEventHandler(handler); err != nil {
		return nil, err
	}
	if _, err := sliceInf.Informer().AddEventHandler(handler); err != nil {
		return nil, err
	}
	f.Start(ctx.Done())
	f.WaitForCacheSync(ctx.Done())
	go p.loop(ctx)
	return p, nil
}

func (p *Proxy) trigger() {
	select {
	case p.kick <- struct{}{}:
	default:
	}
}

func (p *Proxy) loop(ctx context.Context) {
	tick := time.NewTicker(30 * time.Second)
	defer tick.Stop()
	for {
		if err := p.sync(ctx); err != nil {
			log.Printf("svcproxy: %v", err)
		}
		select {
		case <-ctx.Done():
			p.closeAll()
			return
		case <-p.kick:
		case <-tick.C:
		}
	}
}

// ClusterIP returns a Service's cluster IP (for cluster DNS).
func (p *Proxy) ClusterIP(namespace, name string) (string, bool) {
	svc, err := p.service(namespace, name)
	if err != nil {
		return "", false
	}
	return svc.Spec.ClusterIP, true
}

// EndpointIPs returns the ready endpoint addresses of a Service (for
// headless Services in cluster DNS).
func (p *Proxy) EndpointIPs(namespace, name string) []string {
	slices, err := p.slices(namespace, name)
	if err != nil {
		return nil
	}
	var out []string
	for _, s := range slices {
		for _, e := range s.Endpoints {
			if e.Conditions.Ready != nil && !*e.Conditions.Ready {
				continue
			}
			out = append(out, e.Addresses...)
		}
	}
	return out
}

// backendsFor lists ready endpoint addresses for one service port.
func (p *Proxy) backendsFor(svc *corev1.Service, sp corev1.ServicePort) []string {
	if svc.Namespace == metav1.NamespaceDefault && svc.Name == "kubernetes" && p.cfg.APIServer != "" {
		return []string{p.cfg.APIServer}
	}
	slices, err := p.slices(svc.Namespace, svc.Name)
	if err != nil {
		return nil
	}
	var out []string
	for _, s := range slices {
		if s.AddressType != discoveryv1.AddressTypeIPv4 {
			continue
		}
		var port int32 = -1
		for _, ep := range s.Ports {
			if ep.Port != nil && (ep.Name == nil && sp.Name == "" || ep.Name != nil && *ep.Name == sp.Name) {
				port = *ep.Port
			}
		}
		if port < 0 {
			continue
		}
		for _, e := range s.Endpoints {
			if e.Conditions.Ready != nil && !*e.Conditions.Ready {
				continue
			}
			for _, a := range e.Addresses {
				out = append(out, net.JoinHostPort(a, strconv.Itoa(int(port))))
			}
		}
	}
	return out
}

func (p *Proxy) sync(ctx context.Context) error {
	svcs, err := p.services()
	if err != nil {
		return err
	}
	want := map[string][]string{} // ip:port -> backends
	wantAddr := map[string]bool{}
	// Free the load-balancer addresses of deleted Services or Services no
	// longer of type LoadBalancer, so a long suite run does not exhaust
	// the pool.
	lbServices := map[string]bool{}
	for _, svc := range svcs {
		if svc.Spec.Type == corev1.ServiceTypeLoadBalancer {
			lbServices[svc.Namespace+"/"+svc.Name] = true
		}
	}
	p.mu.Lock()
	for key := range p.lbAssign {
		if !lbServices[key] {
			delete(p.lbAssign, key)
		}
	}
	p.mu.Unlock()
	for _, svc := range svcs {
		var ips []string
		if ip := svc.Spec.ClusterIP; ip != "" && ip != corev1.ClusterIPNone {
			ips = append(ips, ip)
		}
		if svc.Spec.Type == corev1.ServiceTypeLoadBalancer {
			lb, err := p.ensureLoadBalancer(ctx, svc)
			if err != nil {
				log.Printf("svcproxy: load balancer for %s/%s: %v", svc.Namespace, svc.Name, err)
			} else {
				ips = append(ips, lb)
			}
		}
		for _, sp := range svc.Spec.Ports {
			if sp.Protocol != "" && sp.Protocol != corev1.ProtocolTCP {
				continue // UDP and SCTP are not proxied
			}
			backends := p.backendsFor(svc, sp)
			for _, ip := range ips {
				wantAddr[ip] = true
				want[net.JoinHostPort(ip, strconv.Itoa(int(sp.Port)))] = backends
			}
		}
	}

	p.mu.Lock()
	defer p.mu.Unlock()
	for ip := range wantAddr {
		if !p.addresses[ip] {
			if err := ipCmd("addr", "replace", ip+"/32", "dev", p.cfg.Device); err != nil {
				log.Printf("svcproxy: %v", err)
				continue
			}
			p.addresses[ip] = true
		}
	}
	for addr, backends := range want {
		fw, ok := p.listeners[addr]
		if !ok {
			fw, err = listen(addr)
			if err != nil {
				log.Printf("svcproxy: %v", err)
				continue
			}
			p.listeners[addr] = fw
		}
		fw.setBackends(backends)
	}
	for addr, fw := range p.listeners {
		if _, ok := want[addr]; !ok {
			fw.close()
			delete(p.listeners, addr)
		}
	}
	for ip := range p.addresses {
		if !wantAddr[ip] {
			_ = ipCmd("addr", "del", ip+"/32", "dev", p.cfg.Device)
			delete(p.addresses, ip)
		}
	}
	return nil
}

// ensureLoadBalancer assigns an address to a LoadBalancer Service (keeping
// one already in its status) and publishes it in the status.
func (p *Proxy) ensureLoadBalancer(ctx context.Context, svc *corev1.Service) (string, error) {
	key := svc.Namespace + "/" + svc.Name
	if want := svc.Spec.LoadBalancerIP; want != "" {
		return p.ensureRequestedAddress(ctx, svc, key, want)
	}
	for _, ing := range svc.Status.LoadBalancer.Ingress {
		if ip := net.ParseIP(ing.IP); ip != nil && p.cfg.LBPool.Contains(ip) {
			p.mu.Lock()
			p.lbAssign[key] = ing.IP
			p.mu.Unlock()
			return ing.IP, nil
		}
	}
	p.mu.Lock()
	ip, ok := p.lbAssign[key]
	if !ok {
		used := map[string]bool{}
		for _, v := range p.lbAssign {
			used[v] = true
		}
		base := p.cfg.LBPool.IP.To4()
		ones, bits := p.cfg.LBPool.Mask.Size()
		for i := 1; i < (1<<(bits-ones))-1; i++ {
			cand := net.IPv4(base[0], base[1], base[2], base[3]+byte(i)).String()
			if !used[cand] {
				ip = cand
				break
			}
		}
		if ip == "" {
			p.mu.Unlock()
			return "", fmt.Errorf("load balancer pool %s is exhausted", p.cfg.LBPool)
		}
		p.lbAssign[key] = ip
	}
	p.mu.Unlock()
	upd := svc.DeepCopy()
	upd.Status.LoadBalancer.Ingress = []corev1.LoadBalancerIngress{{IP: ip, IPMode: ptr(corev1.LoadBalancerIPModeVIP)}}
	if _, err := p.cfg.Client.CoreV1().Services(svc.Namespace).UpdateStatus(ctx, upd, metav1.UpdateOptions{}); err != nil {
		return "", err
	}
	return ip, nil
}

// ensureRequestedAddress honours spec.loadBalancerIP as cloud load balancers
// do: the address is assigned when it is in the pool and no other Service
// holds it; otherwise the Service gets no address at all (its status ingress
// is cleared), which is what the GatewayStaticAddresses scenario checks.
func (p *Proxy) ensureRequestedAddress(ctx context.Context, svc *corev1.Service, key, want string) (string, error) {
	ip := net.ParseIP(want)
	p.mu.Lock()
	taken := false
	for other, v := range p.lbAssign {
		if other != key && v == want {
			taken = true
		}
	}
	usable := ip != nil && ip.To4() != nil && p.cfg.LBPool.Contains(ip) && !taken
	if usable {
		p.lbAssign[key] = want
	} else {
		delete(p.lbAssign, key)
	}
	p.mu.Unlock()
	var ingress []corev1.LoadBalancerIngress
	if usable {
		ingress = []corev1.LoadBalancerIngress{{IP: want, IPMode: ptr(corev1.LoadBalancerIPModeVIP)}}
	}
	current := svc.Status.LoadBalancer.Ingress
	if len(current) != len(ingress) || (len(current) == 1 && current[0].IP != want) {
		upd := svc.DeepCopy()
		upd.Status.LoadBalancer.Ingress = ingress
		if _, err := p.cfg.Client.CoreV1().Services(svc.Namespace).UpdateStatus(ctx, upd, metav1.UpdateOptions{}); err != nil {
			return "", err
		}
	}
	if !usable {
		return "", fmt.Errorf("requested loadBalancerIP %s is not in the pool %s or is taken", want, p.cfg.LBPool)
	}
	return want, nil
}

func ptr[T any](v T) *T { return &v }

func (p *Proxy) closeAll() {
	p.mu.Lock()
	defer p.mu.Unlock()
	for addr, fw := range p.listeners {
		fw.close()
		delete(p.listeners, addr)
	}
}

func ipCmd(args ...string) error {
	out, err := exec.Command("ip", args...).CombinedOutput()
	if err != nil {
		return fmt.Errorf("ip %s: %v: %s", strings.Join(args, " "), err, strings.TrimSpace(string(out)))
	}
	return nil
}

// forwarder accepts on one service address and copies each connection to
// one backend, picked round-robin.
type forwarder struct {
	l        net.Listener
	mu       sync.Mutex
	backends []string
	next     atomic.Uint64
}

func listen(addr string) (*forwarder, error) {
	l, err := net.Listen("tcp", addr)
	if err != nil {
		return nil, err
	}
	fw := &forwarder{l: l}
	go fw.serve()
	return fw, nil
}

func (f *forwarder) setBackends(b []string) {
	f.mu.Lock()
	f.backends = b
	f.mu.Unlock()
}

func (f *forwarder) close() { _ = f.l.Close() }

func (f *forwarder) serve() {
	for {
		conn, err := f.l.Accept()
		if err != nil {
			return
		}
		go f.handle(conn)
	}
}

func (f *forwarder) handle(in net.Conn) {
	defer in.Close()
	f.mu.Lock()
	backends := f.backends
	f.mu.Unlock()
	if len(backends) == 0 {
		return // no ready endpoint: refuse like kube-proxy's reject rule
	}
	start := int(f.next.Add(1))
	var out net.Conn
	var err error
	// Try each backend once, starting at the round-robin position.
	for i := 0; i < len(backends); i++ {
		out, err = net.DialTimeout("tcp", backends[(start+i)%len(backends)], 5*time.Second)
		if err == nil {
			break
		}
	}
	if err != nil {
		return
	}
	defer out.Close()
	done := make(chan struct{}, 2)
	pipe := func(dst, src net.Conn) {
		_, _ = io.Copy(dst, src)
		if c, ok := dst.(*net.TCPConn); ok {
			_ = c.CloseWrite()
		}
		done <- struct{}{}
	}
	go pipe(out, in)
	go pipe(in, out)
	<-done
	<-done
}
