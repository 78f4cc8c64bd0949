/** Resolution of route backend references to agentgateway backend references. */
package dev.agentgatewayjcp.translator.backend;
