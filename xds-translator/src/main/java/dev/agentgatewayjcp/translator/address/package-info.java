/** Service and EndpointSlice translation into {@code istio.workload.Address} entries. */
package dev.agentgatewayjcp.translator.address;
