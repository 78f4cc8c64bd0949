/**
 * Gateway API status building blocks: condition lists stamped from the injected clock, and the
 * desired status of each object this controller owns.
 */
package dev.agentgatewayjcp.translator.status;
