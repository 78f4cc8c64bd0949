package dev.agentgatewayjcp.translator.engine;

import dev.agentgatewayjcp.translator.input.ObjectRef;
import dev.agentgatewayjcp.translator.output.GatewayKey;
import dev.agentgatewayjcp.translator.output.XdsResource;
import io.fabric8.kubernetes.api.model.KubernetesResource;
import java.util.Collections;
import java.util.List;
import java.util.SortedMap;
import java.util.SortedSet;

/**
 * TranslationDelta is exactly what changed in the output after a batch of input changes: per
 * Gateway, the resources and addresses to upsert and the names to remove, and the statuses to
 * write or stop owning.
 *
 * @param gateways per affected Gateway, its changes
 * @param removedGateways Gateways that are no longer ours (their proxies should get nothing)
 * @param statuses statuses to write, by object
 * @param removedStatuses objects whose status we no longer own
 */
public record TranslationDelta(
    SortedMap<GatewayKey, GatewayDelta> gateways,
    SortedSet<GatewayKey> removedGateways,
    SortedMap<ObjectRef, KubernetesResource> statuses,
    SortedSet<ObjectRef> removedStatuses) {

  /**
   * GatewayDelta is the change to one Gateway's proxy view.
   *
   * @param upserted Resource-type entries added or changed, sorted by name
   * @param removed Resource-type names removed
   * @param upsertedAddresses Address-type entries added or changed, sorted by name
   * @param removedAddresses Address-type names removed
   */
  public record GatewayDelta(
      List<XdsResource> upserted,
      SortedSet<String> removed,
      List<XdsResource> upsertedAddresses,
      SortedSet<String> removedAddresses) {
    public GatewayDelta {
      upserted = List.copyOf(upserted);
      removed = Collections.unmodifiableSortedSet(removed);
      upsertedAddresses = List.copyOf(upsertedAddresses);
      removedAddresses = Collections.unmodifiableSortedSet(removedAddresses);
    }

    public boolean isEmpty() {
      return upserted.isEmpty() && removed.isEmpty() && upsertedAddresses.isEmpty() && removedAddresses.isEmpty();
    }
  }

  public TranslationDelta {
    gateways = Collections.unmodifiableSortedMap(gateways);
    removedGateways = Collections.unmodifiableSortedSet(removedGateways);
    statuses = Collections.unmodifiableSortedMap(statuses);
    removedStatuses = Collections.unmodifiableSortedSet(removedStatuses);
  }

  /** Whether nothing changed. */
  public boolean isEmpty() {
    return gateways.isEmpty() && removedGateways.isEmpty() && statuses.isEmpty() && removedStatuses.isEmpty();
  }
}
