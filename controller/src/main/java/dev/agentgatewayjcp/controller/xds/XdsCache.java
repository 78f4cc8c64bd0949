package dev.agentgatewayjcp.controller.xds;

import dev.agentgatewayjcp.translator.output.GatewayKey;
import dev.agentgatewayjcp.translator.output.XdsResource;
import java.util.Collection;
import java.util.Collections;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArraySet;
import java.util.concurrent.locks.ReentrantReadWriteLock;

/**
 * XdsCache holds, for each Gateway and type URL, the resources that Gateway's proxies should
 * have, and tells the connections of a Gateway which names changed.
 *
 * <p>A batch of changes is applied atomically with respect to response building: a response never
 * contains half of one batch and half of the previous state. Upserts whose version did not change
 * and removals of absent names are dropped here, so they never reach a proxy.
 */
public final class XdsCache {

  /** Receives the names that changed in one Gateway's view of one type. */
  interface ChangeListener {
    void onChange(String typeUrl, Set<String> names, long publishedNanos);
  }

  /**
   * Change is one edit of one Gateway's view of one type.
   *
   * @param gateway whose view changes
   * @param typeUrl which type
   * @param upserts resources to add or replace, by name
   * @param removals names to remove
   * @param replaceAll when true, the upserts are the complete new view and every other name goes
   */
  public record Change(
      GatewayKey gateway,
      String typeUrl,
      Collection<XdsResource> upserts,
      Collection<String> removals,
      boolean replaceAll) {

    public Change {
      Objects.requireNonNull(gateway, "gateway");
      Objects.requireNonNull(typeUrl, "typeUrl");
      upserts = List.copyOf(upserts);
      removals = List.copyOf(removals);
    }

    /** Sets the complete view of one type for one Gateway. */
    public static Change replace(
        GatewayKey gateway, String typeUrl, Collection<XdsResource> resources) {
      return new Change(gateway, typeUrl, resources, List.of(), true);
    }

    /** Adds, replaces and removes single names in one Gateway's view of one type. */
    public static Change delta(
        GatewayKey gateway,
        String typeUrl,
        Collection<XdsResource> upserts,
        Collection<String> removals) {
      return new Change(gateway, typeUrl, upserts, removals, false);
    }
  }

  private final Map<GatewayKey, Map<String, Map<String, XdsResource>>> views =
      new ConcurrentHashMap<>();
  private final Map<GatewayKey, Set<ChangeListener>> listeners = new ConcurrentHashMap<>();
  private final ReentrantReadWriteLock batchLock = new ReentrantReadWriteLock();
  private volatile boolean ready;

  /**
   * Marks the cache as holding a complete first snapshot. Until then the server refuses streams,
   * so that a restart never pushes a partial or empty configuration.
   */
  public void markReady() {
    ready = true;
  }

  public boolean isReady() {
    return ready;
  }

  /**
   * Applies a batch of changes and notifies the affected connections.
   *
   * @return the number of names that actually changed, over all Gateways and types
   */
  public int apply(List<Change> batch) {
    long published = System.nanoTime();
    Map<GatewayKey, Map<String, Set<String>>> changed = new HashMap<>();
    batchLock.writeLock().lock();
    try {
      for (Change change : batch) {
        Map<String, XdsResource> view =
            views
                .computeIfAbsent(change.gateway(), g -> new ConcurrentHashMap<>())
                .computeIfAbsent(change.typeUrl(), t -> new ConcurrentHashMap<>());
        Set<String> names =
            changed
                .computeIfAbsent(change.gateway(), g -> new HashMap<>())
                .computeIfAbsent(change.typeUrl(), t -> new HashSet<>());
        if (change.replaceAll()) {
          Set<String> keep = new HashSet<>();
          for (XdsResource resource : change.upserts()) {
            keep.add(resource.name());
          }
          for (String existing : List.copyOf(view.keySet())) {
            if (!keep.contains(existing)) {
              view.remove(existing);
              names.add(existing);
            }
          }
        }
        for (XdsResource resource : change.upserts()) {
          if (!resource.typeUrl().equals(change.typeUrl())) {
            throw new IllegalArgumentException(
                resource.name() + " is a " + resource.typeUrl() + ", not a " + change.typeUrl());
          }
          XdsResource previous = view.put(resource.name(), resource);
          if (previous == null || !previous.version().equals(resource.version())) {
            names.add(resource.name());
          }
        }
        for (String name : change.removals()) {
          if (view.remove(name) != null) {
            names.add(name);
          }
        }
      }
    } finally {
      batchLock.writeLock().unlock();
    }
    int total = 0;
    for (Map.Entry<GatewayKey, Map<String, Set<String>>> byGateway : changed.entrySet()) {
      Set<ChangeListener> targets = listeners.getOrDefault(byGateway.getKey(), Set.of());
      for (Map.Entry<String, Set<String>> byType : byGateway.getValue().entrySet()) {
        if (byType.getValue().isEmpty()) {
          continue;
        }
        total += byType.getValue().size();
        Set<String> names = Collections.unmodifiableSet(byType.getValue());
        for (ChangeListener listener : targets) {
          listener.onChange(byType.getKey(), names, published);
        }
      }
    }
    return total;
  }

  /** The current view of one type for one Gateway; empty for an unknown Gateway. */
  public Map<String, XdsResource> view(GatewayKey gateway, String typeUrl) {
    Map<String, Map<String, XdsResource>> byType = views.get(gateway);
    if (byType == null) {
      return Map.of();
    }
    Map<String, XdsResource> view = byType.get(typeUrl);
    return view == null ? Map.of() : Collections.unmodifiableMap(view);
  }

  /** The Gateways that have any view, for debugging. */
  public Set<GatewayKey> gateways() {
    return Set.copyOf(views.keySet());
  }

  /**
   * Runs {@code action} while no batch is being applied, so that what it reads from several names
   * belongs to one consistent state.
   */
  <T> T readConsistently(java.util.function.Supplier<T> action) {
    batchLock.readLock().lock();
    try {
      return action.get();
    } finally {
      batchLock.readLock().unlock();
    }
  }

  void addListener(GatewayKey gateway, ChangeListener listener) {
    listeners.computeIfAbsent(gateway, g -> new CopyOnWriteArraySet<>()).add(listener);
  }

  void removeListener(GatewayKey gateway, ChangeListener listener) {
    listeners.computeIfPresent(
        gateway,
        (g, set) -> {
          set.remove(listener);
          return set.isEmpty() ? null : set;
        });
  }
}
