package dev.agentgatewayjcp.controller.status;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.agentgatewayjcp.controller.source.InputStore;
import dev.agentgatewayjcp.translator.input.ObjectRef;
import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.KubernetesResource;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientException;
import java.util.LinkedHashSet;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * KubernetesStatusWriter writes desired statuses to the API server: only on the leader, only when
 * the merged status differs from the live one, with the live resourceVersion as an optimistic lock.
 *
 * <p>Work is keyed by object, so many changes to one object cost one write with the latest status.
 * A conflict (409) is retried after the informer has had a moment to deliver the newer object; the
 * merge is then redone against it. Writes are never server-side applies, because route {@code
 * status.parents} is an atomic list that other controllers write too.
 */
public final class KubernetesStatusWriter implements StatusSink, AutoCloseable {

  private static final Logger LOG = LoggerFactory.getLogger(KubernetesStatusWriter.class);
  private static final ObjectMapper JSON = new ObjectMapper();

  private final KubernetesClient client;
  private final InputStore store;
  private final String controllerName;
  private final java.util.Set<ObjectRef> inFlight = new java.util.HashSet<>();
  private final Map<ObjectRef, Optional<KubernetesResource>> desired = new ConcurrentHashMap<>();
  private final Map<ObjectRef, Integer> attempts = new ConcurrentHashMap<>();
  private final LinkedHashSet<ObjectRef> queue = new LinkedHashSet<>();
  private final java.util.List<Thread> workers = new java.util.ArrayList<>();
  private final AtomicLong writes = new AtomicLong();
  private final AtomicLong unchanged = new AtomicLong();
  private volatile boolean leader;
  private volatile boolean running = true;
  private volatile java.util.function.Function<ObjectRef, java.util.List<JsonNode>> extraConditions = ref -> java.util.List.of();

  /**
   * Adds conditions of our own (already as JSON) to an object's desired status, for example the
   * proxies' rejections on a Gateway. Call {@link #refresh} when they change.
   */
  public void setExtraConditions(java.util.function.Function<ObjectRef, java.util.List<JsonNode>> extra) {
    this.extraConditions = extra;
  }

  /** Re-checks one object's status, e.g. after its extra conditions changed. */
  public void refresh(ObjectRef ref) {
    synchronized (queue) {
      queue.add(ref);
      queue.notifyAll();
    }
  }

  /**
   * Re-checks an object whose live copy changed, when we have a status for it: another writer may
   * have replaced the status without our entries, and nothing on our side would change to bring
   * them back.
   */
  public void onLiveChange(ObjectRef ref) {
    if (desired.containsKey(ref)) {
      refresh(ref);
    }
  }

  /** Kinds whose status we never write. */
  public static final Set<String> ISTIO_KINDS = Set.of("AuthorizationPolicy", "RequestAuthentication", "FetchedJwks");

  /**
   * Which model class to write a kind's status with: the store holds v1 objects, but a cluster
   * serving only an older version of a kind takes status writes only through that version.
   */
  public void setServedTypes(
      java.util.function.Function<String, Optional<Class<? extends HasMetadata>>> servedTypes) {
    this.servedTypes = servedTypes;
  }

  private volatile java.util.function.Function<String, Optional<Class<? extends HasMetadata>>> servedTypes =
      kind -> Optional.empty();

  /**
   * @param workers how many statuses are written at once; each write is a PUT whose round trip
   *     dominates, so a few in parallel drain a start-up backlog of thousands of routes quickly
   */
  public KubernetesStatusWriter(
      KubernetesClient client, InputStore store, String controllerName, int workers) {
    this.client = client;
    this.store = store;
    this.controllerName = controllerName;
    for (int i = 0; i < Math.max(1, workers); i++) {
      Thread worker = new Thread(this::work, "status-writer-" + i);
      worker.setDaemon(true);
      this.workers.add(worker);
      worker.start();
    }
  }

  @Override
  public void onStatusChange(Map<ObjectRef, KubernetesResource> changed, Set<ObjectRef> removed) {
    // Istio's status lists are shared with istiod: reports on Istio objects go to Events and
    // /debug/status only, never to the objects.
    changed.forEach((ref, status) -> {
      if (!ISTIO_KINDS.contains(ref.kind())) {
        desired.put(ref, Optional.of(status));
      }
    });
    removed.forEach(ref -> {
      if (!ISTIO_KINDS.contains(ref.kind())) {
        desired.put(ref, Optional.empty());
      }
    });
    synchronized (queue) {
      queue.addAll(changed.keySet());
      queue.addAll(removed);
      queue.notifyAll();
    }
  }

  /** Starts or stops writing; on gaining leadership every known status is checked again. */
  public void setLeader(boolean isLeader) {
    leader = isLeader;
    LOG.info(isLeader ? "leading: writing statuses" : "not leading: status writes paused");
    if (isLeader) {
      synchronized (queue) {
        queue.addAll(desired.keySet());
        queue.notifyAll();
      }
    }
  }

  public boolean isLeader() {
    return leader;
  }

  public long writes() {
    return writes.get();
  }

  public long unchanged() {
    return unchanged.get();
  }

  private void work() {
    while (running) {
      ObjectRef next;
      synchronized (queue) {
        next = null;
        while (running && (next = takeable()) == null) {
          try {
            queue.wait(500);
          } catch (InterruptedException e) {
            return;
          }
        }
        if (!running) {
          return;
        }
        queue.remove(next);
        inFlight.add(next);
      }
      boolean retry;
      try {
        retry = writeOne(next);
      } catch (RuntimeException e) {
        LOG.warn("status of {} not written: {}", next, e.toString());
        retry = true;
      }
      if (retry) {
        int attempt = attempts.merge(next, 1, Integer::sum);
        long backoff = Math.min(30_000, 50L << Math.min(attempt, 9));
        sleep(backoff);
      } else {
        attempts.remove(next);
      }
      synchronized (queue) {
        inFlight.remove(next);
        if (retry) {
          queue.add(next);
        }
        // Another worker may be waiting for this object to be free again.
        queue.notifyAll();
      }
    }
  }

  /** The oldest queued object no other worker is writing, or null; callers hold the queue lock. */
  private ObjectRef takeable() {
    if (!leader) {
      return null;
    }
    for (ObjectRef ref : queue) {
      if (!inFlight.contains(ref)) {
        return ref;
      }
    }
    return null;
  }

  /** Writes one object's status if needed; returns true when it must be retried. */
  private boolean writeOne(ObjectRef ref) {
    Optional<KubernetesResource> want = desired.getOrDefault(ref, Optional.empty());
    Optional<HasMetadata> live = store.get(ref);
    if (live.isEmpty()) {
      // Deleted: nothing to write, and nothing to remember.
      desired.remove(ref);
      return false;
    }
    ObjectNode liveTree = JSON.valueToTree(live.get());
    JsonNode liveStatus = liveTree.get("status");
    JsonNode wanted = want.<JsonNode>map(JSON::valueToTree).orElse(null);
    java.util.List<JsonNode> extra = extraConditions.apply(ref);
    if (wanted instanceof ObjectNode w && !extra.isEmpty()) {
      com.fasterxml.jackson.databind.node.ArrayNode conditions = w.withArray("conditions");
      extra.forEach(conditions::add);
    }
    if (wanted == null && !StatusMerge.isShared(ref.kind())) {
      // We no longer own it (class changed, or it was never ours): leave its status alone.
      desired.remove(ref);
      return false;
    }
    JsonNode merged = StatusMerge.merge(ref.kind(), liveStatus, wanted, controllerName);
    if (merged.equals(liveStatus == null ? JSON.createObjectNode() : liveStatus)) {
      unchanged.incrementAndGet();
      return false;
    }
    liveTree.set("status", merged);
    Class<? extends HasMetadata> type = servedTypes.apply(ref.kind()).orElse(live.get().getClass());
    liveTree.put("apiVersion", HasMetadata.getApiVersion(type));
    HasMetadata update;
    try {
      update = JSON.treeToValue(liveTree, type);
    } catch (Exception e) {
      LOG.error("cannot build the status update of {}", ref, e);
      return false;
    }
    try {
      client.resource(update).updateStatus();
      writes.incrementAndGet();
      LOG.debug("wrote status of {}", ref);
      return false;
    } catch (KubernetesClientException e) {
      if (e.getCode() == 409) {
        LOG.debug("status of {} conflicted; retrying against the newer object", ref);
        return true;
      }
      if (e.getCode() == 404) {
        return false;
      }
      LOG.warn("status of {} not written: {}", ref, e.getMessage());
      return true;
    }
  }

  private static void sleep(long millis) {
    if (millis <= 0) {
      return;
    }
    try {
      Thread.sleep(millis);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }

  @Override
  public void close() {
    running = false;
    workers.forEach(Thread::interrupt);
  }
}
