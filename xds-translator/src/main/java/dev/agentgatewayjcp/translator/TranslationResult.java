package dev.agentgatewayjcp.translator;

import dev.agentgatewayjcp.translator.input.ObjectRef;
import dev.agentgatewayjcp.translator.output.GatewayKey;
import dev.agentgatewayjcp.translator.output.XdsResource;
import io.fabric8.kubernetes.api.model.KubernetesResource;
import io.fabric8.kubernetes.api.model.gatewayapi.v1.GRPCRouteStatus;
import io.fabric8.kubernetes.api.model.gatewayapi.v1.GatewayClassStatus;
import io.fabric8.kubernetes.api.model.gatewayapi.v1.GatewayStatus;
import io.fabric8.kubernetes.api.model.gatewayapi.v1.HTTPRouteStatus;
import java.util.Collections;
import java.util.List;
import java.util.Optional;
import java.util.SortedMap;

/**
 * TranslationResult is the full, deterministic output of one translation: per-Gateway xDS
 * resources, all Address entries, the desired status of every object we own, and diagnostics.
 *
 * @param gateways per Gateway of our classes, what its proxies receive
 * @param addresses every Address entry of the cluster by xDS name (a superset of what any one
 *     Gateway needs)
 * @param statuses desired status per object: {@link GatewayClassStatus}, {@link GatewayStatus},
 *     {@link HTTPRouteStatus} or {@link GRPCRouteStatus}; route statuses hold only our parents'
 *     entries
 * @param diagnostics findings, sorted
 */
public record TranslationResult(
    SortedMap<GatewayKey, GatewayOutput> gateways,
    SortedMap<String, XdsResource> addresses,
    SortedMap<ObjectRef, KubernetesResource> statuses,
    List<Diagnostic> diagnostics) {

  public TranslationResult {
    gateways = Collections.unmodifiableSortedMap(gateways);
    addresses = Collections.unmodifiableSortedMap(addresses);
    statuses = Collections.unmodifiableSortedMap(statuses);
    diagnostics = List.copyOf(diagnostics);
  }

  /** The desired status of one object, if we own it. */
  public <T extends KubernetesResource> Optional<T> status(ObjectRef ref, Class<T> type) {
    KubernetesResource status = statuses.get(ref);
    return type.isInstance(status) ? Optional.of(type.cast(status)) : Optional.empty();
  }
}
