package dev.agentgatewayjcp.translator.input;

import io.fabric8.kubernetes.api.model.HasMetadata;
import java.util.List;
import java.util.Optional;

/**
 * InputView gives read-only, consistent access to the objects translation reads, by kind,
 * namespace/name and named index.
 *
 * <p>Implementations must be immutable snapshots (or behave like one for the duration of a
 * translation) and must return lists sorted by namespace, then name, so that translation output
 * never depends on insertion or hash order. Callers must not mutate returned objects.
 */
public interface InputView {

  /** The object of that kind, namespace and name; the namespace is ignored for cluster kinds. */
  <T extends HasMetadata> Optional<T> get(InputKind<T> kind, String namespace, String name);

  /** Every object of a kind, sorted by namespace then name. */
  <T extends HasMetadata> List<T> list(InputKind<T> kind);

  /** The objects of a namespaced kind in one namespace, sorted by name. */
  <T extends HasMetadata> List<T> listInNamespace(InputKind<T> kind, String namespace);

  /** The objects filed under one key of an index, sorted by namespace then name. */
  <T extends HasMetadata> List<T> byIndex(InputIndex<T> index, String key);
}
