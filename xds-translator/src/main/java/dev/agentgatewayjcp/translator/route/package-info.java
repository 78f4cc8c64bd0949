/**
 * HTTPRoute and GRPCRoute translation: parent attachment, matches, filters, backends, precedence
 * keys and route parent status.
 */
package dev.agentgatewayjcp.translator.route;
