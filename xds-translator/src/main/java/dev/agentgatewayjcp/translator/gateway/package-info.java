/** GatewayClass and Gateway translation: Binds, Listeners, listener validation and status. */
package dev.agentgatewayjcp.translator.gateway;
