package dev.agentgatewayjcp.translator.route;

import dev.agentgatewayjcp.api.resource.DirectResponse;
import dev.agentgatewayjcp.api.resource.Retry;
import dev.agentgatewayjcp.api.resource.RouteBackend;
import dev.agentgatewayjcp.api.resource.RouteMatch;
import dev.agentgatewayjcp.api.resource.Timeout;
import dev.agentgatewayjcp.api.resource.TrafficPolicySpec;
import dev.agentgatewayjcp.translator.backend.BackendResolver;
import dev.agentgatewayjcp.translator.gateway.GatewayTranslation;
import dev.agentgatewayjcp.translator.input.TranslationContext;
import dev.agentgatewayjcp.translator.output.GatewayKey;
import io.fabric8.kubernetes.api.model.gatewayapi.v1.HTTPBackendRef;
import io.fabric8.kubernetes.api.model.gatewayapi.v1.HTTPRoute;
import io.fabric8.kubernetes.api.model.gatewayapi.v1.HTTPRouteMatch;
import io.fabric8.kubernetes.api.model.gatewayapi.v1.HTTPRouteRetry;
import io.fabric8.kubernetes.api.model.gatewayapi.v1.HTTPRouteRule;
import io.fabric8.kubernetes.api.model.gatewayapi.v1.HTTPRouteTimeouts;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * HttpRouteTranslator turns one HTTPRoute into agentgateway Routes (one per rule, match and
 * attached listener) and its parent statuses.
 *
 * <p>Problems are contained to the rule that has them: a rule whose matches cannot be translated
 * produces no Routes; a rule whose filters, timeouts or retries cannot be translated answers its
 * matches with HTTP 500, so its traffic neither disappears nor reaches a backend unfiltered.
 */
public final class HttpRouteTranslator {

  /** What a rule that cannot be honoured answers. */
  static final TrafficPolicySpec FAIL_500 =
      TrafficPolicySpec.newBuilder().setDirectResponse(DirectResponse.newBuilder().setStatus(500)).build();

  private HttpRouteTranslator() {}

  public static RouteTranslation translate(
      TranslationContext ctx,
      HTTPRoute route,
      Map<GatewayKey, GatewayTranslation> gateways,
      RouteClaims.View claims) {
    var spec = route.getSpec();
    return RouteAssembler.translate(
        ctx,
        route,
        spec == null ? null : spec.getHostnames(),
        spec == null ? null : spec.getParentRefs(),
        spec == null ? null : spec.getRules(),
        HttpRouteTranslator::rule,
        gateways,
        claims,
        true);
  }

  private static RuleOutput rule(
      TranslationContext ctx,
      String ns,
      int index,
      HTTPRouteRule rule,
      FilterTranslator filters,
      RouteProblems problems) {
    List<RouteMatch> matches = new ArrayList<>();
    try {
      if (rule.getMatches() == null || rule.getMatches().isEmpty()) {
        matches.add(HttpMatchTranslator.MATCH_ALL);
      } else {
        for (HTTPRouteMatch m : rule.getMatches()) {
          matches.add(HttpMatchTranslator.translate(m));
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
      policies.addAll(filters.rulePolicies(rule.getFilters(), FilterTranslator.HTTP_RULE_FILTERS));
      TrafficPolicySpec timeout = timeout(rule.getTimeouts());
      if (timeout != null) {
        policies.add(timeout);
      }
      TrafficPolicySpec retry = retry(rule.getRetry());
      if (retry != null) {
        policies.add(retry);
      }
      if (rule.getBackendRefs() != null) {
        for (HTTPBackendRef ref : rule.getBackendRefs()) {
          backends.add(backend(ctx, ns, ref, filters, problems));
        }
      }
    } catch (InvalidRuleException e) {
      problems.invalidRule(index, e);
      return new RuleOutput(index, rule.getName(), matches, List.of(), List.of(FAIL_500));
    }
    return new RuleOutput(index, rule.getName(), matches, backends, policies);
  }

  private static RouteBackend backend(
      TranslationContext ctx,
      String ns,
      HTTPBackendRef ref,
      FilterTranslator filters,
      RouteProblems problems)
      throws InvalidRuleException {
    BackendResolver.Resolved resolved =
        BackendResolver.resolve(
            ctx, "HTTPRoute", ns, ref.getGroup(), ref.getKind(), ref.getName(), ref.getNamespace(), ref.getPort());
    problems.backend(resolved);
    RouteBackend.Builder b =
        RouteBackend.newBuilder().setWeight(ref.getWeight() == null ? 1 : ref.getWeight());
    if (resolved.reference() != null) {
      b.setBackend(resolved.reference());
    }
    b.addAllBackendPolicies(filters.backendPolicies(ref.getFilters(), FilterTranslator.HTTP_BACKEND_FILTERS));
    return b.build();
  }

  private static TrafficPolicySpec timeout(HTTPRouteTimeouts timeouts) throws InvalidRuleException {
    if (timeouts == null) {
      return null;
    }
    Duration request = duration("timeouts.request", timeouts.getRequest());
    Duration backend = duration("timeouts.backendRequest", timeouts.getBackendRequest());
    if (!request.isZero() && !backend.isZero() && backend.compareTo(request) > 0) {
      throw new InvalidRuleException(
          "UnsupportedValue", "timeouts.backendRequest must not be longer than timeouts.request");
    }
    if (request.isZero() && backend.isZero()) {
      return null;
    }
    Timeout.Builder t = Timeout.newBuilder();
    if (!request.isZero()) {
      t.setRequest(GatewayDurations.toProto(request));
    }
    if (!backend.isZero()) {
      t.setBackendRequest(GatewayDurations.toProto(backend));
    }
    return TrafficPolicySpec.newBuilder().setTimeout(t).build();
  }

  private static Duration duration(String field, String value) throws InvalidRuleException {
    if (value == null) {
      return Duration.ZERO;
    }
    try {
      return GatewayDurations.parse(value);
    } catch (IllegalArgumentException | ArithmeticException e) {
      throw new InvalidRuleException("UnsupportedValue", field + " \"" + value + "\" is not a duration");
    }
  }

  private static TrafficPolicySpec retry(HTTPRouteRetry retry) throws InvalidRuleException {
    // Zero attempts means "do not retry"; the proxy would read 0 as one retry.
    if (retry == null || (retry.getAttempts() != null && retry.getAttempts() == 0)) {
      return null;
    }
    Retry.Builder r = Retry.newBuilder();
    if (retry.getAttempts() != null && retry.getAttempts() < 0) {
      throw new InvalidRuleException("UnsupportedValue", "retry.attempts must not be negative");
    }
    if (retry.getAttempts() != null) {
      // The proxy keeps only the low 8 bits (256 would become 0, read as 1).
      r.setAttempts(Math.min(retry.getAttempts(), 255));
    }
    if (retry.getCodes() != null) {
      for (Integer code : retry.getCodes()) {
        if (code == null || code < 400 || code > 599) {
          throw new InvalidRuleException("UnsupportedValue", "retry code " + code + " is not a 4xx or 5xx status");
        }
        r.addRetryStatusCodes(code);
      }
    }
    if (retry.getBackoff() != null) {
      Duration backoff = duration("retry.backoff", retry.getBackoff());
      if (!backoff.isZero()) {
        r.setBackoff(GatewayDurations.toProto(backoff));
      }
    }
    return TrafficPolicySpec.newBuilder().setRetry(r).build();
  }
}
