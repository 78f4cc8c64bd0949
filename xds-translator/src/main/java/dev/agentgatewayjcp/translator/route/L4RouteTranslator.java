package dev.agentgatewayjcp.translator.route;

import dev.agentgatewayjcp.api.resource.Resource;
import dev.agentgatewayjcp.api.resource.RouteBackend;
import dev.agentgatewayjcp.api.resource.RouteName;
import dev.agentgatewayjcp.api.resource.TCPRoute;
import dev.agentgatewayjcp.translator.backend.BackendResolver;
import dev.agentgatewayjcp.translator.gateway.GatewayTranslation;
import dev.agentgatewayjcp.translator.gateway.ListenerInfo;
import dev.agentgatewayjcp.translator.input.ObjectRef;
import dev.agentgatewayjcp.translator.input.TranslationContext;
import dev.agentgatewayjcp.translator.output.GatewayKey;
import dev.agentgatewayjcp.translator.output.XdsResource;
import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.gatewayapi.v1.BackendRef;
import io.fabric8.kubernetes.api.model.gatewayapi.v1.ParentReference;
import io.fabric8.kubernetes.api.model.gatewayapi.v1.TCPRouteRule;
import io.fabric8.kubernetes.api.model.gatewayapi.v1.TLSRoute;
import io.fabric8.kubernetes.api.model.gatewayapi.v1.TLSRouteRule;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.SortedSet;
import java.util.TreeMap;
import java.util.TreeSet;

/**
 * L4RouteTranslator turns a TLSRoute or TCPRoute into agentgateway TCPRoute resources, one per
 * rule and attached listener, and the route's parent statuses.
 *
 * <p>Keys start with the route's creation time ({@code <ts10>/<ns>/<name>.<rule>.<tls|tcp>.
 * <listener>}): the proxy serves each SNI hostname bucket of a listener from the first TCPRoute
 * by key, so the oldest route wins where routes compete, as Gateway API requires, while every
 * competing route stays Accepted. The kind tag keeps a TLSRoute and a TCPRoute of the same name
 * apart on a TLS Terminate listener, which serves both.
 */
public final class L4RouteTranslator {

  /** One rule, in the shape TLSRoute and TCPRoute share. */
  private record Rule(String name, List<BackendRef> backendRefs) {}

  private L4RouteTranslator() {}

  /** Translates a TLSRoute; its hostnames are matched against the client's SNI by the proxy. */
  public static RouteTranslation translateTls(
      TranslationContext ctx, TLSRoute route, Map<GatewayKey, GatewayTranslation> gateways) {
    var spec = route.getSpec();
    List<Rule> rules = new ArrayList<>();
    if (spec != null && spec.getRules() != null) {
      for (TLSRouteRule r : spec.getRules()) {
        rules.add(new Rule(r.getName(), r.getBackendRefs()));
      }
    }
    return translate(
        ctx,
        route,
        spec == null ? null : spec.getHostnames(),
        spec == null ? null : spec.getParentRefs(),
        rules,
        gateways,
        "tls",
        null);
  }

  /** Translates a TCPRoute; it has no hostnames, so it takes every connection of its listener. */
  public static RouteTranslation translateTcp(
      TranslationContext ctx,
      io.fabric8.kubernetes.api.model.gatewayapi.v1.TCPRoute route,
      Map<GatewayKey, GatewayTranslation> gateways) {
    var spec = route.getSpec();
    List<Rule> rules = new ArrayList<>();
    if (spec != null && spec.getRules() != null) {
      for (TCPRouteRule r : spec.getRules()) {
        rules.add(new Rule(r.getName(), r.getBackendRefs()));
      }
    }
    // The schema has no hostnames; the API server prunes them, but file mode keeps unknown
    // fields, and silently ignoring them would route every SNI name to this route.
    String unsupported =
        spec != null && spec.getAdditionalProperties() != null && spec.getAdditionalProperties().containsKey("hostnames")
            ? "TCPRoute has no hostnames field; a TCP listener cannot tell hostnames apart (use a TLSRoute)"
            : null;
    return translate(
        ctx, route, List.of(), spec == null ? null : spec.getParentRefs(), rules, gateways, "tcp", unsupported);
  }

  private static RouteTranslation translate(
      TranslationContext ctx,
      HasMetadata route,
      List<String> specHostnames,
      List<ParentReference> parentRefs,
      List<Rule> rules,
      Map<GatewayKey, GatewayTranslation> gateways,
      String kindTag,
      String unsupported) {
    String kind = route.getKind();
    String ns = route.getMetadata().getNamespace();
    String name = route.getMetadata().getName();
    List<String> hostnames =
        specHostnames == null ? List.of() : specHostnames.stream().filter(h -> h != null).toList();
    List<ParentResolver.ParentResult> parents =
        ParentResolver.resolve(ctx, kind, ns, hostnames, parentRefs, gateways, (l, k) -> List.of(), null);
    if (unsupported != null) {
      List<ParentResolver.ParentResult> refused = new ArrayList<>();
      for (ParentResolver.ParentResult p : parents) {
        refused.add(new ParentResolver.ParentResult(p.parentRef(), List.of(), "UnsupportedValue", unsupported));
      }
      parents = refused;
    }
    RouteProblems problems = new RouteProblems();
    List<List<RouteBackend>> backends = new ArrayList<>();
    boolean attached = parents.stream().anyMatch(ParentResolver.ParentResult::accepted);
    if (attached) {
      for (Rule rule : rules) {
        backends.add(backends(ctx, kind, ns, rule, problems));
      }
    }

    String keyBase = RouteAssembler.creationPrefix(route) + "/" + ns + "/" + name;
    TreeMap<GatewayKey, TreeMap<String, XdsResource>> resources = new TreeMap<>();
    TreeMap<GatewayKey, SortedSet<String>> addresses = new TreeMap<>();
    TreeSet<RouteTranslation.ListenerAttachment> attachments = new TreeSet<>();
    for (ParentResolver.ParentResult parent : parents) {
      for (ListenerInfo listener : parent.listeners()) {
        attachments.add(new RouteTranslation.ListenerAttachment(listener.gateway(), listener.name()));
        TreeMap<String, XdsResource> out = resources.computeIfAbsent(listener.gateway(), k -> new TreeMap<>());
        addresses.computeIfAbsent(listener.gateway(), k -> new TreeSet<>()).addAll(problems.serviceAddresses());
        var certificate = RouteAssembler.backendClientCertificate(gateways.get(listener.gateway()));
        problems.backendResources().forEach(r -> out.put(r.name(), BackendResolver.forGateway(r, certificate)));
        for (int i = 0; i < rules.size(); i++) {
          String key = keyBase + "." + RouteAssembler.pad(i) + "." + kindTag + "." + listener.name();
          RouteName.Builder routeName = RouteName.newBuilder().setKind(kind).setName(name).setNamespace(ns);
          if (rules.get(i).name() != null) {
            routeName.setRuleName(rules.get(i).name());
          }
          TCPRoute tcp =
              TCPRoute.newBuilder()
                  .setKey(key)
                  .setListenerKey(listener.key())
                  .setName(routeName)
                  .addAllHostnames(hostnames)
                  .addAllBackends(backends.get(i))
                  .build();
          String xdsName = "tcp_route/" + key;
          out.put(xdsName, XdsResource.of(xdsName, Resource.newBuilder().setTcpRoute(tcp).build()));
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
        RouteAssembler.statuses(ctx, route, parents, rules.size(), problems));
  }

  /**
   * One RouteBackend per backendRef, keeping its weight: an unusable reference stays in the list
   * in a form the proxy cannot resolve, so its share of connections fails and the rest work.
   */
  private static List<RouteBackend> backends(
      TranslationContext ctx, String kind, String ns, Rule rule, RouteProblems problems) {
    List<RouteBackend> out = new ArrayList<>();
    if (rule.backendRefs() == null) {
      return out;
    }
    for (BackendRef ref : rule.backendRefs()) {
      BackendResolver.Resolved resolved =
          BackendResolver.resolve(
              ctx, kind, ns, ref.getGroup(), ref.getKind(), ref.getName(), ref.getNamespace(), ref.getPort());
      problems.backend(resolved);
      RouteBackend.Builder b = RouteBackend.newBuilder().setWeight(ref.getWeight() == null ? 1 : ref.getWeight());
      if (resolved.reference() != null) {
        b.setBackend(resolved.reference());
      }
      out.add(b.build());
    }
    return out;
  }
}
