package dev.agentgatewayjcp.translator.route;

import dev.agentgatewayjcp.api.resource.BackendPolicySpec;
import dev.agentgatewayjcp.api.resource.CORS;
import dev.agentgatewayjcp.api.resource.Header;
import dev.agentgatewayjcp.api.resource.HeaderModifier;
import dev.agentgatewayjcp.api.resource.RequestMirrors;
import dev.agentgatewayjcp.api.resource.RequestRedirect;
import dev.agentgatewayjcp.api.resource.TrafficPolicySpec;
import dev.agentgatewayjcp.api.resource.UrlRewrite;
import dev.agentgatewayjcp.translator.backend.BackendResolver;
import dev.agentgatewayjcp.translator.input.TranslationContext;
import io.fabric8.kubernetes.api.model.gatewayapi.v1.BackendObjectReference;
import io.fabric8.kubernetes.api.model.gatewayapi.v1.HTTPCORSFilter;
import io.fabric8.kubernetes.api.model.gatewayapi.v1.HTTPHeader;
import io.fabric8.kubernetes.api.model.gatewayapi.v1.HTTPHeaderFilter;
import io.fabric8.kubernetes.api.model.gatewayapi.v1.HTTPPathModifier;
import io.fabric8.kubernetes.api.model.gatewayapi.v1.HTTPRequestMirrorFilter;
import io.fabric8.kubernetes.api.model.gatewayapi.v1.HTTPRequestRedirectFilter;
import io.fabric8.kubernetes.api.model.gatewayapi.v1.HTTPRouteFilter;
import io.fabric8.kubernetes.api.model.gatewayapi.v1.HTTPURLRewriteFilter;
import io.fabric8.kubernetes.api.model.gatewayapi.v1.LocalObjectReference;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;

/**
 * FilterTranslator turns the filters of one rule (or one backendRef) into agentgateway policies,
 * and records the backend problems and Service addresses its mirrors bring in.
 *
 * <p>Redirect, rewrite and CORS keep their spec order; header modifiers are merged (several
 * filters of one type concatenate) and, with the mirrors, follow them.
 */
final class FilterTranslator {

  /** Filter types an HTTPRoute rule accepts. */
  static final Set<String> HTTP_RULE_FILTERS =
      Set.of(
          "RequestHeaderModifier",
          "ResponseHeaderModifier",
          "RequestRedirect",
          "URLRewrite",
          "RequestMirror",
          "CORS");

  /** Filter types a GRPCRoute rule accepts. */
  static final Set<String> GRPC_RULE_FILTERS =
      Set.of("RequestHeaderModifier", "ResponseHeaderModifier", "RequestMirror");

  /** Filter types a backendRef accepts. */
  static final Set<String> HTTP_BACKEND_FILTERS =
      Set.of("RequestHeaderModifier", "ResponseHeaderModifier", "RequestRedirect", "RequestMirror");

  static final Set<String> GRPC_BACKEND_FILTERS =
      Set.of("RequestHeaderModifier", "ResponseHeaderModifier", "RequestMirror");

  private final TranslationContext ctx;
  private final String routeKind;
  private final String routeNamespace;
  private final RouteProblems problems;

  FilterTranslator(
      TranslationContext ctx, String routeKind, String routeNamespace, RouteProblems problems) {
    this.ctx = ctx;
    this.routeKind = routeKind;
    this.routeNamespace = routeNamespace;
    this.problems = problems;
  }

  /**
   * Translated filters: the order-preserving ones as both rule-level and backend-level specs
   * (which of the two is used depends on where the filters were), then the merged ones.
   */
  private record Translated(
      List<TrafficPolicySpec> orderedForRule,
      List<BackendPolicySpec> orderedForBackend,
      HeaderModifier request,
      HeaderModifier response,
      RequestMirrors mirrors) {}

  List<TrafficPolicySpec> rulePolicies(List<HTTPRouteFilter> filters, Set<String> allowed)
      throws InvalidRuleException {
    Translated t = translate(filters, allowed);
    List<TrafficPolicySpec> out = new ArrayList<>(t.orderedForRule());
    if (t.request() != null) {
      out.add(TrafficPolicySpec.newBuilder().setRequestHeaderModifier(t.request()).build());
    }
    if (t.response() != null) {
      out.add(TrafficPolicySpec.newBuilder().setResponseHeaderModifier(t.response()).build());
    }
    if (t.mirrors() != null) {
      out.add(TrafficPolicySpec.newBuilder().setRequestMirror(t.mirrors()).build());
    }
    return out;
  }

  List<BackendPolicySpec> backendPolicies(List<HTTPRouteFilter> filters, Set<String> allowed)
      throws InvalidRuleException {
    Translated t = translate(filters, allowed);
    List<BackendPolicySpec> out = new ArrayList<>(t.orderedForBackend());
    if (t.request() != null) {
      out.add(BackendPolicySpec.newBuilder().setRequestHeaderModifier(t.request()).build());
    }
    if (t.response() != null) {
      out.add(BackendPolicySpec.newBuilder().setResponseHeaderModifier(t.response()).build());
    }
    if (t.mirrors() != null) {
      out.add(BackendPolicySpec.newBuilder().setRequestMirror(t.mirrors()).build());
    }
    return out;
  }

  /**
   * Rejects a rule that asks for session persistence: agentgateway v1.4.1 has no session affinity
   * for routes, and serving the rule without it would silently break stateful clients.
   */
  static void rejectSessionPersistence(
      io.fabric8.kubernetes.api.model.gatewayapi.v1.SessionPersistence persistence)
      throws InvalidRuleException {
    if (persistence != null) {
      throw new InvalidRuleException(
          "UnsupportedValue", "sessionPersistence is not supported by agentgateway v1.4.1");
    }
  }

  private Translated translate(List<HTTPRouteFilter> filters, Set<String> allowed)
      throws InvalidRuleException {
    List<TrafficPolicySpec> forRule = new ArrayList<>();
    List<BackendPolicySpec> forBackend = new ArrayList<>();
    HeaderModifier.Builder request = null;
    HeaderModifier.Builder response = null;
    RequestMirrors.Builder mirrors = null;
    boolean redirected = false;
    boolean rewritten = false;
    if (filters == null) {
      return new Translated(forRule, forBackend, null, null, null);
    }
    for (HTTPRouteFilter f : filters) {
      String type = f.getType() == null ? "" : f.getType();
      if ("ExtensionRef".equals(type)) {
        LocalObjectReference ref = f.getExtensionRef();
        String what =
            ref == null ? "<missing>" : ref.getGroup() + "/" + ref.getKind() + " " + ref.getName();
        problems.resolvedRefs("InvalidKind", "unsupported ExtensionRef " + what);
        throw new InvalidRuleException("UnsupportedValue", "unsupported ExtensionRef " + what);
      }
      if (!allowed.contains(type)) {
        // The API requires Accepted=False/UnsupportedValue on the route for a filter type it
        // does not support; the rule still answers 500 so the filter is never skipped.
        throw InvalidRuleException.wholeRoute(
            "UnsupportedValue", "unsupported filter type \"" + type + "\" in " + routeKind);
      }
      switch (type) {
        case "RequestHeaderModifier" -> request = merge(request, require(type, f.getRequestHeaderModifier()));
        case "ResponseHeaderModifier" -> response = merge(response, require(type, f.getResponseHeaderModifier()));
        case "RequestRedirect" -> {
          if (redirected || rewritten) {
            throw new InvalidRuleException(
                "IncompatibleFilters", "RequestRedirect cannot be combined with another RequestRedirect or URLRewrite");
          }
          redirected = true;
          RequestRedirect redirect = redirect(require(type, f.getRequestRedirect()));
          forRule.add(TrafficPolicySpec.newBuilder().setRequestRedirect(redirect).build());
          forBackend.add(BackendPolicySpec.newBuilder().setRequestRedirect(redirect).build());
        }
        case "URLRewrite" -> {
          if (redirected || rewritten) {
            throw new InvalidRuleException(
                "IncompatibleFilters", "URLRewrite cannot be combined with RequestRedirect or another URLRewrite");
          }
          rewritten = true;
          forRule.add(TrafficPolicySpec.newBuilder().setUrlRewrite(rewrite(require(type, f.getUrlRewrite()))).build());
        }
        case "CORS" -> forRule.add(TrafficPolicySpec.newBuilder().setCors(cors(require(type, f.getCors()))).build());
        case "RequestMirror" -> {
          RequestMirrors.Mirror mirror = mirror(require(type, f.getRequestMirror()));
          if (mirror != null) {
            if (mirrors == null) {
              mirrors = RequestMirrors.newBuilder();
            }
            mirrors.addMirrors(mirror);
          }
        }
        default -> throw new InvalidRuleException("UnsupportedValue", "unsupported filter type " + type);
      }
    }
    return new Translated(
        forRule,
        forBackend,
        request == null ? null : request.build(),
        response == null ? null : response.build(),
        mirrors == null ? null : mirrors.build());
  }

  private static <T> T require(String type, T config) throws InvalidRuleException {
    if (config == null) {
      throw new InvalidRuleException("UnsupportedValue", "filter " + type + " has no configuration");
    }
    return config;
  }

  private static HeaderModifier.Builder merge(HeaderModifier.Builder into, HTTPHeaderFilter f)
      throws InvalidRuleException {
    HeaderModifier.Builder b = into == null ? HeaderModifier.newBuilder() : into;
    if (f.getAdd() != null) {
      for (HTTPHeader h : f.getAdd()) {
        HttpMatchTranslator.requireName("header modifier", h.getName());
        b.addAdd(Header.newBuilder().setName(h.getName()).setValue(nullToEmpty(h.getValue())));
      }
    }
    if (f.getSet() != null) {
      for (HTTPHeader h : f.getSet()) {
        HttpMatchTranslator.requireName("header modifier", h.getName());
        b.addSet(Header.newBuilder().setName(h.getName()).setValue(nullToEmpty(h.getValue())));
      }
    }
    if (f.getRemove() != null) {
      for (String name : f.getRemove()) {
        HttpMatchTranslator.requireName("header modifier", name);
        b.addRemove(name);
      }
    }
    return b;
  }

  private static RequestRedirect redirect(HTTPRequestRedirectFilter f) throws InvalidRuleException {
    RequestRedirect.Builder b = RequestRedirect.newBuilder();
    if (f.getScheme() != null) {
      b.setScheme(f.getScheme());
    }
    if (f.getHostname() != null) {
      b.setHost(f.getHostname());
    }
    if (f.getPort() != null) {
      b.setPort(f.getPort());
    }
    if (f.getStatusCode() != null) {
      int code = f.getStatusCode();
      if (code != 301 && code != 302 && code != 303 && code != 307 && code != 308) {
        throw new InvalidRuleException("UnsupportedValue", "unsupported redirect status code " + code);
      }
      b.setStatus(code);
    }
    HTTPPathModifier path = f.getPath();
    if (path != null) {
      switch (String.valueOf(path.getType())) {
        case "ReplaceFullPath" -> b.setFull(nullToEmpty(path.getReplaceFullPath()));
        case "ReplacePrefixMatch" -> b.setPrefix(HttpMatchTranslator.trimPrefix(nullToEmpty(path.getReplacePrefixMatch())));
        default -> throw new InvalidRuleException("UnsupportedValue", "unsupported path modifier " + path.getType());
      }
    }
    return b.build();
  }

  private static UrlRewrite rewrite(HTTPURLRewriteFilter f) throws InvalidRuleException {
    UrlRewrite.Builder b = UrlRewrite.newBuilder();
    if (f.getHostname() != null) {
      b.setHost(f.getHostname());
    }
    HTTPPathModifier path = f.getPath();
    if (path != null) {
      switch (String.valueOf(path.getType())) {
        case "ReplaceFullPath" -> b.setFull(nullToEmpty(path.getReplaceFullPath()));
        case "ReplacePrefixMatch" -> b.setPrefix(HttpMatchTranslator.trimPrefix(nullToEmpty(path.getReplacePrefixMatch())));
        default -> throw new InvalidRuleException("UnsupportedValue", "unsupported path modifier " + path.getType());
      }
    }
    return b.build();
  }

  private static CORS cors(HTTPCORSFilter f) {
    CORS.Builder b = CORS.newBuilder();
    if (f.getAllowCredentials() != null) {
      b.setAllowCredentials(f.getAllowCredentials());
    }
    if (f.getAllowHeaders() != null) {
      b.addAllAllowHeaders(present(f.getAllowHeaders()));
    }
    if (f.getAllowMethods() != null) {
      b.addAllAllowMethods(present(f.getAllowMethods()));
    }
    if (f.getAllowOrigins() != null) {
      b.addAllAllowOrigins(present(f.getAllowOrigins()));
    }
    if (f.getExposeHeaders() != null) {
      b.addAllExposeHeaders(present(f.getExposeHeaders()));
    }
    if (f.getMaxAge() != null) {
      b.setMaxAge(com.google.protobuf.Duration.newBuilder().setSeconds(f.getMaxAge()));
    }
    return b.build();
  }

  /** A mirror, or null when it would mirror nothing (0 %) or cannot name a backend at all. */
  private RequestMirrors.Mirror mirror(HTTPRequestMirrorFilter f) throws InvalidRuleException {
    double percentage = 100.0;
    if (f.getFraction() != null && f.getFraction().getNumerator() != null) {
      int denominator = f.getFraction().getDenominator() == null ? 100 : f.getFraction().getDenominator();
      if (denominator <= 0) {
        throw new InvalidRuleException("UnsupportedValue", "mirror fraction denominator must be positive");
      }
      percentage = f.getFraction().getNumerator() * 100.0 / denominator;
    } else if (f.getPercent() != null) {
      percentage = f.getPercent();
    }
    BackendObjectReference ref = f.getBackendRef();
    if (ref == null) {
      throw new InvalidRuleException("UnsupportedValue", "RequestMirror has no backendRef");
    }
    BackendResolver.Resolved resolved =
        BackendResolver.resolve(
            ctx,
            routeKind,
            routeNamespace,
            ref.getGroup(),
            ref.getKind(),
            ref.getName(),
            ref.getNamespace(),
            ref.getPort());
    problems.backend(resolved);
    // A mirror without a Service to send to would only make the proxy reject the route.
    if (percentage <= 0 || resolved.reference() == null || !resolved.reference().hasService()) {
      return null;
    }
    return RequestMirrors.Mirror.newBuilder()
        .setBackend(resolved.reference())
        .setPercentage(percentage)
        .build();
  }

  private static List<String> present(List<String> values) {
    return values.stream().filter(v -> v != null).toList();
  }

  private static String nullToEmpty(String s) {
    return s == null ? "" : s;
  }
}
