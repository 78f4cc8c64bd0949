/**
 * Our own model of the Istio {@code security.istio.io} AuthorizationPolicy and
 * RequestAuthentication resources (v1, with v1beta1 read as v1), limited to the fields the
 * translator understands; any other field is kept in {@code unknownFields} so that the translator
 * can reject the policy instead of silently ignoring part of it.
 */
package dev.agentgatewayjcp.api.istio;
