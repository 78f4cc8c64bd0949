// Package coredns only pins CoreDNS, which the process node runs for the
// conformance suite's registry.k8s.io/coredns/coredns image (the suite's
// base manifests deploy one CoreDNS pod and wait for it to be Ready).
// It is a module of its own because CoreDNS brings its own Kubernetes
// client and cloud SDK versions. Build with:
//
//	go build -trimpath -ldflags='-s -w' -o <dir>/coredns github.com/coredns/coredns
package coredns
