package provider

import (
	"context"
	"crypto/tls"
	"fmt"
	"net"
	"net/http"
	"os/exec"
	"strconv"
	"time"

	"google.golang.org/grpc"
	"google.golang.org/grpc/credentials/insecure"
	healthpb "google.golang.org/grpc/health/grpc_health_v1"
	corev1 "k8s.io/api/core/v1"
	"k8s.io/apimachinery/pkg/util/intstr"
)

// probeLoop runs the container's readiness probe from the node (over the
// bridge, like a kubelet does) and flips the container's ready flag using
// the probe's success and failure thresholds.
func (p *Provider) probeLoop(ctx context.Context, pr *podRuntime, cr *containerRuntime) {
	probe := cr.spec.ReadinessProbe
	period := time.Duration(max(probe.PeriodSeconds, 1)) * time.Second
	timeout := time.Duration(max(probe.TimeoutSeconds, 1)) * time.Second
	successThreshold := int(max(probe.SuccessThreshold, 1))
	failureThreshold := int(max(probe.FailureThreshold, 1))
	select {
	case <-ctx.Done():
		return
	case <-time.After(time.Duration(probe.InitialDelaySeconds) * time.Second):
	}
	successes, failures := 0, 0
	for {
		err := p.probeOnce(ctx, pr, cr, probe, timeout)
		if err == nil {
			successes, failures = successes+1, 0
		} else {
			successes, failures = 0, failures+1
		}
		p.mu.Lock()
		was := cr.ready
		switch {
		case successes >= successThreshold:
			cr.ready = true
		case failures >= failureThreshold:
			cr.ready = false
		}
		now := cr.ready
		p.mu.Unlock()
		if was != now {
			p.changed(pr)
		}
		select {
		case <-ctx.Done():
			return
		case <-time.After(period):
		}
	}
}

func (p *Provider) probeOnce(ctx context.Context, pr *podRuntime, cr *containerRuntime, probe *corev1.Probe, timeout time.Duration) error {
	ctx, cancel := context.WithTimeout(ctx, timeout)
	defer cancel()
	host := p.cfg.NodeIP.String()
	if pr.ep != nil {
		host = pr.ep.IP.String()
	}
	switch {
	case probe.HTTPGet != nil:
		g := probe.HTTPGet
		port, err := resolvePort(g.Port, cr.spec)
		if err != nil {
			return err
		}
		if g.Host != "" {
			host = g.Host
		}
		scheme := "http"
		if g.Scheme == corev1.URISchemeHTTPS {
			scheme = "https"
		}
		req, err := http.NewRequestWithContext(ctx, http.MethodGet, fmt.Sprintf("%s://%s%s", scheme, net.JoinHostPort(host, strconv.Itoa(port)), g.Path), nil)
		if err != nil {
			return err
		}
		for _, h := range g.HTTPHeaders {
			req.Header.Add(h.Name, h.Value)
		}
		// Like the kubelet: probes do not verify certificates.
		client := &http.Client{Transport: &http.Transport{TLSClientConfig: &tls.Config{InsecureSkipVerify: true}}}
		resp, err := client.Do(req)
		if err != nil {
			return err
		}
		resp.Body.Close()
		if resp.StatusCode < 200 || resp.StatusCode >= 400 {
			return fmt.Errorf("HTTP probe returned %d", resp.StatusCode)
		}
		return nil
	case probe.TCPSocket != nil:
		port, err := resolvePort(probe.TCPSocket.Port, cr.spec)
		if err != nil {
			return err
		}
		var d net.Dialer
		conn, err := d.DialContext(ctx, "tcp", net.JoinHostPort(host, strconv.Itoa(port)))
		if err != nil {
			return err
		}
		return conn.Close()
	case probe.GRPC != nil:
		service := ""
		if probe.GRPC.Service != nil {
			service = *probe.GRPC.Service
		}
		return grpcHealthCheck(ctx, net.JoinHostPort(host, strconv.Itoa(int(probe.GRPC.Port))), service)
	case probe.Exec != nil && len(probe.Exec.Command) > 0:
		// There is no image filesystem: the command runs from the host
		// inside the pod's network namespace.
		args := probe.Exec.Command
		if pr.ep != nil {
			args = append([]string{"ip", "netns", "exec", pr.ep.NetNS}, args...)
		}
		return exec.CommandContext(ctx, args[0], args[1:]...).Run()
	default:
		return fmt.Errorf("unsupported probe type")
	}
}

func resolvePort(port intstr.IntOrString, c corev1.Container) (int, error) {
	if port.Type == intstr.Int {
		return port.IntValue(), nil
	}
	for _, p := range c.Ports {
		if p.Name == port.StrVal {
			return int(p.ContainerPort), nil
		}
	}
	return 0, fmt.Errorf("container %s has no port named %q", c.Name, port.StrVal)
}

// grpcHealthCheck asks the standard gRPC health service at addr about
// service, in plaintext as the kubelet does (gRPC probes have no TLS), and
// succeeds only for SERVING.
func grpcHealthCheck(ctx context.Context, addr, service string) error {
	conn, err := grpc.NewClient(addr, grpc.WithTransportCredentials(insecure.NewCredentials()))
	if err != nil {
		return err
	}
	defer conn.Close()
	resp, err := healthpb.NewHealthClient(conn).Check(ctx, &healthpb.HealthCheckRequest{Service: service})
	if err != nil {
		return fmt.Errorf("gRPC health check of %q at %s: %w", service, addr, err)
	}
	if resp.GetStatus() != healthpb.HealthCheckResponse_SERVING {
		return fmt.Errorf("gRPC health check of %q at %s: %s", service, addr, resp.GetStatus())
	}
	return nil
}
