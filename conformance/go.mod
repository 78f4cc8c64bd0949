module github.com/agentgateway-jcp/agentgateway-jcp/conformance

go 1.26.0

require golang.org/x/mod v0.43.0

require sigs.k8s.io/gateway-api v1.6.3
