package dev.agentgatewayjcp.translator.engine;

import dev.agentgatewayjcp.translator.input.InputIndex;
import dev.agentgatewayjcp.translator.input.InputKind;
import dev.agentgatewayjcp.translator.input.InputView;
import dev.agentgatewayjcp.translator.input.ObjectRef;
import io.fabric8.kubernetes.api.model.HasMetadata;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;

/**
 * MutableInputView is an {@link InputView} that applies changes in place and keeps its indexes
 * current, for the single thread that owns an incremental engine.
 *
 * <p>It is not thread-safe and its lists are copies made at call time.
 */
public final class MutableInputView implements InputView {

  private final Map<String, InputKind<?>> kindsByName = new HashMap<>();
  private final Map<InputKind<?>, TreeMap<ObjectRef, HasMetadata>> byKind = new HashMap<>();
  private final Map<InputIndex<?>, Map<String, TreeMap<ObjectRef, HasMetadata>>> indexes =
      new HashMap<>();

  public MutableInputView() {
    for (InputKind<?> kind : InputKind.ALL) {
      kindsByName.put(kind.kind(), kind);
      byKind.put(kind, new TreeMap<>());
    }
    for (InputIndex<?> index : InputIndex.all()) {
      indexes.put(index, new HashMap<>());
    }
  }

  /** The kind a reference names, if the translator reads it. */
  public Optional<InputKind<?>> kindOf(ObjectRef ref) {
    return Optional.ofNullable(kindsByName.get(ref.kind()));
  }

  /**
   * Applies a change and returns the object it replaced or deleted (null if none). Changes to
   * kinds the translator does not read are ignored.
   */
  public HasMetadata apply(InputChange change) {
    InputKind<?> kind = kindsByName.get(change.ref().kind());
    if (kind == null) {
      return null;
    }
    ObjectRef ref = kind.ref(change.ref().namespace(), change.ref().name());
    HasMetadata old =
        change.isDelete() ? byKind.get(kind).remove(ref) : byKind.get(kind).put(ref, change.object());
    for (InputIndex<?> index : InputIndex.all()) {
      if (index.kind() != kind) {
        continue;
      }
      if (old != null) {
        for (String key : keysOf(index, old)) {
          TreeMap<ObjectRef, HasMetadata> bucket = indexes.get(index).get(key);
          if (bucket != null) {
            bucket.remove(ref);
            if (bucket.isEmpty()) {
              indexes.get(index).remove(key);
            }
          }
        }
      }
      if (!change.isDelete()) {
        for (String key : keysOf(index, change.object())) {
          indexes.get(index).computeIfAbsent(key, k -> new TreeMap<>()).put(ref, change.object());
        }
      }
    }
    return old;
  }

  /** The index keys an object is filed under. */
  public static <T extends HasMetadata> Collection<String> keysOf(InputIndex<T> index, HasMetadata object) {
    return index.keysOf(index.kind().type().cast(object));
  }

  @Override
  public <T extends HasMetadata> Optional<T> get(InputKind<T> kind, String namespace, String name) {
    if (name == null) {
      return Optional.empty();
    }
    return Optional.ofNullable(byKind.get(kind).get(kind.ref(namespace, name))).map(kind.type()::cast);
  }

  @Override
  public <T extends HasMetadata> List<T> list(InputKind<T> kind) {
    return cast(kind, byKind.get(kind).values());
  }

  @Override
  public <T extends HasMetadata> List<T> listInNamespace(InputKind<T> kind, String namespace) {
    ObjectRef from = new ObjectRef(kind.kind(), namespace, "");
    ObjectRef to = new ObjectRef(kind.kind(), namespace + "\0", "");
    return cast(kind, byKind.get(kind).subMap(from, true, to, false).values());
  }

  @Override
  public <T extends HasMetadata> List<T> byIndex(InputIndex<T> index, String key) {
    TreeMap<ObjectRef, HasMetadata> bucket = indexes.get(index).get(key);
    return bucket == null ? List.of() : cast(index.kind(), bucket.values());
  }

  private static <T extends HasMetadata> List<T> cast(InputKind<T> kind, Collection<HasMetadata> objects) {
    List<T> out = new ArrayList<>(objects.size());
    for (HasMetadata o : objects) {
      out.add(kind.type().cast(o));
    }
    return out;
  }
}
