/**
 * The translator's entry point: {@link dev.agentgatewayjcp.translator.Translator} turns an input
 * view into per-Gateway agentgateway resources, Address entries, desired statuses and
 * diagnostics.
 */
package dev.agentgatewayjcp.translator;
