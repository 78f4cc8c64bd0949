package dev.agentgatewayjcp.translator.backend;

import dev.agentgatewayjcp.api.inference.InferencePoolStatus;
import dev.agentgatewayjcp.translator.input.ObjectRef;
import dev.agentgatewayjcp.translator.output.GatewayKey;
import dev.agentgatewayjcp.translator.policy.BackendTlsPolicyTranslation;
import dev.agentgatewayjcp.translator.policy.PlacedTranslation;
import dev.agentgatewayjcp.translator.reference.ReferenceGrants;
import io.fabric8.kubernetes.api.model.Condition;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.function.Function;

/**
 * InferencePoolTranslation is one InferencePool's report: the same conditions for every Gateway
 * whose routes send traffic to the pool; {@link #place} turns it into the pool's status.
 *
 * @param pool the pool
 * @param address the pool's Service address name
 * @param conditions the conditions for each parent Gateway
 * @param controllerName our controller name, for parent entries
 */
public record InferencePoolTranslation(
    ObjectRef pool, String address, List<Condition> conditions, String controllerName)
    implements PlacedTranslation {

  public InferencePoolTranslation {
    conditions = List.copyOf(conditions);
  }

  @Override
  public ObjectRef object() {
    return pool;
  }

  @Override
  public Set<String> serviceAddresses() {
    return Set.of(address);
  }

  @Override
  public BackendTlsPolicyTranslation.Placement place(Function<String, Set<GatewayKey>> usersOfService) {
    Set<GatewayKey> parents = new TreeSet<>(usersOfService.apply(address));
    if (parents.isEmpty()) {
      return new BackendTlsPolicyTranslation.Placement(new TreeMap<>(), null);
    }
    List<InferencePoolStatus.Parent> entries = new ArrayList<>();
    for (GatewayKey gw : parents) {
      InferencePoolStatus.ParentReference ref = new InferencePoolStatus.ParentReference();
      ref.group = ReferenceGrants.GATEWAY_GROUP;
      ref.kind = "Gateway";
      ref.namespace = gw.namespace();
      ref.name = gw.name();
      InferencePoolStatus.Parent entry = new InferencePoolStatus.Parent();
      entry.parentRef = ref;
      entry.controllerName = controllerName;
      entry.conditions = new ArrayList<>(conditions);
      entries.add(entry);
    }
    InferencePoolStatus status = new InferencePoolStatus();
    status.parents = entries;
    return new BackendTlsPolicyTranslation.Placement(new TreeMap<>(), status);
  }
}
