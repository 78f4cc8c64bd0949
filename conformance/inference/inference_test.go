//go:build conformance

package inference

import (
	"testing"

	"sigs.k8s.io/gateway-api-inference-extension/conformance"
)

// TestInferenceConformance runs the whole upstream suite (see doc.go).
func TestInferenceConformance(t *testing.T) {
	conformance.RunConformance(t)
}
