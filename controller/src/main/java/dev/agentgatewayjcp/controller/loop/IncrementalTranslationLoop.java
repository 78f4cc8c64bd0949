package dev.agentgatewayjcp.controller.loop;

import dev.agentgatewayjcp.api.wire.TypeUrls;
import dev.agentgatewayjcp.controller.status.StatusSink;
import dev.agentgatewayjcp.controller.xds.XdsCache;
import dev.agentgatewayjcp.controller.xds.XdsCache.Change;
import dev.agentgatewayjcp.translator.TranslationResult;
import dev.agentgatewayjcp.translator.engine.IncrementalEngine;
import dev.agentgatewayjcp.translator.engine.InputChange;
import dev.agentgatewayjcp.translator.engine.TranslationDelta;
import dev.agentgatewayjcp.translator.input.InputKind;
import dev.agentgatewayjcp.translator.input.TranslationSettings;
import dev.agentgatewayjcp.translator.output.GatewayKey;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * IncrementalTranslationLoop feeds input changes to the incremental engine and publishes exactly
 * what changed: xDS deltas to the cache and changed statuses to the sink.
 *
 * <p>The engine is not thread-safe: every method must run on the one translation thread.
 */
public final class IncrementalTranslationLoop {

  private static final Logger LOG = LoggerFactory.getLogger(IncrementalTranslationLoop.class);

  private final IncrementalEngine engine;
  private final XdsCache cache;
  private final StatusSink statusSink;
  /** Gateways of our classes, as far as the engine's deltas have shown. */
  private final Set<GatewayKey> ours = new java.util.HashSet<>();

  public IncrementalTranslationLoop(TranslationSettings settings, XdsCache cache, StatusSink statusSink) {
    this.engine = new IncrementalEngine(settings);
    this.cache = cache;
    this.statusSink = statusSink;
  }

  /**
   * Applies a batch of changes and publishes the result.
   *
   * @return the Gateways whose proxy deployment may need to change: those whose view changed and
   *     those whose object changed
   */
  public Set<GatewayKey> apply(List<InputChange> changes) {
    long started = System.nanoTime();
    TranslationDelta delta = engine.apply(changes);
    List<Change> xds = new ArrayList<>();
    delta.gateways().forEach((gateway, d) -> {
      xds.add(Change.delta(gateway, TypeUrls.RESOURCE, d.upserted(), d.removed()));
      xds.add(Change.delta(gateway, TypeUrls.ADDRESS, d.upsertedAddresses(), d.removedAddresses()));
    });
    for (GatewayKey gone : delta.removedGateways()) {
      xds.add(Change.replace(gone, TypeUrls.RESOURCE, List.of()));
      xds.add(Change.replace(gone, TypeUrls.ADDRESS, List.of()));
    }
    int changedNames = cache.apply(xds);
    cache.markReady();
    if (!delta.statuses().isEmpty() || !delta.removedStatuses().isEmpty()) {
      statusSink.onStatusChange(delta.statuses(), delta.removedStatuses());
    }
    ours.addAll(delta.gateways().keySet());
    ours.removeAll(delta.removedGateways());
    Set<GatewayKey> touched = new TreeSet<>(delta.gateways().keySet());
    for (InputChange change : changes) {
      if (InputKind.GATEWAY.kind().equals(change.ref().kind())) {
        GatewayKey key = new GatewayKey(change.ref().namespace(), change.ref().name());
        // A Gateway of another class changed: not ours to deploy.
        if (ours.contains(key)) {
          touched.add(key);
        }
      } else if (change.object() instanceof io.fabric8.kubernetes.api.model.gatewayapi.v1.ListenerSet ls) {
        // Its ports may be new to the Gateway's Service even when the proxies' view is unchanged.
        dev.agentgatewayjcp.translator.gateway.ListenerSets.parent(ls).filter(ours::contains).ifPresent(touched::add);
      }
    }
    LOG.debug("{} input changes: {} gateways, {} xDS names and {} statuses changed in {} us",
        changes.size(), delta.gateways().size(), changedNames, delta.statuses().size(),
        (System.nanoTime() - started) / 1000);
    return touched;
  }

  /** The full current output; expensive, for debug endpoints. */
  public TranslationResult snapshot() {
    return engine.result();
  }
}
