/**
 * Read-only access to the Kubernetes objects translation consumes: the {@link
 * dev.agentgatewayjcp.translator.input.InputView} contract, an in-memory implementation fed from
 * YAML, and the {@link dev.agentgatewayjcp.translator.input.TranslationContext} through which every
 * translator reads.
 */
package dev.agentgatewayjcp.translator.input;
