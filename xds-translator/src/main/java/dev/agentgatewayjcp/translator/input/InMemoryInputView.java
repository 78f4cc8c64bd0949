package dev.agentgatewayjcp.translator.input;

import io.fabric8.kubernetes.api.model.HasMetadata;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Collections;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;

/**
 * InMemoryInputView is an immutable {@link InputView} over a fixed set of objects, for tests, the
 * CLI and full recomputation.
 *
 * <p>Objects of kinds the translator does not read are ignored. A later object with the same
 * kind, namespace and name replaces an earlier one.
 */
public final class InMemoryInputView implements InputView {

  private static final InMemoryInputView EMPTY = new Builder().build();

  /** Per kind: objects sorted by ref. */
  private final Map<InputKind<?>, TreeMap<ObjectRef, HasMetadata>> byKind;

  /** Per index: key to objects sorted by ref. */
  private final Map<InputIndex<?>, Map<String, List<HasMetadata>>> indexes;

  private InMemoryInputView(Map<InputKind<?>, TreeMap<ObjectRef, HasMetadata>> byKind) {
    this.byKind = byKind;
    Map<InputIndex<?>, Map<String, List<HasMetadata>>> built = new HashMap<>();
    for (InputIndex<?> index : InputIndex.all()) {
      built.put(index, buildIndex(index));
    }
    this.indexes = built;
  }

  /** A view with no objects. */
  public static InMemoryInputView empty() {
    return EMPTY;
  }

  /** A view over the given objects. */
  public static InMemoryInputView of(Collection<? extends HasMetadata> objects) {
    Builder builder = new Builder();
    objects.forEach(builder::add);
    return builder.build();
  }

  /** A view over the objects of a multi-document YAML text. */
  public static InMemoryInputView fromYaml(String yaml) {
    return of(YamlInputs.parse(yaml));
  }

  public static Builder builder() {
    return new Builder();
  }

  /** Every object in the view, sorted by ref. */
  public List<HasMetadata> objects() {
    List<HasMetadata> all = new ArrayList<>();
    for (InputKind<?> kind : InputKind.ALL) {
      all.addAll(byKind.get(kind).values());
    }
    return all;
  }

  /** A copy of this view with one object added or replaced. */
  public InMemoryInputView with(HasMetadata object) {
    Builder builder = toBuilder();
    builder.add(object);
    return builder.build();
  }

  /** A copy of this view without the referenced object. */
  public InMemoryInputView without(ObjectRef ref) {
    Builder builder = toBuilder();
    builder.remove(ref);
    return builder.build();
  }

  private Builder toBuilder() {
    Builder builder = new Builder();
    byKind.forEach((kind, objects) -> builder.byKind.get(kind).putAll(objects));
    return builder;
  }

  @Override
  public <T extends HasMetadata> Optional<T> get(InputKind<T> kind, String namespace, String name) {
    if (name == null) {
      return Optional.empty();
    }
    HasMetadata found = byKind.get(kind).get(kind.ref(namespace, name));
    return Optional.ofNullable(found).map(kind.type()::cast);
  }

  @Override
  public <T extends HasMetadata> List<T> list(InputKind<T> kind) {
    return castAll(kind, byKind.get(kind).values());
  }

  @Override
  public <T extends HasMetadata> List<T> listInNamespace(InputKind<T> kind, String namespace) {
    TreeMap<ObjectRef, HasMetadata> all = byKind.get(kind);
    // Refs sort by kind, namespace, name: one namespace is a contiguous range.
    ObjectRef from = new ObjectRef(kind.kind(), namespace, "");
    ObjectRef to = new ObjectRef(kind.kind(), namespace + "\0", "");
    return castAll(kind, all.subMap(from, true, to, false).values());
  }

  @Override
  public <T extends HasMetadata> List<T> byIndex(InputIndex<T> index, String key) {
    List<HasMetadata> bucket = indexes.get(index).getOrDefault(key, List.of());
    return castAll(index.kind(), bucket);
  }

  private <T extends HasMetadata> Map<String, List<HasMetadata>> buildIndex(InputIndex<T> index) {
    Map<String, List<HasMetadata>> buckets = new HashMap<>();
    for (HasMetadata object : byKind.get(index.kind()).values()) {
      for (String key : index.keysOf(index.kind().type().cast(object))) {
        buckets.computeIfAbsent(key, k -> new ArrayList<>()).add(object);
      }
    }
    // Objects were visited in ref order, so each bucket is already sorted.
    buckets.replaceAll((k, v) -> List.copyOf(v));
    return buckets;
  }

  private static <T extends HasMetadata> List<T> castAll(
      InputKind<T> kind, Collection<HasMetadata> objects) {
    if (objects.isEmpty()) {
      return List.of();
    }
    List<T> result = new ArrayList<>(objects.size());
    for (HasMetadata object : objects) {
      result.add(kind.type().cast(object));
    }
    return Collections.unmodifiableList(result);
  }

  /** Builder collects objects for an {@link InMemoryInputView}. */
  public static final class Builder {
    private final Map<InputKind<?>, TreeMap<ObjectRef, HasMetadata>> byKind = new HashMap<>();

    private Builder() {
      for (InputKind<?> kind : InputKind.ALL) {
        byKind.put(kind, new TreeMap<>());
      }
    }

    /**
     * Adds (or replaces) an object; Gateway API v1beta1 objects are converted to v1, and objects
     * of kinds the translator does not read are ignored.
     */
    public Builder add(HasMetadata input) {
      HasMetadata object = YamlInputs.toV1(input);
      Optional<InputKind<?>> kind = InputKind.of(object);
      if (kind.isPresent() && object.getMetadata() != null && object.getMetadata().getName() != null) {
        InputKind<?> k = kind.get();
        byKind.get(k).put(k.ref(object.getMetadata().getNamespace(), object.getMetadata().getName()), object);
      }
      return this;
    }

    /** Removes the referenced object if present. */
    public Builder remove(ObjectRef ref) {
      for (InputKind<?> kind : InputKind.ALL) {
        if (kind.kind().equals(ref.kind())) {
          byKind.get(kind).remove(kind.ref(ref.namespace(), ref.name()));
        }
      }
      return this;
    }

    public InMemoryInputView build() {
      Map<InputKind<?>, TreeMap<ObjectRef, HasMetadata>> copy = new HashMap<>();
      byKind.forEach((k, v) -> copy.put(k, new TreeMap<>(v)));
      return new InMemoryInputView(copy);
    }
  }
}
