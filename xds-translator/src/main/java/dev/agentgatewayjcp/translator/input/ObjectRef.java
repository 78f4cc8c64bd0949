package dev.agentgatewayjcp.translator.input;

import io.fabric8.kubernetes.api.model.HasMetadata;
import java.util.Objects;

/**
 * ObjectRef names one input object by kind, namespace (empty for cluster-scoped kinds) and name.
 *
 * @param kind the Kubernetes kind, e.g. {@code HTTPRoute}
 * @param namespace the namespace, or the empty string for cluster-scoped objects
 * @param name the object name
 */
public record ObjectRef(String kind, String namespace, String name) implements Comparable<ObjectRef> {

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
    // Kind, then namespace, then name. Written out because refs key the engine's sorted maps and a
    // chain of Comparator lambdas showed up at the top of the translation thread's profile.
    if (this == other) {
      return 0;
    }
    int byKind = kind.compareTo(other.kind);
    if (byKind != 0) {
      return byKind;
    }
    int byNamespace = namespace.compareTo(other.namespace);
    return byNamespace != 0 ? byNamespace : name.compareTo(other.name);
  }

  @Override
  public String toString() {
    return namespace.isEmpty() ? kind + "/" + name : kind + "/" + namespace + "/" + name;
  }
}
