// Package clusterdns answers the cluster.local names pods use to find
// Services (<service>.<namespace>.svc.cluster.local, plus the search-path
// short forms resolved by the pod's resolver) and pod names of the form
// <a-b-c-d>.<namespace>.pod.cluster.local. It serves UDP and TCP on the
// node address; pods get it as their only nameserver. Names outside
// cluster.local are refused: the machine has no upstream resolver to
// forward to.
package clusterdns

import (
	"encoding/binary"
	"io"
	"log"
	"net"
	"strings"

	"golang.org/x/net/dns/dnsmessage"
)

// Domain is the cluster domain.
const Domain = "cluster.local"

// Resolver looks up Services. ClusterIP returns the service's cluster IP
// ("None" for headless services), EndpointIPs the ready endpoint
// addresses; found is false when the Service does not exist.
type Resolver interface {
	ClusterIP(namespace, name string) (ip string, found bool)
	EndpointIPs(namespace, name string) []string
}

// Server is a running DNS server.
type Server struct {
	r   Resolver
	udp net.PacketConn
	tcp net.Listener
}

// Start listens on addr (host:53) for UDP and TCP.
func Start(addr string, r Resolver) (*Server, error) {
	udp, err := net.ListenPacket("udp", addr)
	if err != nil {
		return nil, err
	}
	tcp, err := net.Listen("tcp", addr)
	if err != nil {
		udp.Close()
		return nil, err
	}
	s := &Server{r: r, udp: udp, tcp: tcp}
	go s.serveUDP()
	go s.serveTCP()
	return s, nil
}

// Close stops the server.
func (s *Server) Close() {
	s.udp.Close()
	s.tcp.Close()
}

func (s *Server) serveUDP() {
	buf := make([]byte, 4096)
	for {
		n, from, err := s.udp.ReadFrom(buf)
		if err != nil {
			return
		}
		if resp := s.answer(buf[:n]); resp != nil {
			_, _ = s.udp.WriteTo(resp, from)
		}
	}
}

func (s *Server) serveTCP() {
	for {
		c, err := s.tcp.Accept()
		if err != nil {
			return
		}
		go func(c net.Conn) {
			defer c.Close()
			for {
				var l [2]byte
				if _, err := io.ReadFull(c, l[:]); err != nil {
					return
				}
				msg := make([]byte, binary.BigEndian.Uint16(l[:]))
				if _, err := io.ReadFull(c, msg); err != nil {
					return
				}
				resp := s.answer(msg)
				if resp == nil {
					return
				}
				binary.BigEndian.PutUint16(l[:], uint16(len(resp)))
				if _, err := c.Write(append(l[:], resp...)); err != nil {
					return
				}
			}
		}(c)
	}
}

// answer builds the response to one query message (nil to drop it).
func (s *Server) answer(query []byte) []byte {
	var p dnsmessage.Parser
	hdr, err := p.Start(query)
	if err != nil {
		return nil
	}
	q, err := p.Question()
	if err != nil {
		return nil
	}
	resp := dnsmessage.Message{
		Header: dnsmessage.Header{ID: hdr.ID, Response: true, Authoritative: true,
			RecursionDesired: hdr.RecursionDesired, RCode: dnsmessage.RCodeSuccess},
		Questions: []dnsmessage.Question{q},
	}
	name := strings.ToLower(strings.TrimSuffix(q.Name.String(), "."))
	ips, known := s.lookup(name)
	switch {
	case !strings.HasSuffix(name, "."+Domain):
		resp.Header.RCode = dnsmessage.RCodeRefused
		resp.Header.Authoritative = false
	case !known:
		resp.Header.RCode = dnsmessage.RCodeNameError
	case q.Type == dnsmessage.TypeA || q.Type == dnsmessage.TypeALL:
		for _, ip := range ips {
			v4 := net.ParseIP(ip).To4()
			if v4 == nil {
				continue
			}
			var a dnsmessage.AResource
			copy(a.A[:], v4)
			resp.Answers = append(resp.Answers, dnsmessage.Resource{
				Header: dnsmessage.ResourceHeader{Name: q.Name, Type: dnsmessage.TypeA, Class: dnsmessage.ClassINET, TTL: 5},
				Body:   &a,
			})
		}
	}
	// Other types for known names (AAAA, ...): NOERROR without answers,
	// so resolvers fall back to the A records instead of failing.
	out, err := resp.Pack()
	if err != nil {
		log.Printf("clusterdns: packing answer for %s: %v", name, err)
		return nil
	}
	return out
}

// lookup resolves a lower-case name without the trailing dot.
func (s *Server) lookup(name string) ([]string, bool) {
	rest, ok := strings.CutSuffix(name, "."+Domain)
	if !ok {
		return nil, false
	}
	labels := strings.Split(rest, ".")
	switch {
	case len(labels) == 3 && labels[2] == "svc":
		ip, found := s.r.ClusterIP(labels[1], labels[0])
		if !found {
			return nil, false
		}
		if ip == "None" || ip == "" {
			return s.r.EndpointIPs(labels[1], labels[0]), true
		}
		return []string{ip}, true
	case len(labels) == 3 && labels[2] == "pod":
		ip := net.ParseIP(strings.ReplaceAll(labels[0], "-", "."))
		if ip == nil || ip.To4() == nil {
			return nil, false
		}
		return []string{ip.String()}, true
	}
	return nil, false
}
