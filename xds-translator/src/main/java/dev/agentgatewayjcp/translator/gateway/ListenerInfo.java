package dev.agentgatewayjcp.translator.gateway;

import dev.agentgatewayjcp.translator.output.GatewayKey;
import java.util.List;

/**
 * ListenerInfo is what route attachment needs to know about one Gateway listener that survived
 * conflict detection.
 *
 * @param gateway the owning Gateway
 * @param name the listener name (the parentRef sectionName)
 * @param port the listener port
 * @param protocol the Gateway API protocol string as written
 * @param hostname the listener hostname, or null for any host
 * @param key the agentgateway Listener key, {@code <ns>/<gw>.<listener>}
 * @param programmed whether a Listener resource is emitted for it
 * @param namespaces the route namespaces it accepts
 * @param supportedKinds the route kinds it accepts, e.g. {@code HTTPRoute}
 */
public record ListenerInfo(
    GatewayKey gateway,
    String name,
    int port,
    String protocol,
    String hostname,
    String key,
    boolean programmed,
    AllowedNamespaces namespaces,
    List<String> supportedKinds) {

  public ListenerInfo {
    supportedKinds = List.copyOf(supportedKinds);
  }
}
