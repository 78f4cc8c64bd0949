package dev.agentgatewayjcp.controller.source;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.agentgatewayjcp.translator.engine.InputChange;
import dev.agentgatewayjcp.translator.input.ObjectRef;
import io.fabric8.kubernetes.api.model.HasMetadata;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;

/**
 * InputStore holds the latest version of every input object, whichever source delivered it, and
 * counts the changes that matter for translation.
 *
 * <p>An update that changes only the resourceVersion, managedFields or, for kinds whose status
 * the translator does not read, the status (our own status writes coming back, another
 * controller's, a resync) is not a change.
 */
public final class InputStore {

  /** Told that the store changed; it reads a snapshot when it is ready to translate. */
  public interface ChangeListener {
    void onInputChange();
  }

  private static final ObjectMapper JSON = new ObjectMapper();

  private final Map<ObjectRef, HasMetadata> objects = new ConcurrentHashMap<>();
  /** Changes not yet handed to translation, latest per object; an empty Optional is a delete. */
  private final Object pendingLock = new Object();
  private Map<ObjectRef, Optional<HasMetadata>> pending = new java.util.LinkedHashMap<>();
  private final AtomicLong changes = new AtomicLong();
  private volatile ChangeListener listener = () -> {};

  public void setListener(ChangeListener listener) {
    this.listener = listener;
  }

  private volatile java.util.function.Consumer<ObjectRef> upsertObserver = ref -> {};

  /**
   * Sees every upsert, also those translation ignores; the status writer uses it to notice that
   * someone else rewrote a status it owns entries in.
   */
  public void setUpsertObserver(java.util.function.Consumer<ObjectRef> observer) {
    this.upsertObserver = observer;
  }

  /** Adds or replaces an object. Returns true when translation must see the change. */
  public boolean upsert(HasMetadata object) {
    ObjectRef ref = ObjectRef.of(object);
    HasMetadata previous = objects.put(ref, object);
    upsertObserver.accept(ref);
    if (previous != null && sameForTranslation(previous, object)) {
      return false;
    }
    synchronized (pendingLock) {
      pending.put(ref, Optional.of(object));
    }
    changes.incrementAndGet();
    listener.onInputChange();
    return true;
  }

  /** Removes an object. Returns true when it was present. */
  public boolean delete(HasMetadata object) {
    ObjectRef ref = ObjectRef.of(object);
    if (objects.remove(ref) == null) {
      return false;
    }
    synchronized (pendingLock) {
      pending.put(ref, Optional.empty());
    }
    changes.incrementAndGet();
    listener.onInputChange();
    return true;
  }

  /**
   * Takes the changes recorded since the last call, the latest per object, in the order objects
   * first changed.
   */
  public List<InputChange> drainChanges() {
    synchronized (pendingLock) {
      List<InputChange> changes = new ArrayList<>(pending.size());
      pending.forEach((ref, object) ->
          changes.add(object.map(InputChange::upsert).orElseGet(() -> InputChange.delete(ref))));
      // A fresh map rather than clear(): clear() walks the whole table, which stays as large as the
      // biggest batch (every object at start) and then costs that much on every later change.
      pending = new java.util.LinkedHashMap<>();
      return changes;
    }
  }

  /** The live object, for merging statuses. */
  public Optional<HasMetadata> get(ObjectRef ref) {
    return Optional.ofNullable(objects.get(ref));
  }

  /** Every object of one kind, in no particular order (a scan: for occasional callers). */
  public List<HasMetadata> ofKind(String kind) {
    List<HasMetadata> out = new ArrayList<>();
    objects.forEach((ref, object) -> {
      if (ref.kind().equals(kind)) {
        out.add(object);
      }
    });
    return out;
  }

  /** Every object, in no particular order; the translator sorts. */
  public List<HasMetadata> snapshot() {
    return new ArrayList<>(objects.values());
  }

  public long changeCount() {
    return changes.get();
  }

  public int size() {
    return objects.size();
  }

  private static boolean sameForTranslation(HasMetadata a, HasMetadata b) {
    // In-memory inputs (fetched key sets) have no resourceVersion: compare their content.
    if (a.getMetadata().getResourceVersion() != null
        && Objects.equals(a.getMetadata().getResourceVersion(), b.getMetadata().getResourceVersion())) {
      return true;
    }
    // Compare trees with the bookkeeping removed; the informer's objects are never mutated.
    return withoutBookkeeping(JSON.valueToTree(a)).equals(withoutBookkeeping(JSON.valueToTree(b)));
  }

  /**
   * Kinds whose status the translator reads (a Pod's IPs and readiness, a Service's load-balancer
   * ingress). Every other kind's status is output, mostly ours: a status write coming back
   * through the watch must not cost a translation.
   */
  private static final java.util.Set<String> STATUS_IS_INPUT = java.util.Set.of("Pod", "Service");

  private static JsonNode withoutBookkeeping(JsonNode tree) {
    JsonNode metadata = tree.path("metadata");
    if (metadata instanceof ObjectNode m) {
      m.remove("resourceVersion");
      m.remove("managedFields");
    }
    if (tree instanceof ObjectNode o && !STATUS_IS_INPUT.contains(tree.path("kind").asText())) {
      o.remove("status");
    }
    return tree;
  }
}
