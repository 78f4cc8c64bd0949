// Package podnet gives every pod its own Linux network namespace with one
// veth interface on a shared bridge, so that pods have distinct, routable
// IP addresses and can all bind the same ports (echo-basic binds fixed
// ports). It drives iproute2 (`ip`) rather than netlink to stay small;
// every step is one command that can be replayed by hand when debugging.
package podnet

import (
	"bytes"
	"crypto/sha256"
	"encoding/binary"
	"encoding/hex"
	"fmt"
	"net"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"sync"
)

// NamePrefix starts every network namespace this package creates, so
// leftovers of a crashed run can be found and removed.
const NamePrefix = "agjcp-"

// Network is a bridge plus an address pool for pod interfaces.
type Network struct {
	Bridge  string
	Gateway net.IP // the bridge's address; also the node address
	subnet  *net.IPNet

	mu   sync.Mutex
	used map[uint32]bool
}

// LBPool returns the top 256 addresses of the pod network (never given
// to pods when the network has at least 1024 addresses), for
// LoadBalancer Services.
func (n *Network) LBPool() *net.IPNet {
	ones, bits := n.subnet.Mask.Size()
	size := uint32(1) << uint(bits-ones)
	return &net.IPNet{IP: addIP(n.subnet.IP, size-256), Mask: net.CIDRMask(24, 32)}
}

// Endpoint is one pod's network attachment.
type Endpoint struct {
	NetNS    string // name under /run/netns, usable with `ip netns exec`
	IP       net.IP
	HostVeth string
}

func run(args ...string) error {
	cmd := exec.Command("ip", args...)
	var errOut bytes.Buffer
	cmd.Stderr = &errOut
	if err := cmd.Run(); err != nil {
		return fmt.Errorf("ip %s: %v: %s", strings.Join(args, " "), err, strings.TrimSpace(errOut.String()))
	}
	return nil
}

// Setup creates (or reuses) the bridge with the first address of cidr.
func Setup(bridge, cidr string) (*Network, error) {
	ip, subnet, err := net.ParseCIDR(cidr)
	if err != nil {
		return nil, err
	}
	if ip.To4() == nil {
		return nil, fmt.Errorf("only IPv4 pod networks are supported: %s", cidr)
	}
	gw := addIP(subnet.IP.To4(), 1)
	ones, _ := subnet.Mask.Size()
	if _, err := net.InterfaceByName(bridge); err != nil {
		if err := run("link", "add", bridge, "type", "bridge"); err != nil {
			return nil, err
		}
	}
	if err := run("addr", "replace", fmt.Sprintf("%s/%d", gw, ones), "dev", bridge); err != nil {
		return nil, err
	}
	if err := run("link", "set", bridge, "up"); err != nil {
		return nil, err
	}
	return &Network{Bridge: bridge, Gateway: gw, subnet: subnet, used: map[uint32]bool{}}, nil
}

func addIP(base net.IP, n uint32) net.IP {
	v := binary.BigEndian.Uint32(base.To4()) + n
	out := make(net.IP, 4)
	binary.BigEndian.PutUint32(out, v)
	return out
}

func (n *Network) allocate() (net.IP, uint32, error) {
	n.mu.Lock()
	defer n.mu.Unlock()
	ones, bits := n.subnet.Mask.Size()
	size := uint32(1) << uint(bits-ones)
	limit := size - 1 // the last address is the broadcast
	if size >= 1024 {
		// The top 256 addresses are left for service and load-balancer
		// addresses (see LBPool).
		limit = size - 256
	}
	// .0 is the network, .1 the gateway.
	for i := uint32(2); i < limit; i++ {
		if !n.used[i] {
			n.used[i] = true
			return addIP(n.subnet.IP, i), i, nil
		}
	}
	return nil, 0, fmt.Errorf("pod network %s is full", n.subnet)
}

func (n *Network) release(ip net.IP) {
	n.mu.Lock()
	defer n.mu.Unlock()
	delete(n.used, binary.BigEndian.Uint32(ip.To4())-binary.BigEndian.Uint32(n.subnet.IP.To4()))
}

// shortID turns a pod key into a stable id short enough for interface
// names (at most 15 bytes).
func shortID(key string) string {
	sum := sha256.Sum256([]byte(key))
	return hex.EncodeToString(sum[:5])
}

// Attach creates the pod's namespace, moves one end of a veth pair into it
// as eth0 with a fresh address and a default route via the bridge, and
// plugs the other end into the bridge.
func (n *Network) Attach(podKey string) (ep *Endpoint, err error) {
	id := shortID(podKey)
	ip, _, err := n.allocate()
	if err != nil {
		return nil, err
	}
	ep = &Endpoint{NetNS: NamePrefix + id, IP: ip, HostVeth: "agv" + id}
	defer func() {
		if err != nil {
			n.Detach(ep)
		}
	}()
	ones, _ := n.subnet.Mask.Size()
	peer := "agp" + id
	steps := [][]string{
		{"netns", "add", ep.NetNS},
		{"link", "add", ep.HostVeth, "type", "veth", "peer", "name", peer},
		{"link", "set", peer, "netns", ep.NetNS},
		{"-n", ep.NetNS, "link", "set", peer, "name", "eth0"},
		{"-n", ep.NetNS, "addr", "add", fmt.Sprintf("%s/%d", ip, ones), "dev", "eth0"},
		{"-n", ep.NetNS, "link", "set", "eth0", "up"},
		{"-n", ep.NetNS, "link", "set", "lo", "up"},
		{"-n", ep.NetNS, "route", "add", "default", "via", n.Gateway.String()},
		{"link", "set", ep.HostVeth, "master", n.Bridge},
		{"link", "set", ep.HostVeth, "up"},
	}
	for _, s := range steps {
		if err := run(s...); err != nil {
			return ep, err
		}
	}
	return ep, nil
}

// Detach removes the pod's namespace (which also destroys its veth pair)
// and frees its address. Safe to call more than once.
func (n *Network) Detach(ep *Endpoint) {
	if ep == nil {
		return
	}
	_ = run("link", "del", ep.HostVeth)
	_ = run("netns", "del", ep.NetNS)
	_ = os.RemoveAll(filepath.Join("/etc/netns", ep.NetNS))
	if ep.IP != nil {
		n.release(ep.IP)
	}
}

// CleanupStale removes namespaces left behind by an earlier run that died
// without cleaning up.
func CleanupStale() {
	entries, _ := os.ReadDir("/run/netns")
	for _, e := range entries {
		if strings.HasPrefix(e.Name(), NamePrefix) {
			_ = run("netns", "del", e.Name())
			_ = os.RemoveAll(filepath.Join("/etc/netns", e.Name()))
		}
	}
}

// Teardown removes the bridge.
func (n *Network) Teardown() {
	_ = run("link", "del", n.Bridge)
}
