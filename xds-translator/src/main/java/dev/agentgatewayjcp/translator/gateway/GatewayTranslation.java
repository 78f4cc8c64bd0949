package dev.agentgatewayjcp.translator.gateway;

import dev.agentgatewayjcp.translator.output.GatewayKey;
import dev.agentgatewayjcp.translator.output.XdsResource;
import io.fabric8.kubernetes.api.model.Condition;
import io.fabric8.kubernetes.api.model.gatewayapi.v1.GatewayStatus;
import io.fabric8.kubernetes.api.model.gatewayapi.v1.GatewayStatusAddress;
import io.fabric8.kubernetes.api.model.gatewayapi.v1.ListenerStatus;
import io.fabric8.kubernetes.api.model.gatewayapi.v1.RouteGroupKind;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * GatewayTranslation is the result of translating one Gateway: its Bind and Listener resources,
 * the listeners routes may attach to, and its status up to the route counts.
 *
 * @param gateway the Gateway
 * @param resources Bind and Listener resources, sorted by xDS name
 * @param listeners listeners that survived conflict detection, in spec order
 * @param conditions the Gateway's own conditions
 * @param addresses the Gateway's status addresses
 * @param listenerStatuses one draft per spec listener, in spec order
 */
public record GatewayTranslation(
    GatewayKey gateway,
    List<XdsResource> resources,
    List<ListenerInfo> listeners,
    List<Condition> conditions,
    List<GatewayStatusAddress> addresses,
    List<ListenerStatusDraft> listenerStatuses) {

  /**
   * ListenerStatusDraft is a listener's status without its attached-route count.
   *
   * @param name the listener name
   * @param supportedKinds the route kinds it supports
   * @param conditions its conditions
   */
  public record ListenerStatusDraft(
      String name, List<RouteGroupKind> supportedKinds, List<Condition> conditions) {
    public ListenerStatusDraft {
      supportedKinds = List.copyOf(supportedKinds);
      conditions = List.copyOf(conditions);
    }
  }

  public GatewayTranslation {
    resources = List.copyOf(resources);
    listeners = List.copyOf(listeners);
    conditions = List.copyOf(conditions);
    addresses = List.copyOf(addresses);
    listenerStatuses = List.copyOf(listenerStatuses);
  }

  /** The full Gateway status, given the number of routes attached to each listener by name. */
  public GatewayStatus status(Map<String, Integer> attachedRoutes) {
    List<ListenerStatus> listeners = new ArrayList<>();
    for (ListenerStatusDraft draft : listenerStatuses) {
      ListenerStatus ls = new ListenerStatus();
      ls.setName(draft.name());
      ls.setSupportedKinds(new ArrayList<>(draft.supportedKinds()));
      ls.setAttachedRoutes(attachedRoutes.getOrDefault(draft.name(), 0));
      ls.setConditions(new ArrayList<>(draft.conditions()));
      listeners.add(ls);
    }
    GatewayStatus status = new GatewayStatus();
    status.setConditions(new ArrayList<>(conditions));
    status.setAddresses(new ArrayList<>(addresses));
    status.setListeners(listeners);
    return status;
  }
}
