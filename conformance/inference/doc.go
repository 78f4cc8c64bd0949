// Package inference runs the upstream Gateway API Inference Extension
// conformance suite (sigs.k8s.io/gateway-api-inference-extension/conformance,
// unmodified) against the cluster in KUBECONFIG. It is a module of its own so
// that the inference extension's dependencies do not move the versions the
// Gateway API suite in ../suite is built with, and it is behind the
// "conformance" build tag so that a plain `go test ./...` does not start it.
//
// Two releases of the suite can run, one module file each:
//
//   - go.mod: v1.5.0, the default. Its manifests deploy the full endpoint
//     picker (registry.k8s.io/gateway-api-inference-extension/epp), which the
//     module also declares as a tool so that the binary is built from the
//     same release. The suite needs sigs.k8s.io/gateway-api v1.5.1 and
//     refuses Gateway API CRDs of another version.
//   - gie-v1.6.0.mod (pass -modfile=gie-v1.6.0.mod): v1.6.0, whose manifests
//     deploy the lightweight picker (lwepp). It keeps sigs.k8s.io/gateway-api
//     at v1.6.1, the version that suite requires: with v1.6.3 it cannot write
//     its report ("the test suite is currently running").
//
//	KUBECONFIG=... go test -tags conformance -count=1 -v . -args \
//	  -gateway-class=<our class> -report-output=<file> ...
//
// conformance/scripts/run-inference-suite.sh sets everything up.
package inference
