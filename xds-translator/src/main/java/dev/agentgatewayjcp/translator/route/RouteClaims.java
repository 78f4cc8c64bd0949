package dev.agentgatewayjcp.translator.route;

import dev.agentgatewayjcp.translator.gateway.GatewayTranslation;
import dev.agentgatewayjcp.translator.gateway.ListenerInfo;
import dev.agentgatewayjcp.translator.input.ObjectRef;
import dev.agentgatewayjcp.translator.input.TranslationContext;
import dev.agentgatewayjcp.translator.output.GatewayKey;
import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.gatewayapi.v1.GRPCRoute;
import io.fabric8.kubernetes.api.model.gatewayapi.v1.HTTPRoute;
import io.fabric8.kubernetes.api.model.gatewayapi.v1.ParentReference;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeSet;

/**
 * RouteClaims settles the one conflict between routes that Gateway API makes the control plane
 * decide: an HTTPRoute and a GRPCRoute attached to the same listener with overlapping hostnames.
 * Exactly one is accepted there: the older, then the first by {@code namespace/name}.
 *
 * <p>The decision uses each route's raw attachments (before this rule), so it never depends on
 * its own outcome and needs no fixpoint.
 */
public final class RouteClaims {

  /**
   * Claim is what a route asserts on each listener it attaches to.
   *
   * @param route the route (its kind is the route kind)
   * @param creationKey its creation time as ten zero-padded Unix seconds
   * @param hostnames its hostnames; empty means every host
   */
  public record Claim(ObjectRef route, String creationKey, List<String> hostnames) {
    public Claim {
      hostnames = List.copyOf(hostnames);
    }

    /** Whether this claim wins over another: older, then first by namespace/name. */
    boolean beats(Claim other) {
      int byAge = creationKey.compareTo(other.creationKey);
      if (byAge != 0) {
        return byAge < 0;
      }
      String mine = route.namespace() + "/" + route.name();
      String theirs = other.route.namespace() + "/" + other.route.name();
      return mine.compareTo(theirs) < 0;
    }

    boolean overlaps(Claim other) {
      if (hostnames.isEmpty() || other.hostnames.isEmpty()) {
        return true;
      }
      for (String a : hostnames) {
        for (String b : other.hostnames) {
          if (Hostnames.intersect(a, b)) {
            return true;
          }
        }
      }
      return false;
    }
  }

  /**
   * Raw is a route's claim and the listeners it attaches to before conflicts are settled.
   *
   * @param claim the claim
   * @param listeners the listeners
   */
  public record Raw(Claim claim, Set<RouteTranslation.ListenerAttachment> listeners) {
    public Raw {
      listeners = Set.copyOf(listeners);
    }
  }

  /** View answers which claims routes of one kind make on a listener. */
  public interface View {
    /** The claims of routes of {@code kind} on one listener, in any order. */
    Collection<Claim> on(RouteTranslation.ListenerAttachment listener, String kind);
  }

  /** The route kind an HTTPRoute or GRPCRoute can conflict with. */
  public static String otherKind(String kind) {
    return "HTTPRoute".equals(kind) ? "GRPCRoute" : "HTTPRoute";
  }

  private RouteClaims() {}

  /** A route's raw claim, or null for objects that are not routes we translate. */
  public static Raw raw(
      TranslationContext ctx, HasMetadata route, Map<GatewayKey, GatewayTranslation> gateways) {
    List<String> hostnames;
    List<ParentReference> parents;
    if (route instanceof HTTPRoute http && http.getSpec() != null) {
      hostnames = http.getSpec().getHostnames();
      parents = http.getSpec().getParentRefs();
    } else if (route instanceof GRPCRoute grpc && grpc.getSpec() != null) {
      hostnames = grpc.getSpec().getHostnames();
      parents = grpc.getSpec().getParentRefs();
    } else {
      return null;
    }
    List<String> names =
        hostnames == null ? List.of() : hostnames.stream().filter(h -> h != null).toList();
    TreeSet<RouteTranslation.ListenerAttachment> listeners = new TreeSet<>();
    for (ParentResolver.ParentResult p :
        ParentResolver.resolve(
            ctx,
            route.getKind(), route.getMetadata().getNamespace(), names, parents, gateways, (l, k) -> List.of(), null)) {
      for (ListenerInfo l : p.listeners()) {
        listeners.add(new RouteTranslation.ListenerAttachment(l.gateway(), l.name()));
      }
    }
    Claim claim = new Claim(ObjectRef.of(route), RouteAssembler.creationPrefix(route), names);
    return new Raw(claim, listeners);
  }

  /** The claim among {@code claims} (of the other route kind) that wins over {@code self}. */
  static Optional<Claim> winnerOver(Claim self, Collection<Claim> claims) {
    Claim best = null;
    for (Claim c : claims) {
      if (c.route().kind().equals(self.route().kind()) || !c.overlaps(self) || !c.beats(self)) {
        continue;
      }
      if (best == null || c.beats(best)) {
        best = c;
      }
    }
    return Optional.ofNullable(best);
  }
}
