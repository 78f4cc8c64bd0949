// Package inference runs the upstream Gateway API Inference Extension
// conformance suite (sigs.k8s.io/gateway-api-inference-extension/conformance,
// unmodified) against the cluster in KUBECONFIG. It is a module of its own so
// that the inference extension's dependencies do not move the versions the
// Gateway API suite in ../suite is built with, and it is behind the
// "conformance" build tag so that a plain `go test ./...` does not start it.
// It keeps sigs.k8s.io/gateway-api at v1.6.1, the version the inference suite
// requires: with v1.6.3 the suite cannot write its report ("the test suite is
// currently running"), and the cluster gets v1.6.1 CRDs for this suite
// because the suite refuses CRDs of another version.
//
//	KUBECONFIG=... go test -tags conformance -count=1 -v . -args \
//	  -gateway-class=<our class> -report-output=<file> ...
//
// conformance/scripts/run-inference-suite.sh sets everything up.
package inference
