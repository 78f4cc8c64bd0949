package dev.agentgatewayjcp.translator.policy;

import dev.agentgatewayjcp.api.istio.AuthorizationPolicySpec;
import dev.agentgatewayjcp.api.istio.AuthorizationPolicySpec.Condition;
import dev.agentgatewayjcp.api.istio.AuthorizationPolicySpec.Operation;
import dev.agentgatewayjcp.api.istio.AuthorizationPolicySpec.Rule;
import dev.agentgatewayjcp.api.istio.AuthorizationPolicySpec.Source;
import dev.agentgatewayjcp.api.istio.IstioSpecPart;
import dev.agentgatewayjcp.translator.address.IpAddresses;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.function.Function;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * AuthorizationRules turns the rules of an Istio AuthorizationPolicy into CEL expressions over
 * agentgateway v1.4.1's request context, one expression per rule, with Istio's structure: a rule
 * is the AND of its from, to and when parts; from and to are ORs of their entries; inside an entry
 * every set field must match; a field's values are ORed and a not-field must match none.
 *
 * <p>Every expression is total: each lookup that can be absent (a header, a claim, the JWT, the
 * peer identity) is guarded first, so an expression evaluates to true or false and never to an
 * error, which agentgateway would count as false.
 */
final class AuthorizationRules {

  /** The peer's SPIFFE identity as Istio writes principals: trust-domain/ns/NS/sa/SA. */
  private static final String PRINCIPAL =
      "(source.identity.trustDomain + \"/ns/\" + source.identity.namespace + \"/sa/\" + source.identity.serviceAccount)";
  private static final String HAS_IDENTITY = "has(source.identity)";
  private static final String REQUEST_PRINCIPAL = "(string(jwt.iss) + \"/\" + string(jwt.sub))";
  private static final String HAS_REQUEST_PRINCIPAL = "(has(jwt.iss) && has(jwt.sub))";
  private static final Pattern CLAIM_KEY = Pattern.compile("^request\\.auth\\.claims((\\[[^\\[\\]]+\\])+)$");
  private static final Pattern HEADER_KEY = Pattern.compile("^request\\.headers\\[([^\\[\\]]+)\\]$");
  private static final Pattern PATH_CHARS = Pattern.compile("^/[\\x21-\\x7e]*$|^\\*.*|.*\\*$");

  /**
   * True for a path agentgateway passes on as it came. Istio's gateways normalise paths before
   * matching (dot segments, percent-encoded unreserved characters, backslashes); agentgateway
   * does not, so on a Gateway with path rules such requests are refused rather than matched
   * against a form the backend may read differently.
   */
  static final String NORMALIZED_PATH =
      "!request.path.matches("
          + Cel.string(
              "(^|/)(\\.|%2[eE]){1,2}(/|$)|\\\\|%(2[dDeE]|3[0-9]|[46][1-9a-fA-F]|[57][0-9aA]|5[fF]|7[eE]|5[cC])")
          + ")";

  private AuthorizationRules() {}

  /** The translated rules: one expression per rule, and whether any rule looks at paths. */
  record Translated(List<String> rules, boolean usesPaths) {}

  static Translated translate(AuthorizationPolicySpec spec) throws UnsupportedPolicyException {
    List<String> out = new ArrayList<>();
    boolean[] paths = {false};
    List<Rule> rules = spec.rules == null ? List.of() : spec.rules;
    for (int i = 0; i < rules.size(); i++) {
      Rule rule = rules.get(i);
      String where = "rules[" + i + "]";
      if (rule == null) {
        out.add("true");
        continue;
      }
      unknown(rule, where);
      List<String> parts = new ArrayList<>();
      if (rule.from != null && !rule.from.isEmpty()) {
        List<String> sources = new ArrayList<>();
        for (int j = 0; j < rule.from.size(); j++) {
          var from = rule.from.get(j);
          String w = where + ".from[" + j + "]";
          if (from == null || from.source == null) {
            throw new UnsupportedPolicyException(w + ": a from entry needs a source");
          }
          unknown(from, w);
          sources.add(source(from.source, w + ".source"));
        }
        parts.add(Cel.or(sources));
      }
      if (rule.to != null && !rule.to.isEmpty()) {
        List<String> operations = new ArrayList<>();
        for (int j = 0; j < rule.to.size(); j++) {
          var to = rule.to.get(j);
          String w = where + ".to[" + j + "]";
          if (to == null || to.operation == null) {
            throw new UnsupportedPolicyException(w + ": a to entry needs an operation");
          }
          unknown(to, w);
          Operation op = to.operation;
          paths[0] |= notEmpty(op.paths) || notEmpty(op.notPaths);
          operations.add(operation(op, w + ".operation"));
        }
        parts.add(Cel.or(operations));
      }
      if (rule.when != null) {
        for (int j = 0; j < rule.when.size(); j++) {
          parts.add(condition(rule.when.get(j), where + ".when[" + j + "]"));
        }
      }
      out.add(Cel.and(parts));
    }
    return new Translated(out, paths[0]);
  }

  private static String source(Source s, String where) throws UnsupportedPolicyException {
    unknown(s, where);
    List<String> parts = new ArrayList<>();
    field(parts, s.principals, s.notPrincipals, where + ".principals",
        v -> guarded(HAS_IDENTITY, Cel.match(PRINCIPAL, v)));
    field(parts, s.requestPrincipals, s.notRequestPrincipals, where + ".requestPrincipals",
        v -> guarded(HAS_REQUEST_PRINCIPAL, Cel.match(REQUEST_PRINCIPAL, v)));
    field(parts, s.namespaces, s.notNamespaces, where + ".namespaces",
        v -> guarded(HAS_IDENTITY, Cel.match("source.identity.namespace", v)));
    fieldChecked(parts, s.ipBlocks, s.notIpBlocks, where + ".ipBlocks", v -> cidr(v, "source.rawAddress"));
    fieldChecked(parts, s.remoteIpBlocks, s.notRemoteIpBlocks, where + ".remoteIpBlocks",
        v -> cidr(v, "source.address"));
    return Cel.and(parts);
  }

  private static String operation(Operation op, String where) throws UnsupportedPolicyException {
    unknown(op, where);
    List<String> parts = new ArrayList<>();
    field(parts, op.hosts, op.notHosts, where + ".hosts", AuthorizationRules::host);
    fieldChecked(parts, op.ports, op.notPorts, where + ".ports", v -> "destination.port == " + port(v));
    field(parts, op.methods, op.notMethods, where + ".methods", v -> Cel.match("request.method", v));
    fieldChecked(parts, op.paths, op.notPaths, where + ".paths", AuthorizationRules::path);
    return Cel.and(parts);
  }

  private static String condition(Condition c, String where) throws UnsupportedPolicyException {
    if (c == null || c.key == null || c.key.isEmpty()) {
      throw new UnsupportedPolicyException(where + ": a condition needs a key");
    }
    unknown(c, where);
    if (!notEmpty(c.values) && !notEmpty(c.notValues)) {
      throw new UnsupportedPolicyException(where + ": condition " + c.key + " needs values or notValues");
    }
    String key = c.key;
    Checked<String> one = conditionMatcher(key, where);
    List<String> parts = new ArrayList<>();
    fieldChecked(parts, c.values, c.notValues, where + "(" + key + ")", one);
    return Cel.and(parts);
  }

  private static Checked<String> conditionMatcher(String key, String where)
      throws UnsupportedPolicyException {
    Matcher header = HEADER_KEY.matcher(key);
    if (header.matches()) {
      String name = header.group(1).trim().toLowerCase(Locale.ROOT);
      String lit = Cel.string(name);
      return v -> guarded(lit + " in request.headers", Cel.match("request.headers.join()[" + lit + "]", v));
    }
    Matcher claim = CLAIM_KEY.matcher(key);
    if (claim.matches()) {
      List<String> path = new ArrayList<>();
      Matcher seg = Pattern.compile("\\[([^\\[\\]]+)\\]").matcher(claim.group(1));
      while (seg.find()) {
        path.add(seg.group(1));
      }
      return v -> claimMatch(path, v);
    }
    return switch (key) {
      case "source.ip" -> v -> cidr(v, "source.rawAddress");
      case "remote.ip" -> v -> cidr(v, "source.address");
      case "destination.ip" -> v -> cidr(v, "destination.address");
      case "destination.port" -> v -> "destination.port == " + port(v);
      case "source.namespace" -> v -> guarded(HAS_IDENTITY, Cel.match("source.identity.namespace", v));
      case "source.principal" -> v -> guarded(HAS_IDENTITY, Cel.match(PRINCIPAL, v));
      case "request.auth.principal" -> v -> guarded(HAS_REQUEST_PRINCIPAL, Cel.match(REQUEST_PRINCIPAL, v));
      case "request.auth.audiences" -> v -> claimMatch(List.of("aud"), v);
      case "request.auth.presenter" -> v -> claimMatch(List.of("azp"), v);
      default -> throw new UnsupportedPolicyException(
          where + ": condition key " + key + " is not supported on agentgateway"
              + " (supported: request.headers[...], request.auth.claims[...], request.auth.principal,"
              + " request.auth.audiences, request.auth.presenter, source.ip, remote.ip, source.namespace,"
              + " source.principal, destination.ip, destination.port)");
    };
  }

  /**
   * A claim (a path into nested claims) matched as Istio does: a string claim must match, a list
   * claim must hold a matching string. Each step is guarded by its type, so the result is total.
   */
  private static String claimMatch(List<String> path, String value) {
    List<String> guards = new ArrayList<>();
    guards.add("jwt != null");
    String current = "jwt";
    for (int i = 0; i < path.size(); i++) {
      String lit = Cel.string(path.get(i));
      if (i > 0) {
        guards.add("type(" + current + ") == map");
      }
      guards.add(lit + " in " + current);
      current = current + "[" + lit + "]";
    }
    String v = current;
    String typed =
        "((type(" + v + ") == string && " + Cel.match(v, value) + ") || (type(" + v + ") == list && "
            + v + ".exists(c, type(c) == string && " + Cel.match("c", value) + ")))";
    guards.add(typed);
    return "(" + String.join(" && ", guards) + ")";
  }

  /** Istio matches hosts case-insensitively, with or without a port. */
  private static String host(String value) {
    String v = value.toLowerCase(Locale.ROOT);
    String re;
    if (v.equals("*")) {
      re = ".+";
    } else if (v.startsWith("*")) {
      re = ".*" + Cel.regexLiteral(v.substring(1));
    } else if (v.endsWith("*")) {
      re = Cel.regexLiteral(v.substring(0, v.length() - 1)) + ".*";
    } else {
      re = Cel.regexLiteral(v);
    }
    return "request.host.lowerAscii().matches(" + Cel.string("^" + re + "(:[0-9]+)?$") + ")";
  }

  private static String path(String value) throws UnsupportedPolicyException {
    if (value.contains("{") || value.contains("}")) {
      throw new UnsupportedPolicyException(
          "path template " + value + " ({*} / {**}) is not supported on agentgateway yet");
    }
    if (!PATH_CHARS.matcher(value).matches()) {
      throw new UnsupportedPolicyException("path " + value + " must start with / (or be a * wildcard)");
    }
    return Cel.match("request.path", value);
  }

  private static int port(String value) throws UnsupportedPolicyException {
    try {
      int p = Integer.parseInt(value.trim());
      if (p >= 1 && p <= 65535) {
        return p;
      }
    } catch (NumberFormatException e) {
      // reported below
    }
    throw new UnsupportedPolicyException("port " + value + " is not a number from 1 to 65535");
  }

  /** An IP or CIDR as a containsIP test; plain addresses become /32 or /128. */
  static String cidr(String value, String address) throws UnsupportedPolicyException {
    String v = value.trim();
    String ip = v;
    int prefix = -1;
    int slash = v.indexOf('/');
    if (slash >= 0) {
      ip = v.substring(0, slash);
      try {
        prefix = Integer.parseInt(v.substring(slash + 1));
      } catch (NumberFormatException e) {
        throw new UnsupportedPolicyException("invalid CIDR " + value);
      }
    }
    var bytes = IpAddresses.parse(ip);
    if (bytes.isEmpty()) {
      throw new UnsupportedPolicyException("invalid IP address or CIDR " + value);
    }
    int max = bytes.get().size() * 8;
    if (prefix < 0) {
      prefix = max;
    }
    if (prefix > max) {
      throw new UnsupportedPolicyException("invalid CIDR prefix in " + value);
    }
    return "cidr(" + Cel.string(ip + "/" + prefix) + ").containsIP(" + address + ")";
  }

  private static String guarded(String guard, String expr) {
    return "(" + guard + " && " + expr + ")";
  }

  /** A value-to-expression function that may reject the value. */
  private interface Checked<T> {
    String apply(T value) throws UnsupportedPolicyException;
  }

  private static void field(
      List<String> parts, List<String> values, List<String> notValues, String where, Function<String, String> f)
      throws UnsupportedPolicyException {
    fieldChecked(parts, values, notValues, where, f::apply);
  }

  private static void fieldChecked(
      List<String> parts, List<String> values, List<String> notValues, String where, Checked<String> f)
      throws UnsupportedPolicyException {
    if (notEmpty(values)) {
      parts.add(Cel.or(each(values, where, f)));
    }
    if (notEmpty(notValues)) {
      parts.add(Cel.not(Cel.or(each(notValues, where.replaceFirst("\\.(\\w)", ".not$1"), f))));
    }
  }

  private static List<String> each(List<String> values, String where, Checked<String> f)
      throws UnsupportedPolicyException {
    List<String> out = new ArrayList<>();
    for (String v : values) {
      if (v == null || v.isEmpty()) {
        throw new UnsupportedPolicyException(where + ": empty value");
      }
      try {
        out.add(f.apply(v));
      } catch (UnsupportedPolicyException e) {
        throw new UnsupportedPolicyException(where + ": " + e.getMessage());
      }
    }
    return out;
  }

  private static boolean notEmpty(List<?> list) {
    return list != null && !list.isEmpty();
  }

  /** Rejects fields our model does not know: ignoring them could widen or narrow the policy. */
  static void unknown(IstioSpecPart part, String where) throws UnsupportedPolicyException {
    if (!part.getUnknownFields().isEmpty()) {
      throw new UnsupportedPolicyException(
          where + ": field(s) " + String.join(", ", part.getUnknownFields().keySet())
              + " not supported on agentgateway");
    }
  }
}
