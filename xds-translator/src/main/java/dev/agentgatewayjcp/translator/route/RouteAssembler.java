package dev.agentgatewayjcp.translator.route;

import com.google.protobuf.ByteString;
import dev.agentgatewayjcp.translator.backend.BackendResolver;

import dev.agentgatewayjcp.api.resource.Resource;
import dev.agentgatewayjcp.api.resource.Route;
import dev.agentgatewayjcp.api.resource.RouteName;
import dev.agentgatewayjcp.translator.gateway.GatewayTranslation;
import dev.agentgatewayjcp.translator.gateway.ListenerInfo;
import dev.agentgatewayjcp.translator.input.ObjectRef;
import dev.agentgatewayjcp.translator.input.TranslationContext;
import dev.agentgatewayjcp.translator.output.GatewayKey;
import dev.agentgatewayjcp.translator.output.XdsResource;
import dev.agentgatewayjcp.translator.status.ConditionList;
import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.gatewayapi.v1.ParentReference;
import io.fabric8.kubernetes.api.model.gatewayapi.v1.RouteParentStatus;
import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.SortedSet;
import java.util.TreeMap;
import java.util.TreeSet;

/**
 * RouteAssembler attaches translated rules to the listeners that accept a route, producing Route
 * resources with precedence-encoding keys, and builds the route's parent statuses.
 */
final class RouteAssembler {

  private RouteAssembler() {}

  /** Translates one rule of a route kind; returns null when the rule is dropped. */
  @FunctionalInterface
  interface RuleTranslator<R> {
    RuleOutput rule(
        TranslationContext ctx, String ns, int index, R rule, FilterTranslator filters, RouteProblems problems);
  }

  /**
   * Resolves a route's parents, translates its rules when it has any parent and assembles the
   * result: the part every HTTP-like route kind shares.
   */
  static <R> RouteTranslation translate(
      TranslationContext ctx,
      HasMetadata route,
      List<String> specHostnames,
      List<ParentReference> parentRefs,
      List<R> specRules,
      RuleTranslator<R> translator,
      Map<GatewayKey, GatewayTranslation> gateways,
      RouteClaims.View claims,
      boolean perMatch) {
    String kind = route.getKind();
    String ns = route.getMetadata().getNamespace();
    List<String> hostnames =
        specHostnames == null ? List.of() : specHostnames.stream().filter(h -> h != null).toList();
    List<R> rules = specRules == null ? List.of() : specRules;
    List<ParentResolver.ParentResult> parents =
        ParentResolver.resolve(
            ctx,
            kind,
            ns,
            hostnames,
            parentRefs,
            gateways,
            claims,
            new RouteClaims.Claim(ObjectRef.of(route), creationPrefix(route), hostnames));
    RouteProblems problems = new RouteProblems();
    List<RuleOutput> outputs = new ArrayList<>();
    if (!parents.isEmpty()) {
      FilterTranslator filters = new FilterTranslator(ctx, kind, ns, problems);
      for (int i = 0; i < rules.size(); i++) {
        RuleOutput rule = translator.rule(ctx, ns, i, rules.get(i), filters, problems);
        if (rule != null) {
          outputs.add(rule);
        }
      }
    }
    return assemble(ctx, route, hostnames, parents, outputs, rules.size(), problems, perMatch, gateways);
  }

  /**
   * Assembles the output of one route.
   *
   * @param perMatch whether each match becomes its own Route (HTTPRoute) or a rule's matches
   *     share one (GRPCRoute)
   */
  static RouteTranslation assemble(
      TranslationContext ctx,
      HasMetadata route,
      List<String> hostnames,
      List<ParentResolver.ParentResult> parents,
      List<RuleOutput> rules,
      int ruleCount,
      RouteProblems problems,
      boolean perMatch,
      Map<GatewayKey, GatewayTranslation> gateways) {
    String kind = route.getKind();
    String ns = route.getMetadata().getNamespace();
    String name = route.getMetadata().getName();
    String keyBase = creationPrefix(route) + "/" + ns + "/" + name;

    TreeMap<GatewayKey, TreeMap<String, XdsResource>> resources = new TreeMap<>();
    TreeMap<GatewayKey, SortedSet<String>> addresses = new TreeMap<>();
    TreeSet<RouteTranslation.ListenerAttachment> attachments = new TreeSet<>();

    // A route none of whose rules is valid is not Accepted, so listeners do not count it, but
    // its rules still answer 500 so its traffic does not fall through to another route.
    boolean countable =
        problems.routeRejection() == null && (ruleCount == 0 || problems.invalidRuleCount() < ruleCount);
    if (problems.routeRejection() != null) {
      // A rejected route keeps its matches but answers all of them with 500: failing closed
      // keeps its traffic from reaching a backend without the filter it asked for.
      rules =
          rules.stream()
              .map(r -> new RuleOutput(r.index(), r.name(), r.matches(), List.of(), List.of(HttpRouteTranslator.FAIL_500)))
              .toList();
    }
    for (ParentResolver.ParentResult parent : parents) {
      for (ListenerInfo listener : parent.listeners()) {
        if (countable) {
          attachments.add(new RouteTranslation.ListenerAttachment(listener.gateway(), listener.name()));
        }
        TreeMap<String, XdsResource> out =
            resources.computeIfAbsent(listener.gateway(), k -> new TreeMap<>());
        addresses
            .computeIfAbsent(listener.gateway(), k -> new TreeSet<>())
            .addAll(problems.serviceAddresses());
        ByteString[] certificate = backendClientCertificate(gateways.get(listener.gateway()));
        problems.backendResources().forEach(r -> out.put(r.name(), BackendResolver.forGateway(r, certificate)));
        for (RuleOutput rule : rules) {
          if (perMatch) {
            for (int m = 0; m < rule.matches().size(); m++) {
              String key =
                  keyBase + "." + pad(rule.index()) + "." + pad(m) + "." + listener.name();
              put(out, key, route(kind, ns, name, key, listener, hostnames, rule, List.of(rule.matches().get(m))));
            }
          } else {
            String key = keyBase + "." + pad(rule.index()) + ".grpc." + listener.name();
            put(out, key, route(kind, ns, name, key, listener, hostnames, rule, rule.matches()));
          }
        }
      }
    }

    TreeMap<GatewayKey, List<XdsResource>> sorted = new TreeMap<>();
    resources.forEach((gw, byName) -> sorted.put(gw, new ArrayList<>(byName.values())));
    return new RouteTranslation(
        ObjectRef.of(route),
        sorted,
        addresses,
        attachments,
        statuses(ctx, route, parents, ruleCount, problems));
  }

  private static void put(TreeMap<String, XdsResource> out, String key, Route route) {
    String xdsName = "route/" + key;
    out.put(xdsName, XdsResource.of(xdsName, Resource.newBuilder().setRoute(route).build()));
  }

  private static Route route(
      String kind,
      String ns,
      String name,
      String key,
      ListenerInfo listener,
      List<String> hostnames,
      RuleOutput rule,
      List<dev.agentgatewayjcp.api.resource.RouteMatch> matches) {
    RouteName.Builder routeName = RouteName.newBuilder().setKind(kind).setName(name).setNamespace(ns);
    if (rule.name() != null) {
      routeName.setRuleName(rule.name());
    }
    return Route.newBuilder()
        .setKey(key)
        .setListenerKey(listener.key())
        .setName(routeName)
        .addAllHostnames(hostnames)
        .addAllMatches(matches)
        .addAllBackends(rule.backends())
        .addAllTrafficPolicies(rule.policies())
        .build();
  }

  static List<RouteParentStatus> statuses(
      TranslationContext ctx,
      HasMetadata route,
      List<ParentResolver.ParentResult> parents,
      int ruleCount,
      RouteProblems problems) {
    // Two identical parentRefs share one status entry.
    Map<ParentReference, List<ParentResolver.ParentResult>> byRef = new LinkedHashMap<>();
    for (ParentResolver.ParentResult p : parents) {
      byRef.computeIfAbsent(p.parentRef(), k -> new ArrayList<>()).add(p);
    }
    List<RouteParentStatus> out = new ArrayList<>();
    boolean allRulesInvalid =
        problems.routeRejection() != null || (ruleCount > 0 && problems.invalidRuleCount() == ruleCount);
    for (Map.Entry<ParentReference, List<ParentResolver.ParentResult>> e : byRef.entrySet()) {
      ParentResolver.ParentResult p = e.getValue().get(0);
      ConditionList conditions = new ConditionList(ctx.clock(), route.getMetadata().getGeneration());
      if (!p.accepted()) {
        conditions.set("Accepted", false, p.reason(), p.message());
      } else if (allRulesInvalid) {
        conditions.set(
            "Accepted",
            false,
            problems.invalidReason(),
            problems.routeRejection() != null ? problems.routeRejection() : problems.invalidMessage());
      } else {
        int n = p.listeners().size();
        conditions.set(
            "Accepted", true, "Accepted", n == 1 ? "Route was valid" : "Route was valid, bound to " + n + " parents");
      }
      if (problems.refsReason() == null) {
        conditions.set("ResolvedRefs", true, "ResolvedRefs", "All references resolved");
      } else {
        conditions.set("ResolvedRefs", false, problems.refsReason(), problems.refsMessage());
      }
      // The spec allows PartiallyInvalid only on an accepted parent, only when True, and with a
      // message starting "Dropped Rule" for implementations that drop invalid rules.
      if (p.accepted() && problems.invalidRuleCount() > 0 && !allRulesInvalid) {
        conditions.set(
            "PartiallyInvalid",
            true,
            problems.invalidReason(),
            "Dropped Rule(s): " + problems.invalidMessage());
      }
      RouteParentStatus status = new RouteParentStatus();
      status.setParentRef(e.getKey());
      status.setControllerName(ctx.settings().controllerName());
      status.setConditions(conditions.toList());
      out.add(status);
    }
    return out;
  }

  /**
   * The route's creation time as ten zero-padded Unix seconds, so that the proxy's final
   * tie-break (key order) prefers the oldest route, as Gateway API requires.
   */
  static String creationPrefix(HasMetadata route) {
    String ts = route.getMetadata().getCreationTimestamp();
    long seconds = 0;
    if (ts != null && !ts.isEmpty()) {
      try {
        seconds = Math.max(0, Instant.parse(ts).getEpochSecond());
      } catch (DateTimeParseException e) {
        seconds = 0;
      }
    }
    return zeroPad(seconds, 10);
  }

  /** Rule and match indexes are zero-padded so that rule 10 sorts after rule 2. */
  static String pad(int index) {
    return zeroPad(index, 2);
  }

  // String.format is measurably slow on this path (one call per Route).
  private static String zeroPad(long value, int width) {
    String digits = Long.toString(value);
    if (digits.length() >= width) {
      return digits;
    }
    return "0".repeat(width - digits.length()) + digits;
  }

  /** The PEM certificate and key a Gateway's proxies present to TLS backends, or null. */
  static ByteString[] backendClientCertificate(GatewayTranslation gateway) {
    var c = gateway == null ? null : gateway.backendClientCertificate();
    return c == null ? null : new ByteString[] {c.cert(), c.key()};
  }
}
