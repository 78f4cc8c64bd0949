package provider

import (
	"context"
	"net"
	"testing"
	"time"

	"google.golang.org/grpc"
	"google.golang.org/grpc/health"
	healthpb "google.golang.org/grpc/health/grpc_health_v1"
)

// A real gRPC health server: the probe passes only while the named service
// is SERVING, and fails for a service the server does not know.
func TestGRPCHealthCheck(t *testing.T) {
	lis, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	srv := grpc.NewServer()
	hs := health.NewServer()
	healthpb.RegisterHealthServer(srv, hs)
	go srv.Serve(lis)
	defer srv.Stop()
	addr := lis.Addr().String()
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()

	hs.SetServingStatus("inference-extension", healthpb.HealthCheckResponse_SERVING)
	if err := grpcHealthCheck(ctx, addr, "inference-extension"); err != nil {
		t.Errorf("serving service: %v", err)
	}
	hs.SetServingStatus("inference-extension", healthpb.HealthCheckResponse_NOT_SERVING)
	if err := grpcHealthCheck(ctx, addr, "inference-extension"); err == nil {
		t.Error("a NOT_SERVING service passed")
	}
	if err := grpcHealthCheck(ctx, addr, "unknown"); err == nil {
		t.Error("an unknown service passed")
	}
	// The empty service name is the server as a whole, SERVING by default.
	if err := grpcHealthCheck(ctx, addr, ""); err != nil {
		t.Errorf("server health: %v", err)
	}
}
