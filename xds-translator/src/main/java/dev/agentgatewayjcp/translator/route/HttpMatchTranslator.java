package dev.agentgatewayjcp.translator.route;

import dev.agentgatewayjcp.api.resource.HeaderMatch;
import dev.agentgatewayjcp.api.resource.MethodMatch;
import dev.agentgatewayjcp.api.resource.PathMatch;
import dev.agentgatewayjcp.api.resource.QueryMatch;
import dev.agentgatewayjcp.api.resource.RouteMatch;
import io.fabric8.kubernetes.api.model.gatewayapi.v1.HTTPHeaderMatch;
import io.fabric8.kubernetes.api.model.gatewayapi.v1.HTTPPathMatch;
import io.fabric8.kubernetes.api.model.gatewayapi.v1.HTTPQueryParamMatch;
import io.fabric8.kubernetes.api.model.gatewayapi.v1.HTTPRouteMatch;

/** HttpMatchTranslator turns one HTTPRoute match into an agentgateway RouteMatch. */
public final class HttpMatchTranslator {

  /** The match a rule without matches gets: the proxy never matches an empty list. */
  public static final RouteMatch MATCH_ALL =
      RouteMatch.newBuilder().setPath(PathMatch.newBuilder().setPathPrefix("/")).build();

  private HttpMatchTranslator() {}

  public static RouteMatch translate(HTTPRouteMatch match) throws InvalidRuleException {
    RouteMatch.Builder out = RouteMatch.newBuilder();
    out.setPath(path(match.getPath()));
    if (match.getHeaders() != null) {
      for (HTTPHeaderMatch h : match.getHeaders()) {
        requireName("header match", h.getName());
        HeaderMatch.Builder hm = HeaderMatch.newBuilder().setName(h.getName());
        String type = h.getType() == null ? "Exact" : h.getType();
        switch (type) {
          case "Exact" -> hm.setExact(nullToEmpty(h.getValue()));
          case "RegularExpression" -> {
            RegexCheck.requireValid("header " + h.getName(), h.getValue());
            hm.setRegex(h.getValue());
          }
          default -> throw new InvalidRuleException(
              "UnsupportedValue", "unsupported header match type " + type);
        }
        out.addHeaders(hm);
      }
    }
    if (match.getQueryParams() != null) {
      for (HTTPQueryParamMatch q : match.getQueryParams()) {
        requireName("query parameter match", q.getName());
        QueryMatch.Builder qm = QueryMatch.newBuilder().setName(q.getName());
        String type = q.getType() == null ? "Exact" : q.getType();
        switch (type) {
          case "Exact" -> qm.setExact(nullToEmpty(q.getValue()));
          case "RegularExpression" -> {
            RegexCheck.requireValid("query parameter " + q.getName(), q.getValue());
            qm.setRegex(q.getValue());
          }
          default -> throw new InvalidRuleException(
              "UnsupportedValue", "unsupported query parameter match type " + type);
        }
        out.addQueryParams(qm);
      }
    }
    if (match.getMethod() != null && !match.getMethod().isEmpty()) {
      out.setMethod(MethodMatch.newBuilder().setExact(match.getMethod()));
    }
    return out.build();
  }

  private static PathMatch path(HTTPPathMatch path) throws InvalidRuleException {
    String type = path == null || path.getType() == null ? "PathPrefix" : path.getType();
    String value = path == null || path.getValue() == null ? "/" : path.getValue();
    return switch (type) {
      case "PathPrefix" -> PathMatch.newBuilder().setPathPrefix(trimPrefix(leadingSlash(value))).build();
      case "Exact" -> PathMatch.newBuilder().setExact(leadingSlash(value)).build();
      case "RegularExpression" -> {
        RegexCheck.requireValid("path", value);
        yield PathMatch.newBuilder().setRegex(value).build();
      }
      default -> throw new InvalidRuleException("UnsupportedValue", "unsupported path match type " + type);
    };
  }

  /** Throws unless a match or modifier names its header or parameter. */
  static void requireName(String what, String name) throws InvalidRuleException {
    if (name == null || name.isEmpty()) {
      throw new InvalidRuleException("UnsupportedValue", what + " without a name");
    }
  }

  private static String leadingSlash(String value) {
    return value.startsWith("/") ? value : "/" + value;
  }

  /** Prefix matching is per path element, so trailing slashes carry no meaning. */
  static String trimPrefix(String value) {
    String v = value;
    while (v.length() > 1 && v.endsWith("/")) {
      v = v.substring(0, v.length() - 1);
    }
    return v;
  }

  private static String nullToEmpty(String s) {
    return s == null ? "" : s;
  }
}
