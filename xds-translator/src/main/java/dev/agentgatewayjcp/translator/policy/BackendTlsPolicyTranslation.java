package dev.agentgatewayjcp.translator.policy;

import com.google.protobuf.ByteString;
import dev.agentgatewayjcp.api.resource.Resource;
import dev.agentgatewayjcp.translator.input.ObjectRef;
import dev.agentgatewayjcp.translator.output.GatewayKey;
import dev.agentgatewayjcp.translator.output.XdsResource;
import dev.agentgatewayjcp.translator.reference.ReferenceGrants;
import io.fabric8.kubernetes.api.model.Condition;
import io.fabric8.kubernetes.api.model.gatewayapi.v1.ParentReference;
import io.fabric8.kubernetes.api.model.gatewayapi.v1.PolicyAncestorStatus;
import io.fabric8.kubernetes.api.model.gatewayapi.v1.PolicyStatus;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.SortedSet;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.function.Function;

/**
 * BackendTlsPolicyTranslation is one BackendTLSPolicy translated independently of the Gateways:
 * its Policy resource per targeted Service and its conditions. {@link #place} puts it on the
 * Gateways that use those Services.
 *
 * @param policy the policy
 * @param targets one entry per target that names an existing Service
 * @param conditions the policy's conditions, the same for every ancestor
 * @param controllerName our controller name, for ancestor entries
 */
public record BackendTlsPolicyTranslation(
    ObjectRef policy, List<Target> targets, List<Condition> conditions, String controllerName)
    implements PlacedTranslation {

  /**
   * Target is the Policy resource for one targeted Service.
   *
   * @param serviceAddress the Service's address name, {@code <ns>/<hostname>}, as routes record it
   * @param resource the Policy resource, or null where another policy won the target (the
   *     Gateways using the Service are still ancestors, to report the conflict)
   */
  public record Target(String serviceAddress, XdsResource resource) {}

  /**
   * Placement is where a placed object ends up: its resources per Gateway and its status.
   *
   * @param resources the resources each Gateway is sent
   * @param status the status with one entry per Gateway, or null when no Gateway of ours uses
   *     a named Service (then the object has no entries of ours)
   */
  public record Placement(
      TreeMap<GatewayKey, List<XdsResource>> resources, io.fabric8.kubernetes.api.model.KubernetesResource status) {}

  @Override
  public ObjectRef object() {
    return policy;
  }

  public BackendTlsPolicyTranslation {
    targets = List.copyOf(targets);
    conditions = List.copyOf(conditions);
  }

  /** The Service address names the policy targets. */
  @Override
  public Set<String> serviceAddresses() {
    Set<String> out = new TreeSet<>();
    targets.forEach(t -> out.add(t.serviceAddress()));
    return out;
  }

  /** Places the policy, given which Gateways use each Service address. */
  @Override
  public Placement place(Function<String, Set<GatewayKey>> usersOfService) {
    return place(usersOfService, gw -> null);
  }

  /**
   * Places the policy, given which Gateways use each Service address and the client certificate
   * (PEM certificate and key) each Gateway's proxies present to backends, or null.
   */
  @Override
  public Placement place(
      Function<String, Set<GatewayKey>> usersOfService, Function<GatewayKey, ByteString[]> clientCertificates) {
    TreeMap<GatewayKey, List<XdsResource>> resources = new TreeMap<>();
    SortedSet<GatewayKey> ancestors = new TreeSet<>();
    for (Target t : targets) {
      for (GatewayKey gw : usersOfService.apply(t.serviceAddress())) {
        ancestors.add(gw);
        if (t.resource() != null) {
          resources.computeIfAbsent(gw, k -> new ArrayList<>()).add(withClientCertificate(t.resource(), clientCertificates.apply(gw)));
        }
      }
    }
    if (ancestors.isEmpty()) {
      return new Placement(resources, null);
    }
    resources.values().forEach(list -> list.sort(java.util.Comparator.comparing(XdsResource::name)));
    List<PolicyAncestorStatus> entries = new ArrayList<>();
    for (GatewayKey gw : ancestors) {
      ParentReference ref = new ParentReference();
      ref.setGroup(ReferenceGrants.GATEWAY_GROUP);
      ref.setKind("Gateway");
      ref.setNamespace(gw.namespace());
      ref.setName(gw.name());
      PolicyAncestorStatus entry = new PolicyAncestorStatus();
      entry.setAncestorRef(ref);
      entry.setControllerName(controllerName);
      entry.setConditions(new ArrayList<>(conditions));
      entries.add(entry);
    }
    PolicyStatus status = new PolicyStatus();
    status.setAncestors(entries);
    return new Placement(resources, status);
  }

  /** The Policy as one Gateway's proxies get it: with that Gateway's client certificate, if any. */
  private static XdsResource withClientCertificate(XdsResource policy, ByteString[] certificate) {
    if (certificate == null) {
      return policy;
    }
    Resource.Builder resource = ((Resource) policy.message()).toBuilder();
    resource.getPolicyBuilder().getBackendBuilder().getBackendTlsBuilder()
        .setCert(certificate[0])
        .setKey(certificate[1]);
    return XdsResource.of(policy.name(), resource.build());
  }
}
