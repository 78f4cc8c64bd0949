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
 */
public final class GatewayTranslation {

  private final GatewayKey gateway;
  private final List<XdsResource> resources;
  private final List<ListenerInfo> listeners;
  private final List<Condition> conditions;
  private final List<GatewayStatusAddress> addresses;
  private final List<ListenerStatusDraft> listenerStatuses;
  private final List<ListenerSetDraft> listenerSets;
  private final CertificateResolver.Resolved backendClientCertificate;
  // Derived from the lists above and left out of equality: resolving a route's parent looks up
  // its ListenerSet's listeners instead of scanning thousands of them.
  private final Map<ObjectRef, List<ListenerInfo>> listenersByOwner;
  private final Map<ObjectRef, ListenerSetDraft> listenerSetsByRef;

  /**
   * A Gateway's translation.
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
   */
  public GatewayTranslation(
      GatewayKey gateway,
      List<XdsResource> resources,
      List<ListenerInfo> listeners,
      List<Condition> conditions,
      List<GatewayStatusAddress> addresses,
      List<ListenerStatusDraft> listenerStatuses,
      List<ListenerSetDraft> listenerSets,
      CertificateResolver.Resolved backendClientCertificate) {
    this.gateway = gateway;
    this.resources = List.copyOf(resources);
    this.listeners = List.copyOf(listeners);
    this.conditions = List.copyOf(conditions);
    this.addresses = List.copyOf(addresses);
    this.listenerStatuses = List.copyOf(listenerStatuses);
    this.listenerSets = List.copyOf(listenerSets);
    this.backendClientCertificate = backendClientCertificate;
    this.listenersByOwner = byOwner(this.listeners);
    this.listenerSetsByRef = byRef(this.listenerSets);
  }

  public GatewayKey gateway() {
    return gateway;
  }

  public List<XdsResource> resources() {
    return resources;
  }

  public List<ListenerInfo> listeners() {
    return listeners;
  }

  public List<Condition> conditions() {
    return conditions;
  }

  public List<GatewayStatusAddress> addresses() {
    return addresses;
  }

  public List<ListenerStatusDraft> listenerStatuses() {
    return listenerStatuses;
  }

  public List<ListenerSetDraft> listenerSets() {
    return listenerSets;
  }

  public CertificateResolver.Resolved backendClientCertificate() {
    return backendClientCertificate;
  }

  @Override
  public boolean equals(Object o) {
    return o instanceof GatewayTranslation t
        && gateway.equals(t.gateway)
        && resources.equals(t.resources)
        && listeners.equals(t.listeners)
        && conditions.equals(t.conditions)
        && addresses.equals(t.addresses)
        && listenerStatuses.equals(t.listenerStatuses)
        && listenerSets.equals(t.listenerSets)
        && java.util.Objects.equals(backendClientCertificate, t.backendClientCertificate);
  }

  @Override
  public int hashCode() {
    return java.util.Objects.hash(gateway, resources, listeners, conditions, addresses, listenerStatuses,
        listenerSets, backendClientCertificate);
  }

  @Override
  public String toString() {
    return "GatewayTranslation[" + gateway + ", " + resources.size() + " resources, " + listeners.size() + " listeners]";
  }

  private static Map<ObjectRef, List<ListenerInfo>> byOwner(List<ListenerInfo> listeners) {
    Map<ObjectRef, List<ListenerInfo>> out = new java.util.HashMap<>();
    for (ListenerInfo l : listeners) {
      out.computeIfAbsent(l.listenerSet(), k -> new ArrayList<>()).add(l);
    }
    out.replaceAll((k, v) -> List.copyOf(v));
    return out;
  }

  private static Map<ObjectRef, ListenerSetDraft> byRef(List<ListenerSetDraft> listenerSets) {
    Map<ObjectRef, ListenerSetDraft> out = new java.util.HashMap<>();
    for (ListenerSetDraft ls : listenerSets) {
      out.putIfAbsent(ls.listenerSet(), ls);
    }
    return out;
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
