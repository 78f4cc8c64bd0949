package dev.agentgatewayjcp.translator.gateway;

import dev.agentgatewayjcp.translator.input.ObjectRef;
import dev.agentgatewayjcp.translator.output.GatewayKey;
import dev.agentgatewayjcp.translator.output.XdsResource;
import io.fabric8.kubernetes.api.model.Condition;
import io.fabric8.kubernetes.api.model.gatewayapi.v1.GatewayStatus;
import io.fabric8.kubernetes.api.model.gatewayapi.v1.GatewayStatusAddress;
import io.fabric8.kubernetes.api.model.gatewayapi.v1.ListenerEntryStatus;
import io.fabric8.kubernetes.api.model.gatewayapi.v1.ListenerSetStatus;
import io.fabric8.kubernetes.api.model.gatewayapi.v1.ListenerStatus;
import io.fabric8.kubernetes.api.model.gatewayapi.v1.RouteGroupKind;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * GatewayTranslation is the result of translating one Gateway: its Bind and Listener resources,
 * the listeners routes may attach to, and its status and its ListenerSets' up to the route counts.
 *
 * @param gateway the Gateway
 * @param resources Bind and Listener resources, sorted by xDS name
 * @param listeners listeners that survived conflict detection, in spec order
 * @param conditions the Gateway's own conditions
 * @param addresses the Gateway's status addresses
 * @param listenerStatuses one draft per spec listener, in spec order
 * @param listenerSets one draft per ListenerSet naming the Gateway, in attachment order
 * @param backendClientCertificate the certificate and key its proxies present to TLS backends
 *     ({@code spec.tls.backend.clientCertificateRef}), or null
 * @param listenersByOwner {@code listeners} grouped by the ListenerSet that declares them (the
 *     null key: the Gateway's own), in spec order; derived, so that resolving a route's parent
 *     does not scan thousands of ListenerSet listeners
 * @param listenerSetsByRef {@code listenerSets} by ListenerSet; derived likewise
 */
public record GatewayTranslation(
    GatewayKey gateway,
    List<XdsResource> resources,
    List<ListenerInfo> listeners,
    List<Condition> conditions,
    List<GatewayStatusAddress> addresses,
    List<ListenerStatusDraft> listenerStatuses,
    List<ListenerSetDraft> listenerSets,
    CertificateResolver.Resolved backendClientCertificate,
    Map<ObjectRef, List<ListenerInfo>> listenersByOwner,
    Map<ObjectRef, ListenerSetDraft> listenerSetsByRef) {

  /** A translation whose indexes are derived from its lists. */
  public GatewayTranslation(
      GatewayKey gateway,
      List<XdsResource> resources,
      List<ListenerInfo> listeners,
      List<Condition> conditions,
      List<GatewayStatusAddress> addresses,
      List<ListenerStatusDraft> listenerStatuses,
      List<ListenerSetDraft> listenerSets,
      CertificateResolver.Resolved backendClientCertificate) {
    this(gateway, resources, listeners, conditions, addresses, listenerStatuses, listenerSets,
        backendClientCertificate, byOwner(listeners), byRef(listenerSets));
  }

  private static Map<ObjectRef, List<ListenerInfo>> byOwner(List<ListenerInfo> listeners) {
    Map<ObjectRef, List<ListenerInfo>> out = new java.util.HashMap<>();
    for (ListenerInfo l : listeners) {
      out.computeIfAbsent(l.listenerSet(), k -> new ArrayList<>()).add(l);
    }
    out.replaceAll((k, v) -> List.copyOf(v));
    return java.util.Collections.unmodifiableMap(out);
  }

  private static Map<ObjectRef, ListenerSetDraft> byRef(List<ListenerSetDraft> listenerSets) {
    Map<ObjectRef, ListenerSetDraft> out = new java.util.HashMap<>();
    for (ListenerSetDraft ls : listenerSets) {
      out.putIfAbsent(ls.listenerSet(), ls);
    }
    return java.util.Collections.unmodifiableMap(out);
  }

  /** The listeners a ListenerSet declares (null: the Gateway's own), in spec order. */
  public List<ListenerInfo> listenersOf(ObjectRef listenerSet) {
    return listenersByOwner.getOrDefault(listenerSet, List.of());
  }

  /**
   * ListenerSetDraft is the status of one ListenerSet naming the Gateway, without route counts.
   *
   * @param listenerSet the ListenerSet
   * @param conditions its own conditions
   * @param listeners one draft per listener, in spec order (empty when it is not admitted)
   * @param attached whether it counts in the Gateway's {@code attachedListenerSets}
   */
  public record ListenerSetDraft(
      ObjectRef listenerSet,
      List<Condition> conditions,
      List<ListenerStatusDraft> listeners,
      boolean attached) {
    public ListenerSetDraft {
      conditions = List.copyOf(conditions);
      listeners = List.copyOf(listeners);
    }

    /** The full status, given the number of routes attached to each listener slot. */
    public ListenerSetStatus status(Map<String, Integer> attachedRoutes) {
      List<ListenerEntryStatus> entries = new ArrayList<>();
      for (ListenerStatusDraft draft : listeners) {
        ListenerEntryStatus ls = new ListenerEntryStatus();
        ls.setName(draft.name());
        ls.setSupportedKinds(new ArrayList<>(draft.supportedKinds()));
        ls.setAttachedRoutes(attachedRoutes.getOrDefault(ListenerInfo.slot(listenerSet, draft.name()), 0));
        ls.setConditions(new ArrayList<>(draft.conditions()));
        entries.add(ls);
      }
      ListenerSetStatus status = new ListenerSetStatus();
      status.setConditions(new ArrayList<>(conditions));
      status.setListeners(entries);
      return status;
    }
  }

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
    listenerSets = List.copyOf(listenerSets);
  }

  /** Whether a ListenerSet's listeners are part of this Gateway (it is admitted). */
  public boolean attaches(ObjectRef listenerSet) {
    ListenerSetDraft ls = listenerSetsByRef.get(listenerSet);
    return ls != null && (!ls.listeners().isEmpty() || ls.attached());
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
    int attachedSets = (int) listenerSets.stream().filter(ListenerSetDraft::attached).count();
    // Only a Gateway that admits ListenerSets reports the count, so other Gateways' status
    // keeps its shape.
    if (attachedSets > 0 || !listenerSets.isEmpty()) {
      status.setAttachedListenerSets(attachedSets);
    }
    return status;
  }
}
