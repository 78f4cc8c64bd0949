package dev.agentgatewayjcp.translator.gateway;

import java.util.Set;
import java.util.SortedSet;
import java.util.TreeSet;

/**
 * AllowedNamespaces is the set of route namespaces a listener accepts, resolved from {@code
 * allowedRoutes.namespaces} at translation time.
 *
 * @param all whether every namespace is allowed
 * @param namespaces the allowed namespaces when {@code all} is false (may be empty)
 */
public record AllowedNamespaces(boolean all, SortedSet<String> namespaces) {

  public static final AllowedNamespaces ALL = new AllowedNamespaces(true, new TreeSet<>());

  public AllowedNamespaces {
    namespaces = new TreeSet<>(namespaces);
  }

  public static AllowedNamespaces only(Set<String> namespaces) {
    return new AllowedNamespaces(false, new TreeSet<>(namespaces));
  }

  public boolean allows(String namespace) {
    return all || namespaces.contains(namespace);
  }
}
