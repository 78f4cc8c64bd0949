/**
 * Istio security policies on our Gateways: AuthorizationPolicy becomes agentgateway authorization
 * (CEL rule sets) and RequestAuthentication becomes agentgateway JWT authentication, both as
 * gateway-phase {@code Policy} resources targeting the Gateway.
 */
package dev.agentgatewayjcp.translator.policy;
