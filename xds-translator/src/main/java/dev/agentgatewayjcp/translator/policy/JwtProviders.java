package dev.agentgatewayjcp.translator.policy;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.agentgatewayjcp.api.istio.FetchedJwks;
import dev.agentgatewayjcp.api.istio.RequestAuthenticationSpec.JwtRule;
import dev.agentgatewayjcp.api.resource.AuthorizationLocation;
import dev.agentgatewayjcp.translator.input.InputKind;
import dev.agentgatewayjcp.translator.input.TranslationContext;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;

/**
 * JwtProviders turns one Istio JWT rule into what agentgateway needs: the token location and the
 * key set to inline. Keys come from the rule's {@code jwks}, or from the {@link FetchedJwks} input
 * the controller fills for {@code jwksUri} (or, with neither, for the issuer's OIDC discovery).
 * When no usable key exists the key set is empty, so every token of that issuer is rejected.
 */
final class JwtProviders {

  static final String NO_KEYS = "{\"keys\":[]}";
  private static final ObjectMapper JSON =
      new ObjectMapper().configure(SerializationFeature.ORDER_MAP_ENTRIES_BY_KEYS, true);
  private static final Set<String> KEY_TYPES = Set.of("RSA", "EC", "OKP");
  private static final Set<String> PRIVATE_MEMBERS = Set.of("d", "p", "q", "dp", "dq", "qi", "oth", "k");

  private JwtProviders() {}

  /** A rule's keys and location, and the problems found; rejected means the issuer gets no keys. */
  record Provider(String issuer, List<String> audiences, String jwks, AuthorizationLocation location,
      List<String> problems, boolean rejected) {}

  static Provider provider(TranslationContext ctx, JwtRule rule, String where) {
    List<String> problems = new ArrayList<>();
    boolean rejected = false;
    if (rule.issuer == null || rule.issuer.isEmpty()) {
      problems.add(where + ": issuer is required");
      return new Provider("", List.of(), NO_KEYS, null, problems, true);
    }
    if (!rule.getUnknownFields().isEmpty()) {
      problems.add(where + ": field(s) " + String.join(", ", rule.getUnknownFields().keySet())
          + " not supported on agentgateway");
      rejected = true;
    }
    if (rule.outputPayloadToHeader != null && !rule.outputPayloadToHeader.isEmpty()) {
      problems.add(where + ": outputPayloadToHeader is not supported on agentgateway");
      rejected = true;
    }
    if (rule.outputClaimToHeaders != null && !rule.outputClaimToHeaders.isEmpty()) {
      problems.add(where + ": outputClaimToHeaders is not supported on agentgateway");
      rejected = true;
    }
    if (rule.fromCookies != null && !rule.fromCookies.isEmpty()) {
      problems.add(where + ": fromCookies is not supported yet");
      rejected = true;
    }
    if (Boolean.TRUE.equals(rule.forwardOriginalToken)) {
      // Not a rejection: agentgateway always removes a validated token, which only withholds it.
      problems.add(where + ": forwardOriginalToken is not supported: agentgateway removes the token"
          + " from the request after validating it");
    }
    AuthorizationLocation location = null;
    int headers = rule.fromHeaders == null ? 0 : rule.fromHeaders.size();
    int params = rule.fromParams == null ? 0 : rule.fromParams.size();
    if (headers + params > 1) {
      problems.add(where + ": agentgateway reads a token from one place only; give one fromHeaders or fromParams entry");
      rejected = true;
    } else if (headers == 1) {
      var h = rule.fromHeaders.get(0);
      if (h == null || h.name == null || h.name.isEmpty() || !h.getUnknownFields().isEmpty()) {
        problems.add(where + ".fromHeaders[0]: needs a name (and only name and prefix)");
        rejected = true;
      } else {
        var header = AuthorizationLocation.Header.newBuilder().setName(h.name.toLowerCase(java.util.Locale.ROOT));
        if (h.prefix != null) {
          header.setPrefix(h.prefix);
        }
        location = AuthorizationLocation.newBuilder().setHeader(header).build();
      }
    } else if (params == 1) {
      String p = rule.fromParams.get(0);
      if (p == null || p.isEmpty()) {
        problems.add(where + ".fromParams[0]: empty");
        rejected = true;
      } else {
        location = AuthorizationLocation.newBuilder()
            .setQueryParameter(AuthorizationLocation.QueryParameter.newBuilder().setName(p))
            .build();
      }
    }
    String jwks = NO_KEYS;
    if (!rejected) {
      String raw;
      String source = FetchedJwks.sourceFor(rule);
      if (source == null) {
        raw = rule.jwks;
      } else {
        FetchedJwks fetched = ctx.get(InputKind.FETCHED_JWKS, null, FetchedJwks.nameFor(source)).orElse(null);
        raw = fetched == null ? null : fetched.jwks;
        if (fetched == null) {
          problems.add(where + ": keys from " + describe(source) + " are not fetched yet; tokens of "
              + rule.issuer + " are rejected until they are");
        } else if (fetched.error != null) {
          problems.add(where + ": fetching keys from " + describe(source) + " failed: " + fetched.error
              + (raw == null ? "; tokens of " + rule.issuer + " are rejected" : "; using the last good keys"));
        }
      }
      if (raw != null) {
        jwks = usableKeys(raw, where, problems);
      }
    }
    List<String> audiences = rule.audiences == null ? List.of() : List.copyOf(rule.audiences);
    return new Provider(rule.issuer, audiences, jwks, location, problems, rejected);
  }

  private static String describe(String source) {
    return source.startsWith("jwks:") ? "jwksUri " + source.substring(5)
        : "the OIDC discovery of issuer " + source.substring(7);
  }

  /**
   * The public keys agentgateway can use, as canonical JSON. Keys without a kid, of another type
   * or carrying private members are dropped (agentgateway would drop the whole provider).
   */
  static String usableKeys(String raw, String where, List<String> problems) {
    JsonNode root;
    try {
      root = JSON.readTree(raw);
    } catch (Exception e) {
      problems.add(where + ": jwks is not valid JSON");
      return NO_KEYS;
    }
    if (root == null || !root.isObject() || !root.path("keys").isArray()) {
      problems.add(where + ": jwks must be a JSON object with a keys array");
      return NO_KEYS;
    }
    ArrayNode kept = JSON.createArrayNode();
    int dropped = 0;
    for (JsonNode key : root.get("keys")) {
      boolean ok = key.isObject()
          && key.path("kid").isTextual()
          && !key.path("kid").asText().isEmpty()
          && KEY_TYPES.contains(key.path("kty").asText());
      if (ok) {
        for (String member : PRIVATE_MEMBERS) {
          ok &= !key.has(member);
        }
      }
      if (ok) {
        kept.add(key);
      } else {
        dropped++;
      }
    }
    if (dropped > 0) {
      problems.add(where + ": dropped " + dropped + " key(s) without a kid, of an unsupported type or with private members");
    }
    ObjectNode out = JSON.createObjectNode();
    out.set("keys", kept);
    try {
      return JSON.writeValueAsString(JSON.treeToValue(out, Object.class));
    } catch (Exception e) {
      return NO_KEYS;
    }
  }
}
