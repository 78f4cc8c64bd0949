package dev.agentgatewayjcp.translator.input;

import io.fabric8.kubernetes.api.model.HasMetadata;
import java.util.Comparator;
import java.util.Objects;

/**
 * ObjectRef names one input object by kind, namespace (empty for cluster-scoped kinds) and name.
 *
 * @param kind the Kubernetes kind, e.g. {@code HTTPRoute}
 * @param namespace the namespace, or the empty string for cluster-scoped objects
 * @param name the object name
 */
public record ObjectRef(String kind, String namespace, String name) implements Comparable<ObjectRef> {

  private static final Comparator<ObjectRef> ORDER =
      Comparator.comparing(ObjectRef::kind)
          .thenComparing(ObjectRef::namespace)
          .thenComparing(ObjectRef::name);

  public ObjectRef {
    Objects.requireNonNull(kind, "kind");
    namespace = namespace == null ? "" : namespace;
    Objects.requireNonNull(name, "name");
  }

  /** The reference of an object as it stands in its metadata. */
  public static ObjectRef of(HasMetadata object) {
    return new ObjectRef(
        object.getKind(), object.getMetadata().getNamespace(), object.getMetadata().getName());
  }

  @Override
  public int compareTo(ObjectRef other) {
    return ORDER.compare(this, other);
  }

  @Override
  public String toString() {
    return namespace.isEmpty() ? kind + "/" + name : kind + "/" + namespace + "/" + name;
  }
}
