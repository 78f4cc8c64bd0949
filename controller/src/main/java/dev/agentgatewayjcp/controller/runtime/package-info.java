/** Wires sources, the translation loop, the xDS server and the admin endpoints into a running control plane. */
package dev.agentgatewayjcp.controller.runtime;
