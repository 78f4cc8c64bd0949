package dev.agentgatewayjcp.controller.loop;

import dev.agentgatewayjcp.api.wire.TypeUrls;
import dev.agentgatewayjcp.controller.status.StatusComparison;
import dev.agentgatewayjcp.controller.status.StatusSink;
import dev.agentgatewayjcp.controller.xds.XdsCache;
import dev.agentgatewayjcp.controller.xds.XdsCache.Change;
import dev.agentgatewayjcp.translator.Diagnostic;
import dev.agentgatewayjcp.translator.GatewayOutput;
import dev.agentgatewayjcp.translator.TranslationResult;
import dev.agentgatewayjcp.translator.Translator;
import dev.agentgatewayjcp.translator.input.InMemoryInputView;
import dev.agentgatewayjcp.translator.input.ObjectRef;
import dev.agentgatewayjcp.translator.input.TranslationSettings;
import dev.agentgatewayjcp.translator.output.GatewayKey;
import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.KubernetesResource;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * TranslationLoop translates a complete input snapshot and publishes what changed: xDS views to
 * the cache, statuses to the sink, diagnostics to the log.
 *
 * <p>Callers serialize calls (one thread). Each Gateway's views are handed to the cache whole; the
 * cache compares versions, so only resources whose content changed reach proxies.
 */
public final class TranslationLoop {

  private static final Logger LOG = LoggerFactory.getLogger(TranslationLoop.class);

  private final TranslationSettings settings;
  private final XdsCache cache;
  private final StatusSink statusSink;
  private volatile TranslationResult last;
  private Set<Diagnostic> lastDiagnostics = Set.of();

  public TranslationLoop(TranslationSettings settings, XdsCache cache, StatusSink statusSink) {
    this.settings = settings;
    this.cache = cache;
    this.statusSink = statusSink;
  }

  /** Translates {@code objects} and publishes the differences from the previous translation. */
  public TranslationResult translate(List<HasMetadata> objects) {
    long started = System.nanoTime();
    TranslationResult result = Translator.translate(InMemoryInputView.of(objects), settings);
    TranslationResult previous = last;

    List<Change> changes = new ArrayList<>();
    for (GatewayOutput output : result.gateways().values()) {
      changes.add(Change.replace(output.gateway(), TypeUrls.RESOURCE, output.resources()));
      changes.add(Change.replace(output.gateway(), TypeUrls.ADDRESS, output.addresses()));
    }
    if (previous != null) {
      for (GatewayKey gone : previous.gateways().keySet()) {
        if (!result.gateways().containsKey(gone)) {
          changes.add(Change.replace(gone, TypeUrls.RESOURCE, List.of()));
          changes.add(Change.replace(gone, TypeUrls.ADDRESS, List.of()));
        }
      }
    }
    int changedNames = cache.apply(changes);
    last = result;
    cache.markReady();

    Map<ObjectRef, KubernetesResource> changedStatuses = new LinkedHashMap<>();
    result.statuses().forEach((ref, status) -> {
      KubernetesResource before = previous == null ? null : previous.statuses().get(ref);
      if (!StatusComparison.sameIgnoringTransitionTimes(before, status)) {
        changedStatuses.put(ref, status);
      }
    });
    Set<ObjectRef> removedStatuses = new TreeSet<>();
    if (previous != null) {
      for (ObjectRef ref : previous.statuses().keySet()) {
        if (!result.statuses().containsKey(ref)) {
          removedStatuses.add(ref);
        }
      }
    }
    if (!changedStatuses.isEmpty() || !removedStatuses.isEmpty()) {
      statusSink.onStatusChange(changedStatuses, removedStatuses);
    }
    logNewDiagnostics(result.diagnostics());
    LOG.info(
        "translated {} objects: {} gateways, {} xDS names changed, {} statuses changed in {} ms",
        objects.size(),
        result.gateways().size(),
        changedNames,
        changedStatuses.size(),
        (System.nanoTime() - started) / 1_000_000);
    return result;
  }

  private void logNewDiagnostics(List<Diagnostic> diagnostics) {
    Set<Diagnostic> now = new HashSet<>(diagnostics);
    for (Diagnostic d : diagnostics) {
      if (!lastDiagnostics.contains(d)) {
        if (d.severity() == Diagnostic.Severity.ERROR) {
          LOG.error("{}: {}", d.object(), d.message());
        } else {
          LOG.warn("{}: {}", d.object(), d.message());
        }
      }
    }
    lastDiagnostics = now;
  }

  /** The latest translation, or null before the first. */
  public TranslationResult last() {
    return last;
  }
}
