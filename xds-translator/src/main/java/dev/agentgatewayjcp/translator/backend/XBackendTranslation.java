package dev.agentgatewayjcp.translator.backend;

import dev.agentgatewayjcp.translator.input.ObjectRef;
import dev.agentgatewayjcp.translator.output.GatewayKey;
import dev.agentgatewayjcp.translator.policy.BackendTlsPolicyTranslation;
import dev.agentgatewayjcp.translator.policy.PlacedTranslation;
import dev.agentgatewayjcp.translator.status.XBackendStatuses;
import io.fabric8.kubernetes.api.model.Condition;
import java.util.List;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.function.Function;

/**
 * XBackendTranslation is one XBackend's report: the same conditions for every Gateway whose
 * routes use it; {@link #place} turns it into the XBackend's status once routes are known. Its
 * configuration travels with the routes (a static Backend per route reference), so placing it
 * yields no resources.
 *
 * @param xbackend the XBackend
 * @param usageKey the name routes record when they use it ({@link XBackends#usageKey})
 * @param conditions the conditions for each parent Gateway
 * @param controllerName our controller name, for parent entries
 */
public record XBackendTranslation(
    ObjectRef xbackend, String usageKey, List<Condition> conditions, String controllerName)
    implements PlacedTranslation {

  public XBackendTranslation {
    conditions = List.copyOf(conditions);
  }

  @Override
  public ObjectRef object() {
    return xbackend;
  }

  @Override
  public Set<String> serviceAddresses() {
    return Set.of(usageKey);
  }

  @Override
  public BackendTlsPolicyTranslation.Placement place(Function<String, Set<GatewayKey>> usersOfService) {
    Set<GatewayKey> parents = new TreeSet<>(usersOfService.apply(usageKey));
    return new BackendTlsPolicyTranslation.Placement(
        new TreeMap<>(), parents.isEmpty() ? null : XBackendStatuses.of(parents, conditions, controllerName));
  }
}
