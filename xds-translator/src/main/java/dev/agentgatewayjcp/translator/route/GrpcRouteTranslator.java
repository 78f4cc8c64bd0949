package dev.agentgatewayjcp.translator.route;

import dev.agentgatewayjcp.api.resource.HeaderMatch;
import dev.agentgatewayjcp.api.resource.PathMatch;
import dev.agentgatewayjcp.api.resource.RouteBackend;
import dev.agentgatewayjcp.api.resource.RouteMatch;
import dev.agentgatewayjcp.api.resource.TrafficPolicySpec;
import dev.agentgatewayjcp.translator.backend.BackendResolver;
import dev.agentgatewayjcp.translator.gateway.GatewayTranslation;
import dev.agentgatewayjcp.translator.input.TranslationContext;
import dev.agentgatewayjcp.translator.output.GatewayKey;
import io.fabric8.kubernetes.api.model.gatewayapi.v1.GRPCBackendRef;
import io.fabric8.kubernetes.api.model.gatewayapi.v1.GRPCHeaderMatch;
import io.fabric8.kubernetes.api.model.gatewayapi.v1.GRPCMethodMatch;
import io.fabric8.kubernetes.api.model.gatewayapi.v1.GRPCRoute;
import io.fabric8.kubernetes.api.model.gatewayapi.v1.GRPCRouteFilter;
import io.fabric8.kubernetes.api.model.gatewayapi.v1.GRPCRouteMatch;
import io.fabric8.kubernetes.api.model.gatewayapi.v1.GRPCRouteRule;
import io.fabric8.kubernetes.api.model.gatewayapi.v1.HTTPRouteFilter;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * GRPCRouteTranslator turns one GRPCRoute into agentgateway Routes (one per rule and attached
 * listener, carrying all the rule's matches) and its parent statuses.
 *
 * <p>gRPC calls are HTTP/2 requests to {@code /<service>/<method>}, so method matches become path
 * matches: service and method give an exact path, a service alone a path prefix covering every
 * method of it, a method alone a regex over any service.
 */
public final class GrpcRouteTranslator {

  private static final String ANY_SEGMENT = "[^/]+";

  private GrpcRouteTranslator() {}

  public static RouteTranslation translate(
      TranslationContext ctx,
      GRPCRoute route,
      Map<GatewayKey, GatewayTranslation> gateways,
      RouteClaims.View claims) {
    var spec = route.getSpec();
    return RouteAssembler.translate(
        ctx,
        route,
        spec == null ? null : spec.getHostnames(),
        spec == null ? null : spec.getParentRefs(),
        spec == null ? null : spec.getRules(),
        GrpcRouteTranslator::rule,
        gateways,
        claims,
        false);
  }

  private static RuleOutput rule(
      TranslationContext ctx,
      String ns,
      int index,
      GRPCRouteRule rule,
      FilterTranslator filters,
      RouteProblems problems) {
    List<RouteMatch> matches = new ArrayList<>();
    try {
      if (rule.getMatches() == null || rule.getMatches().isEmpty()) {
        matches.add(HttpMatchTranslator.MATCH_ALL);
      } else {
        for (GRPCRouteMatch m : rule.getMatches()) {
          matches.add(match(m));
        }
      }
    } catch (InvalidRuleException e) {
      problems.invalidRule(index, e);
      return null;
    }
    List<RouteBackend> backends = new ArrayList<>();
    List<TrafficPolicySpec> policies = new ArrayList<>();
    try {
      FilterTranslator.rejectSessionPersistence(rule.getSessionPersistence());
      policies.addAll(filters.rulePolicies(asHttp(rule.getFilters()), FilterTranslator.GRPC_RULE_FILTERS));
      if (rule.getBackendRefs() != null) {
        for (GRPCBackendRef ref : rule.getBackendRefs()) {
          BackendResolver.Resolved resolved =
              BackendResolver.resolve(
                  ctx, "GRPCRoute", ns, ref.getGroup(), ref.getKind(), ref.getName(), ref.getNamespace(), ref.getPort());
          problems.backend(resolved);
          RouteBackend.Builder b =
              RouteBackend.newBuilder().setWeight(ref.getWeight() == null ? 1 : ref.getWeight());
          if (resolved.reference() != null) {
            b.setBackend(resolved.reference());
          }
          b.addAllBackendPolicies(
              filters.backendPolicies(asHttp(ref.getFilters()), FilterTranslator.GRPC_BACKEND_FILTERS));
          backends.add(b.build());
        }
      }
    } catch (InvalidRuleException e) {
      problems.invalidRule(index, e);
      return new RuleOutput(index, rule.getName(), matches, List.of(), List.of(HttpRouteTranslator.FAIL_500));
    }
    return new RuleOutput(index, rule.getName(), matches, backends, policies);
  }

  static RouteMatch match(GRPCRouteMatch m) throws InvalidRuleException {
    RouteMatch.Builder out = RouteMatch.newBuilder();
    GRPCMethodMatch method = m.getMethod();
    if (method == null || (isEmpty(method.getService()) && isEmpty(method.getMethod()))) {
      out.setPath(PathMatch.newBuilder().setPathPrefix("/"));
    } else {
      String type = method.getType() == null ? "Exact" : method.getType();
      String service = method.getService();
      String name = method.getMethod();
      switch (type) {
        case "Exact" -> {
          if (!isEmpty(service) && !isEmpty(name)) {
            out.setPath(PathMatch.newBuilder().setExact("/" + service + "/" + name));
          } else if (!isEmpty(service)) {
            out.setPath(PathMatch.newBuilder().setPathPrefix("/" + service));
          } else {
            out.setPath(PathMatch.newBuilder().setRegex("/" + ANY_SEGMENT + "/" + escape(name)));
          }
        }
        case "RegularExpression" -> {
          String s = isEmpty(service) ? ANY_SEGMENT : service;
          String n = isEmpty(name) ? ANY_SEGMENT : name;
          RegexCheck.requireValid("gRPC service", s);
          RegexCheck.requireValid("gRPC method", n);
          out.setPath(PathMatch.newBuilder().setRegex("/(?:" + s + ")/(?:" + n + ")"));
        }
        default -> throw new InvalidRuleException("UnsupportedValue", "unsupported gRPC method match type " + type);
      }
    }
    if (m.getHeaders() != null) {
      for (GRPCHeaderMatch h : m.getHeaders()) {
        HttpMatchTranslator.requireName("header match", h.getName());
        HeaderMatch.Builder hm = HeaderMatch.newBuilder().setName(h.getName());
        String type = h.getType() == null ? "Exact" : h.getType();
        switch (type) {
          case "Exact" -> hm.setExact(h.getValue() == null ? "" : h.getValue());
          case "RegularExpression" -> {
            RegexCheck.requireValid("header " + h.getName(), h.getValue());
            hm.setRegex(h.getValue());
          }
          default -> throw new InvalidRuleException("UnsupportedValue", "unsupported header match type " + type);
        }
        out.addHeaders(hm);
      }
    }
    return out.build();
  }

  /** GRPCRoute filters are a subset of HTTPRoute filters with the same shapes. */
  private static List<HTTPRouteFilter> asHttp(List<GRPCRouteFilter> filters) {
    if (filters == null) {
      return null;
    }
    List<HTTPRouteFilter> out = new ArrayList<>();
    for (GRPCRouteFilter f : filters) {
      HTTPRouteFilter h = new HTTPRouteFilter();
      h.setType(f.getType());
      h.setRequestHeaderModifier(f.getRequestHeaderModifier());
      h.setResponseHeaderModifier(f.getResponseHeaderModifier());
      h.setRequestMirror(f.getRequestMirror());
      h.setExtensionRef(f.getExtensionRef());
      out.add(h);
    }
    return out;
  }

  private static String escape(String literal) {
    StringBuilder sb = new StringBuilder();
    for (char c : literal.toCharArray()) {
      if ("\\.+*?()|[]{}^$".indexOf(c) >= 0) {
        sb.append('\\');
      }
      sb.append(c);
    }
    return sb.toString();
  }

  private static boolean isEmpty(String s) {
    return s == null || s.isEmpty();
  }
}
