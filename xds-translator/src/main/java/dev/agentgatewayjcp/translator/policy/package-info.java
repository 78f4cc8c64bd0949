/**
 * Policy translation: BackendTLSPolicy to agentgateway backend TLS Policies, placed on the
 * Gateways whose routes use the targeted Service, with ancestor statuses.
 */
package dev.agentgatewayjcp.translator.policy;
