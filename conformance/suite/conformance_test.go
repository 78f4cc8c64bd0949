//go:build conformance

// Package suite runs the upstream Gateway API conformance suite
// (sigs.k8s.io/gateway-api/conformance, unmodified) against the cluster in
// KUBECONFIG. It is behind the "conformance" build tag so that a plain
// `go test ./...` does not start it.
//
//	KUBECONFIG=$(go run ./cmd/devcluster up -node) \
//	go test -tags conformance -count=1 -timeout 90m -v ./suite -args \
//	  -gateway-class=<our class> -report-output=<file> -organization=... ...
//
// Every upstream flag works (see the package sigs.k8s.io/gateway-api/
// conformance/utils/flags). Feature inference from the GatewayClass status
// stays on unless features are given explicitly.
package suite

import (
	"testing"

	"sigs.k8s.io/gateway-api/conformance"
	confsuite "sigs.k8s.io/gateway-api/conformance/utils/suite"
)

// defaultProfiles are the profiles issue 4 asks for; -conformance-profiles
// overrides them.
var defaultProfiles = []confsuite.ConformanceProfileName{
	confsuite.GatewayHTTPConformanceProfileName,
	confsuite.GatewayGRPCConformanceProfileName,
	confsuite.GatewayTLSConformanceProfileName,
	confsuite.GatewayTCPConformanceProfileName,
}

func TestConformance(t *testing.T) {
	opts := conformance.DefaultOptions(t)
	if len(opts.ConformanceProfiles) == 0 {
		opts.ConformanceProfiles = defaultProfiles
	}
	conformance.RunConformanceWithOptions(t, opts)
}
