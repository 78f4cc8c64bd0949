package dev.agentgatewayjcp.controller.xds;

import dev.agentgatewayjcp.translator.output.GatewayKey;

/**
 * ProxyIdentity is who a connected proxy says it is, read from its xDS node.
 *
 * @param gateway the Gateway whose configuration the proxy receives
 * @param nodeId the node id, e.g. {@code agentgateway~10.0.0.5~gw-abc.ns~ns.svc.cluster.local}
 * @param podName metadata {@code NAME} (empty when the proxy runs without POD_NAME)
 * @param instanceIps metadata {@code INSTANCE_IPS}
 */
public record ProxyIdentity(GatewayKey gateway, String nodeId, String podName, String instanceIps) {

  @Override
  public String toString() {
    return gateway + (podName.isEmpty() ? "" : "/" + podName);
  }
}
