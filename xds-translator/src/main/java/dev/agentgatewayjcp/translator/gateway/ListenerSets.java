package dev.agentgatewayjcp.translator.gateway;

import dev.agentgatewayjcp.translator.input.InputIndex;
import dev.agentgatewayjcp.translator.input.InputKind;
import dev.agentgatewayjcp.translator.input.TranslationContext;
import dev.agentgatewayjcp.translator.output.GatewayKey;
import io.fabric8.kubernetes.api.model.Namespace;
import io.fabric8.kubernetes.api.model.gatewayapi.v1.Gateway;
import io.fabric8.kubernetes.api.model.gatewayapi.v1.Listener;
import io.fabric8.kubernetes.api.model.gatewayapi.v1.ListenerEntry;
import io.fabric8.kubernetes.api.model.gatewayapi.v1.ListenerNamespaces;
import io.fabric8.kubernetes.api.model.gatewayapi.v1.ListenerSet;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.Function;

/**
 * ListenerSets finds the ListenerSets that name a Gateway as their parent, in the order their
 * listeners join the Gateway's (oldest first, then by namespace/name, as Gateway API requires),
 * and decides whether the Gateway's {@code allowedListeners} admits each.
 */
public final class ListenerSets {

  /**
   * Candidate is one ListenerSet naming the Gateway.
   *
   * @param listenerSet the ListenerSet
   * @param admitted whether {@code allowedListeners} admits its namespace
   */
  public record Candidate(ListenerSet listenerSet, boolean admitted) {}

  private static final Comparator<ListenerSet> ORDER =
      Comparator.comparing((ListenerSet ls) -> creation(ls))
          .thenComparing(ls -> ls.getMetadata().getNamespace())
          .thenComparing(ls -> ls.getMetadata().getName());

  private ListenerSets() {}

  /** The ListenerSets whose parentRef names {@code gateway}, in attachment order. */
  public static List<Candidate> of(TranslationContext ctx, Gateway gateway) {
    String key = gateway.getMetadata().getNamespace() + "/" + gateway.getMetadata().getName();
    return of(
        gateway,
        ctx.byIndex(InputIndex.LISTENER_SETS_BY_GATEWAY, key),
        ns -> ctx.get(InputKind.NAMESPACE, null, ns));
  }

  /**
   * The same, over candidates found some other way (the deployer's store): {@code candidates}
   * must already be those naming the Gateway.
   */
  public static List<Candidate> of(
      Gateway gateway, List<ListenerSet> candidates, Function<String, Optional<Namespace>> namespaces) {
    List<ListenerSet> sorted = new ArrayList<>(candidates);
    sorted.sort(ORDER);
    List<Candidate> out = new ArrayList<>();
    for (ListenerSet ls : sorted) {
      out.add(new Candidate(ls, admits(gateway, ls.getMetadata().getNamespace(), namespaces)));
    }
    return out;
  }

  /** The Gateway a ListenerSet's parentRef names, or empty when it names another kind. */
  public static Optional<GatewayKey> parent(ListenerSet ls) {
    var keys = InputIndex.LISTENER_SETS_BY_GATEWAY.keysOf(ls);
    if (keys.isEmpty()) {
      return Optional.empty();
    }
    String key = keys.iterator().next();
    int slash = key.indexOf('/');
    return Optional.of(new GatewayKey(key.substring(0, slash), key.substring(slash + 1)));
  }

  /** A ListenerSet entry as a Gateway listener: the fields are the same. */
  public static Listener asListener(ListenerEntry entry) {
    Listener l = new Listener();
    l.setName(entry.getName());
    l.setPort(entry.getPort());
    l.setProtocol(entry.getProtocol());
    l.setHostname(entry.getHostname());
    l.setTls(entry.getTls());
    l.setAllowedRoutes(entry.getAllowedRoutes());
    return l;
  }

  /** Whether the Gateway's allowedListeners admits ListenerSets from {@code namespace}. */
  static boolean admits(
      Gateway gateway, String namespace, Function<String, Optional<Namespace>> namespaces) {
    var allowed = gateway.getSpec().getAllowedListeners();
    ListenerNamespaces from = allowed == null ? null : allowed.getNamespaces();
    // Unset means None: ListenerSets are opt-in for a Gateway's owner.
    String mode = from == null || from.getFrom() == null ? "None" : from.getFrom();
    return switch (mode) {
      case "All" -> true;
      case "Same" -> namespace.equals(gateway.getMetadata().getNamespace());
      case "Selector" -> {
        if (from.getSelector() == null) {
          yield false;
        }
        Namespace ns = namespaces.apply(namespace).orElse(null);
        Map<String, String> labels = new HashMap<>();
        if (ns != null && ns.getMetadata().getLabels() != null) {
          labels.putAll(ns.getMetadata().getLabels());
        }
        labels.putIfAbsent("kubernetes.io/metadata.name", namespace);
        yield LabelSelectorMatcher.matches(from.getSelector(), labels);
      }
      default -> false;
    };
  }

  private static String creation(ListenerSet ls) {
    String ts = ls.getMetadata().getCreationTimestamp();
    return ts == null ? "" : ts;
  }
}
