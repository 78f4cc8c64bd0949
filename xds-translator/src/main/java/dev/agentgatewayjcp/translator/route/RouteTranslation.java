package dev.agentgatewayjcp.translator.route;

import dev.agentgatewayjcp.translator.input.ObjectRef;
import dev.agentgatewayjcp.translator.output.GatewayKey;
import dev.agentgatewayjcp.translator.output.XdsResource;
import io.fabric8.kubernetes.api.model.gatewayapi.v1.RouteParentStatus;
import java.util.List;
import java.util.Set;
import java.util.SortedMap;
import java.util.SortedSet;

/**
 * RouteTranslation is everything one HTTPRoute or GRPCRoute contributes: Route resources per
 * Gateway, the Service addresses they need, the listeners it is attached to and its parent
 * statuses.
 *
 * @param route the route object
 * @param resources Route resources per Gateway, each list sorted by xDS name
 * @param serviceAddresses per Gateway, the xDS names of the Service addresses its backends use
 * @param attachments the listeners that accepted the route
 * @param parents one status entry per distinct parentRef to one of our Gateways, in spec order
 */
public record RouteTranslation(
    ObjectRef route,
    SortedMap<GatewayKey, List<XdsResource>> resources,
    SortedMap<GatewayKey, SortedSet<String>> serviceAddresses,
    Set<ListenerAttachment> attachments,
    List<RouteParentStatus> parents) {

  /**
   * ListenerAttachment names one listener a route is attached to.
   *
   * @param gateway the Gateway
   * @param listener the listener name
   */
  public record ListenerAttachment(GatewayKey gateway, String listener)
      implements Comparable<ListenerAttachment> {
    @Override
    public int compareTo(ListenerAttachment o) {
      int c = gateway.compareTo(o.gateway);
      return c != 0 ? c : listener.compareTo(o.listener);
    }
  }

  public RouteTranslation {
    resources = java.util.Collections.unmodifiableSortedMap(resources);
    serviceAddresses = java.util.Collections.unmodifiableSortedMap(serviceAddresses);
    attachments = Set.copyOf(attachments);
    parents = List.copyOf(parents);
  }

  /** Whether the route names none of our Gateways, so it has no output and no status of ours. */
  public boolean isEmpty() {
    return parents.isEmpty();
  }
}
