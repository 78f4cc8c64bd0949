package dev.agentgatewayjcp.translator.input;

import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.discovery.v1.EndpointSlice;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.function.Function;

/**
 * InputIndex names a secondary index of one input kind: a function from an object to the keys it
 * is filed under.
 *
 * <p>Indexes are declared here, once, so that every view (the in-memory one and the controller's
 * store) maintains the same buckets and an incremental engine can record "read bucket B of index
 * I" as a dependency.
 *
 * @param <T> the model class of the indexed kind
 */
public final class InputIndex<T extends HasMetadata> {

  /** EndpointSlices by the {@code namespace/name} of the Service they belong to. */
  public static final InputIndex<EndpointSlice> ENDPOINT_SLICES_BY_SERVICE =
      new InputIndex<>(
          "endpointSlicesByService",
          InputKind.ENDPOINT_SLICE,
          slice -> {
            Map<String, String> labels = slice.getMetadata().getLabels();
            String service = labels == null ? null : labels.get("kubernetes.io/service-name");
            return service == null
                ? List.of()
                : List.of(slice.getMetadata().getNamespace() + "/" + service);
          });

  /**
   * ListenerSets by the {@code namespace/name} of the Gateway their {@code spec.parentRef} names,
   * so that a Gateway reads only its own candidates.
   */
  public static final InputIndex<io.fabric8.kubernetes.api.model.gatewayapi.v1.ListenerSet>
      LISTENER_SETS_BY_GATEWAY =
          new InputIndex<>(
              "listenerSetsByGateway",
              InputKind.LISTENER_SET,
              ls -> {
                var ref = ls.getSpec() == null ? null : ls.getSpec().getParentRef();
                if (ref == null || ref.getName() == null) {
                  return List.of();
                }
                String group = ref.getGroup() == null ? "gateway.networking.k8s.io" : ref.getGroup();
                String kind = ref.getKind() == null ? "Gateway" : ref.getKind();
                if (!"gateway.networking.k8s.io".equals(group) || !"Gateway".equals(kind)) {
                  return List.of();
                }
                String ns = ref.getNamespace() == null ? ls.getMetadata().getNamespace() : ref.getNamespace();
                return List.of(ns + "/" + ref.getName());
              });

  private final String name;
  private final InputKind<T> kind;
  private final Function<T, Collection<String>> keys;

  private InputIndex(String name, InputKind<T> kind, Function<T, Collection<String>> keys) {
    this.name = Objects.requireNonNull(name);
    this.kind = Objects.requireNonNull(kind);
    this.keys = Objects.requireNonNull(keys);
  }

  /** Every index, in a fixed order. */
  public static List<InputIndex<?>> all() {
    return List.of(ENDPOINT_SLICES_BY_SERVICE, LISTENER_SETS_BY_GATEWAY);
  }

  public String name() {
    return name;
  }

  public InputKind<T> kind() {
    return kind;
  }

  /** The keys an object is filed under; never null. */
  public Collection<String> keysOf(T object) {
    Collection<String> result = keys.apply(object);
    return result == null ? List.of() : result;
  }

  @Override
  public String toString() {
    return name;
  }
}
