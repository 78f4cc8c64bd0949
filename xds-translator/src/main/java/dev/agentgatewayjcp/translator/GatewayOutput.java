package dev.agentgatewayjcp.translator;

import dev.agentgatewayjcp.translator.output.GatewayKey;
import dev.agentgatewayjcp.translator.output.XdsResource;
import java.util.List;

/**
 * GatewayOutput is what the proxies of one Gateway receive: its agentgateway Resources and the
 * Address entries its routes resolve, each sorted by xDS name.
 *
 * @param gateway the Gateway
 * @param resources Bind, Listener and Route resources (type {@code agentgateway.dev.resource.Resource})
 * @param addresses Service and Workload entries (type {@code istio.workload.Address})
 */
public record GatewayOutput(GatewayKey gateway, List<XdsResource> resources, List<XdsResource> addresses) {

  public GatewayOutput {
    resources = List.copyOf(resources);
    addresses = List.copyOf(addresses);
  }
}
