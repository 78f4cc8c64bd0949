package dev.agentgatewayjcp.translator.gateway;

import dev.agentgatewayjcp.translator.input.ObjectRef;
import dev.agentgatewayjcp.translator.output.GatewayKey;
import java.util.List;

/**
 * ListenerInfo is what route attachment needs to know about one listener of a Gateway, its own or
 * one of an attached ListenerSet's, that survived conflict detection.
 *
 * @param gateway the owning Gateway (for a ListenerSet listener, the ListenerSet's parent)
 * @param name the listener's slot on the Gateway, unique among all its listeners: the listener
 *     name for the Gateway's own, {@code <lsNs>/<lsName>.<listener>} for a ListenerSet's (a slash
 *     never occurs in a listener name, so the two never collide)
 * @param port the listener port
 * @param protocol the Gateway API protocol string as written
 * @param hostname the listener hostname, or null for any host
 * @param key the agentgateway Listener key, {@code <gwNs>/<gw>.<name>}
 * @param programmed whether a Listener resource is emitted for it
 * @param namespaces the route namespaces it accepts
 * @param supportedKinds the route kinds it accepts, e.g. {@code HTTPRoute}
 * @param sectionName the listener name as written (what a parentRef's sectionName names)
 * @param listenerSet the ListenerSet that declares it, or null for the Gateway's own listeners
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
    List<String> supportedKinds,
    String sectionName,
    ObjectRef listenerSet) {

  public ListenerInfo {
    supportedKinds = List.copyOf(supportedKinds);
  }

  /** The slot name of a ListenerSet's listener on its parent Gateway. */
  public static String slot(ObjectRef listenerSet, String listenerName) {
    return listenerSet.namespace() + "/" + listenerSet.name() + "." + listenerName;
  }
}
