package dev.agentgatewayjcp.translator.route;

import dev.agentgatewayjcp.translator.gateway.GatewayTranslation;
import dev.agentgatewayjcp.translator.gateway.ListenerInfo;
import dev.agentgatewayjcp.translator.gateway.ListenerSets;
import dev.agentgatewayjcp.translator.input.InputKind;
import dev.agentgatewayjcp.translator.input.ObjectRef;
import dev.agentgatewayjcp.translator.input.TranslationContext;
import dev.agentgatewayjcp.translator.output.GatewayKey;
import dev.agentgatewayjcp.translator.reference.ReferenceGrants;
import io.fabric8.kubernetes.api.model.gatewayapi.v1.ListenerSet;
import io.fabric8.kubernetes.api.model.gatewayapi.v1.ParentReference;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * ParentResolver decides, for each parentRef of a route (a Gateway or a ListenerSet), which
 * listeners of our Gateways accept the route, and why the others refuse it.
 */
public final class ParentResolver {

  /**
   * ParentResult is the outcome for one parentRef that names one of our Gateways.
   *
   * @param parentRef the parentRef as written
   * @param listeners the accepting listeners, in the Gateway's listener order
   * @param reason when no listener accepts, the Accepted=False reason
   * @param message when no listener accepts, the explanation
   */
  public record ParentResult(
      ParentReference parentRef, List<ListenerInfo> listeners, String reason, String message) {
    public ParentResult {
      listeners = List.copyOf(listeners);
    }

    public boolean accepted() {
      return !listeners.isEmpty();
    }
  }

  private ParentResolver() {}

  /**
   * Resolves every parentRef. parentRefs to other kinds or to Gateways that are not ours give no
   * result, because another controller (or nobody) owns that status entry. When {@code self} is
   * given, a listener where a route of the other kind wins the hostname conflict refuses it.
   */
  public static List<ParentResult> resolve(
      TranslationContext ctx,
      String routeKind,
      String routeNamespace,
      List<String> routeHostnames,
      List<ParentReference> parentRefs,
      Map<GatewayKey, GatewayTranslation> gateways,
      RouteClaims.View claims,
      RouteClaims.Claim self) {
    List<ParentResult> results = new ArrayList<>();
    if (parentRefs == null) {
      return results;
    }
    for (ParentReference ref : parentRefs) {
      String group = ref.getGroup() == null ? ReferenceGrants.GATEWAY_GROUP : ref.getGroup();
      String kind = ref.getKind() == null ? "Gateway" : ref.getKind();
      if (!ReferenceGrants.GATEWAY_GROUP.equals(group)) {
        continue;
      }
      String ns = ref.getNamespace() == null ? routeNamespace : ref.getNamespace();
      GatewayKey parent;
      ObjectRef listenerSet = null;
      if ("Gateway".equals(kind)) {
        parent = new GatewayKey(ns, String.valueOf(ref.getName()));
      } else if ("ListenerSet".equals(kind)) {
        // A ListenerSet parent stands for its listeners on the Gateway it is attached to.
        ListenerSet ls = ctx.get(InputKind.LISTENER_SET, ns, ref.getName()).orElse(null);
        parent = ls == null ? null : ListenerSets.parent(ls).orElse(null);
        listenerSet = ls == null ? null : ObjectRef.of(ls);
      } else {
        continue;
      }
      GatewayTranslation gateway = parent == null ? null : gateways.get(parent);
      if (gateway == null || (listenerSet != null && !gateway.attaches(listenerSet))) {
        continue;
      }
      results.add(
          resolveOne(routeKind, routeNamespace, routeHostnames, ref, gateway, listenerSet, claims, self));
    }
    return results;
  }

  private static ParentResult resolveOne(
      String routeKind,
      String routeNamespace,
      List<String> routeHostnames,
      ParentReference ref,
      GatewayTranslation gateway,
      ObjectRef listenerSet,
      RouteClaims.View claims,
      RouteClaims.Claim self) {
    // A Gateway parent means the Gateway's own listeners only; a ListenerSet parent, its own.
    List<ListenerInfo> owned = gateway.listenersOf(listenerSet);
    List<ListenerInfo> accepted = new ArrayList<>();
    int bestRank = Integer.MAX_VALUE;
    List<String> messages = new ArrayList<>();
    String bestReason = "NoMatchingParent";
    if (owned.isEmpty()) {
      messages.add(listenerSet == null ? "the Gateway has no usable listeners" : "the ListenerSet has no usable listeners");
    }
    for (ListenerInfo listener : owned) {
      String reason;
      String message;
      if (ref.getPort() != null && ref.getPort() != listener.port()) {
        reason = "NoMatchingParent";
        message = "port " + ref.getPort() + " not found";
      } else if (ref.getSectionName() != null && !ref.getSectionName().equals(listener.sectionName())) {
        reason = "NoMatchingParent";
        message = "sectionName \"" + ref.getSectionName() + "\" not found";
      } else if (!Hostnames.anyIntersect(routeHostnames, listener.hostname())) {
        reason = "NoMatchingListenerHostname";
        message = "no hostname of the route matches listener " + listener.sectionName();
      } else if (!listener.namespaces().allows(routeNamespace)) {
        reason = "NotAllowedByListeners";
        message =
            "hostnames matched listener "
                + listener.sectionName()
                + ", but namespace "
                + routeNamespace
                + " is not allowed by it";
      } else if (!listener.supportedKinds().contains(routeKind)) {
        reason = "NotAllowedByListeners";
        message = "kind " + routeKind + " is not allowed by listener " + listener.sectionName();
      } else {
        var winner =
            self == null
                ? java.util.Optional.<RouteClaims.Claim>empty()
                : RouteClaims.winnerOver(
                    self,
                    claims.on(
                        new RouteTranslation.ListenerAttachment(listener.gateway(), listener.name()),
                        RouteClaims.otherKind(routeKind)));
        if (winner.isEmpty()) {
          accepted.add(listener);
          continue;
        }
        reason = "NotAllowedByListeners";
        message =
            "listener "
                + listener.sectionName()
                + " already serves "
                + winner.get().route().kind()
                + " "
                + winner.get().route().namespace()
                + "/"
                + winner.get().route().name()
                + " for an overlapping hostname";
      }
      int rank = rank(reason);
      if (rank < bestRank) {
        bestRank = rank;
        bestReason = reason;
        messages.clear();
      }
      if (rank == bestRank && !messages.contains(message)) {
        messages.add(message);
      }
    }
    if (!accepted.isEmpty()) {
      return new ParentResult(ref, accepted, null, null);
    }
    return new ParentResult(ref, List.of(), bestReason, String.join("; ", messages));
  }

  private static int rank(String reason) {
    return switch (reason) {
      case "NotAllowedByListeners" -> 0;
      case "NoMatchingListenerHostname" -> 1;
      default -> 2;
    };
  }
}
