package dev.agentgatewayjcp.translator.output;

import java.util.Objects;

/**
 * GatewayKey identifies one Gateway, and so the view its proxies receive.
 *
 * @param namespace the Gateway's namespace
 * @param name the Gateway's name
 */
public record GatewayKey(String namespace, String name) implements Comparable<GatewayKey> {

  public GatewayKey {
    Objects.requireNonNull(namespace, "namespace");
    Objects.requireNonNull(name, "name");
  }

  /** Parses {@code namespace/name}. */
  public static GatewayKey parse(String namespacedName) {
    int slash = namespacedName.indexOf('/');
    if (slash <= 0 || slash == namespacedName.length() - 1) {
      throw new IllegalArgumentException("expected namespace/name, got '" + namespacedName + "'");
    }
    return new GatewayKey(namespacedName.substring(0, slash), namespacedName.substring(slash + 1));
  }

  @Override
  public int compareTo(GatewayKey other) {
    int byNamespace = namespace.compareTo(other.namespace);
    return byNamespace != 0 ? byNamespace : name.compareTo(other.name);
  }

  @Override
  public String toString() {
    return namespace + "/" + name;
  }
}
