/**
 * Policy translation. Istio security policies on our Gateways: AuthorizationPolicy becomes
 * agentgateway authorization (CEL rule sets) and RequestAuthentication becomes agentgateway JWT
 * authentication, both as gateway-phase {@code Policy} resources targeting the Gateway.
 * BackendTLSPolicy becomes agentgateway backend TLS Policies, placed on the Gateways whose routes
 * use the targeted Service, with ancestor statuses.
 */
package dev.agentgatewayjcp.translator.policy;
