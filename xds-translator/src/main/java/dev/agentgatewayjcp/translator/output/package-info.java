/**
 * What translation produces for the xDS server: immutable, content-versioned resources and the
 * Gateway each proxy view belongs to.
 *
 * <p>Everything here is pure and immutable, so translation threads and gRPC threads can share
 * instances without locks.
 */
package dev.agentgatewayjcp.translator.output;
