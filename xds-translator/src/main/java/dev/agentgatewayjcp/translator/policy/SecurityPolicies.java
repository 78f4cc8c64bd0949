package dev.agentgatewayjcp.translator.policy;

import dev.agentgatewayjcp.api.istio.AuthorizationPolicy;
import dev.agentgatewayjcp.api.istio.AuthorizationPolicySpec;
import dev.agentgatewayjcp.api.istio.IstioStatus;
import dev.agentgatewayjcp.api.istio.RequestAuthentication;
import dev.agentgatewayjcp.api.istio.RequestAuthenticationSpec;
import dev.agentgatewayjcp.api.resource.AuthorizationLocation;
import dev.agentgatewayjcp.api.resource.Policy;
import dev.agentgatewayjcp.api.resource.PolicyTarget;
import dev.agentgatewayjcp.api.resource.Resource;
import dev.agentgatewayjcp.api.resource.TrafficPolicySpec;
import dev.agentgatewayjcp.api.resource.TypedResourceName;
import dev.agentgatewayjcp.translator.Diagnostic;
import dev.agentgatewayjcp.translator.input.InputKind;
import dev.agentgatewayjcp.translator.input.ObjectRef;
import dev.agentgatewayjcp.translator.input.TranslationContext;
import dev.agentgatewayjcp.translator.output.XdsResource;
import dev.agentgatewayjcp.translator.status.ConditionList;
import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.gatewayapi.v1.Gateway;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;

/**
 * SecurityPolicies translates the Istio security policies that apply to one Gateway into
 * gateway-phase agentgateway policies, and computes each policy's report.
 *
 * <p>AuthorizationPolicy: one {@code Policy} with an RBAC rule set per (policy, Gateway). ALLOW
 * rules become {@code allow} expressions (no rules: {@code allow: false}, so it allows nothing
 * but still turns on default deny); DENY rules become {@code require: !(rule)}, so that an
 * expression that could not be evaluated denies instead of letting the request through. A policy
 * we cannot translate fails closed: ALLOW allows nothing, DENY and CUSTOM deny everything.
 *
 * <p>RequestAuthentication: one JWT {@code Policy} per Gateway holding every applicable JWT rule
 * (agentgateway uses a single JWT policy per Gateway), in OPTIONAL mode: no token passes without
 * identity, a bad token is refused with 401.
 */
public final class SecurityPolicies {

  /** Condition type of our reports on Istio objects (Events and /debug/status). */
  public static final String ACCEPTED = "Accepted";
  static final String DRY_RUN_ANNOTATION = "istio.io/dry-run";

  private SecurityPolicies() {}

  /** The policies for one Gateway, in a stable order, and diagnostics about merging them. */
  public record GatewaySecurity(List<XdsResource> resources, List<Diagnostic> diagnostics) {}

  /** Translates what applies to the Gateway (ns/name). */
  public static GatewaySecurity forGateway(TranslationContext ctx, Gateway gw) {
    String rootNs = ctx.settings().rootNamespace();
    List<XdsResource> out = new ArrayList<>();
    List<Diagnostic> diagnostics = new ArrayList<>();
    for (AuthorizationPolicy p : candidates(ctx, InputKind.AUTHORIZATION_POLICY, gw, rootNs)) {
      AuthorizationPolicySpec spec = p.getSpec() == null ? new AuthorizationPolicySpec() : p.getSpec();
      var targets = PolicyAttachment.targets(spec.targetRef, spec.targetRefs);
      if (PolicyAttachment.invalid(spec.selector, targets) != null
          || !PolicyAttachment.applies(p, spec.selector, targets, gw, rootNs)) {
        continue;
      }
      TrafficPolicySpec.RBAC rbac = rbac(p).rbac();
      if (rbac == null) {
        continue;
      }
      String key = "authz/" + p.getMetadata().getNamespace() + "/" + p.getMetadata().getName()
          + "@" + gw.getMetadata().getNamespace() + "/" + gw.getMetadata().getName();
      out.add(policy(key, "AuthorizationPolicy", p, gw,
          TrafficPolicySpec.newBuilder().setPhase(TrafficPolicySpec.PolicyPhase.GATEWAY).setAuthorization(rbac)));
    }
    XdsResource jwt = jwt(ctx, gw, rootNs, diagnostics);
    if (jwt != null) {
      out.add(jwt);
    }
    return new GatewaySecurity(out, diagnostics);
  }

  private static <T extends HasMetadata> List<T> candidates(
      TranslationContext ctx, InputKind<T> kind, Gateway gw, String rootNs) {
    List<T> out = new ArrayList<>(ctx.listInNamespace(kind, rootNs));
    if (!gw.getMetadata().getNamespace().equals(rootNs)) {
      out.addAll(ctx.listInNamespace(kind, gw.getMetadata().getNamespace()));
    }
    return out;
  }

  /** The rule set of a policy (null when it has no effect on traffic) and its report. */
  record Rbac(TrafficPolicySpec.RBAC rbac, boolean accepted, String reason, String message) {}

  static Rbac rbac(AuthorizationPolicy p) {
    AuthorizationPolicySpec spec = p.getSpec() == null ? new AuthorizationPolicySpec() : p.getSpec();
    String action = spec.action == null || spec.action.isEmpty() ? "ALLOW" : spec.action;
    var b = TrafficPolicySpec.RBAC.newBuilder();
    String annotation = p.getMetadata().getAnnotations() == null ? null
        : p.getMetadata().getAnnotations().get(DRY_RUN_ANNOTATION);
    if ("true".equalsIgnoreCase(annotation)) {
      return new Rbac(null, false, "UnsupportedValue",
          "istio.io/dry-run: agentgateway has no dry-run mode; the policy is not enforced, as in dry-run");
    }
    if (action.equals("AUDIT")) {
      return new Rbac(null, false, "UnsupportedValue",
          "action AUDIT is not supported on agentgateway; it does not change traffic, so it is ignored");
    }
    if (!action.equals("ALLOW") && !action.equals("DENY") && !action.equals("CUSTOM")) {
      return new Rbac(b.addRequire("false").build(), false, "Invalid",
          "unknown action " + action + "; failing closed: every request to its Gateways is denied");
    }
    AuthorizationRules.Translated rules;
    try {
      AuthorizationRules.unknown(spec, "spec");
      if (spec.provider != null && !action.equals("CUSTOM")) {
        throw new UnsupportedPolicyException("spec.provider is only valid with action CUSTOM");
      }
      rules = AuthorizationRules.translate(spec);
    } catch (UnsupportedPolicyException e) {
      if (action.equals("ALLOW")) {
        return new Rbac(b.addAllow("false").build(), false, "UnsupportedValue",
            e.getMessage() + "; failing closed: this ALLOW policy allows nothing");
      }
      return new Rbac(b.addRequire("false").build(), false, "UnsupportedValue",
          e.getMessage() + "; failing closed: every request to its Gateways is denied");
    }
    if (rules.usesPaths()) {
      b.addRequire(AuthorizationRules.NORMALIZED_PATH);
    }
    switch (action) {
      case "ALLOW" -> {
        if (rules.rules().isEmpty()) {
          b.addAllow("false");
        } else {
          b.addAllAllow(rules.rules());
        }
        return new Rbac(b.build(), true, "Accepted",
            rules.rules().isEmpty() ? "ALLOW with no rules: allows nothing" : "translated " + rules.rules().size() + " rule(s)");
      }
      case "DENY" -> {
        rules.rules().forEach(r -> b.addRequire(Cel.not(r)));
        return new Rbac(b.build(), true, "Accepted",
            rules.rules().isEmpty() ? "DENY with no rules matches nothing: no effect" : "translated " + rules.rules().size() + " rule(s)");
      }
      default -> {
        rules.rules().forEach(r -> b.addRequire(Cel.not(r)));
        return new Rbac(b.build(), false, "UnsupportedValue",
            "action CUSTOM is not supported on agentgateway; failing closed: requests its rules match are denied");
      }
    }
  }

  private static XdsResource jwt(TranslationContext ctx, Gateway gw, String rootNs, List<Diagnostic> diagnostics) {
    var providers = new ArrayList<TrafficPolicySpec.JWTProvider>();
    AuthorizationLocation chosen = null;
    boolean chosenSet = false;
    List<RequestAuthentication> applied = new ArrayList<>();
    for (RequestAuthentication ra : candidates(ctx, InputKind.REQUEST_AUTHENTICATION, gw, rootNs)) {
      RequestAuthenticationSpec spec = ra.getSpec() == null ? new RequestAuthenticationSpec() : ra.getSpec();
      var targets = PolicyAttachment.targets(spec.targetRef, spec.targetRefs);
      if (PolicyAttachment.invalid(spec.selector, targets) != null
          || !PolicyAttachment.applies(ra, spec.selector, targets, gw, rootNs)) {
        continue;
      }
      applied.add(ra);
      List<RequestAuthenticationSpec.JwtRule> rules = spec.jwtRules == null ? List.of() : spec.jwtRules;
      for (int i = 0; i < rules.size(); i++) {
        if (rules.get(i) == null) {
          continue;
        }
        JwtProviders.Provider p = JwtProviders.provider(ctx, rules.get(i), "jwtRules[" + i + "]");
        String jwks = p.jwks();
        if (!p.rejected()) {
          if (!chosenSet) {
            chosen = p.location();
            chosenSet = true;
          } else if (!Objects.equals(chosen, p.location())) {
            diagnostics.add(new Diagnostic(ObjectRef.of(ra), Diagnostic.Severity.WARNING,
                "jwtRules[" + i + "] (issuer " + p.issuer() + ") reads the token from another place than"
                    + " the first rule on Gateway " + gw.getMetadata().getNamespace() + "/" + gw.getMetadata().getName()
                    + "; agentgateway reads one place per Gateway, so tokens of this issuer are rejected there"));
            jwks = JwtProviders.NO_KEYS;
          }
        }
        providers.add(TrafficPolicySpec.JWTProvider.newBuilder()
            .setIssuer(p.issuer())
            .addAllAudiences(p.audiences())
            .setInline(jwks)
            .build());
      }
    }
    if (applied.isEmpty()) {
      return null;
    }
    var jwt = TrafficPolicySpec.JWT.newBuilder().setMode(TrafficPolicySpec.JWT.Mode.OPTIONAL).addAllProviders(providers);
    if (chosen != null) {
      jwt.setAuthorizationLocation(chosen);
    }
    String key = "jwt@" + gw.getMetadata().getNamespace() + "/" + gw.getMetadata().getName();
    return policy(key, "RequestAuthentication", applied.get(0), gw,
        TrafficPolicySpec.newBuilder().setPhase(TrafficPolicySpec.PolicyPhase.GATEWAY).setJwt(jwt));
  }

  private static XdsResource policy(String key, String kind, HasMetadata source, Gateway gw, TrafficPolicySpec.Builder traffic) {
    Policy policy = Policy.newBuilder()
        .setKey(key)
        .setName(TypedResourceName.newBuilder()
            .setKind(kind)
            .setNamespace(source.getMetadata().getNamespace())
            .setName(source.getMetadata().getName()))
        .setTarget(PolicyTarget.newBuilder().setGateway(PolicyTarget.GatewayTarget.newBuilder()
            .setName(gw.getMetadata().getName())
            .setNamespace(gw.getMetadata().getNamespace())))
        .setTraffic(traffic)
        .build();
    return XdsResource.of("policy/" + key, Resource.newBuilder().setPolicy(policy).build());
  }

  /** The report on an AuthorizationPolicy: whether and how it is enforced. */
  public static IstioStatus status(TranslationContext ctx, AuthorizationPolicy p) {
    AuthorizationPolicySpec spec = p.getSpec() == null ? new AuthorizationPolicySpec() : p.getSpec();
    var targets = PolicyAttachment.targets(spec.targetRef, spec.targetRefs);
    String invalid = PolicyAttachment.invalid(spec.selector, targets);
    ConditionList c = new ConditionList(ctx.clock(), p.getMetadata().getGeneration());
    if (invalid != null) {
      c.set(ACCEPTED, false, "Invalid", invalid + "; the policy is not applied to any Gateway");
    } else {
      Rbac r = rbac(p);
      String message = r.message();
      List<String> foreign = PolicyAttachment.foreignTargets(targets);
      if (!foreign.isEmpty()) {
        message += "; targets not handled by this controller: " + String.join(", ", foreign);
      }
      c.set(ACCEPTED, r.accepted(), r.reason(), message);
    }
    return report(c);
  }

  /** The report on a RequestAuthentication: rejected rules, key fetch problems, gaps. */
  public static IstioStatus status(TranslationContext ctx, RequestAuthentication ra) {
    RequestAuthenticationSpec spec = ra.getSpec() == null ? new RequestAuthenticationSpec() : ra.getSpec();
    var targets = PolicyAttachment.targets(spec.targetRef, spec.targetRefs);
    String invalid = PolicyAttachment.invalid(spec.selector, targets);
    ConditionList c = new ConditionList(ctx.clock(), ra.getMetadata().getGeneration());
    if (invalid != null) {
      c.set(ACCEPTED, false, "Invalid", invalid + "; the policy is not applied to any Gateway");
      return report(c);
    }
    List<String> problems = new ArrayList<>();
    if (!spec.getUnknownFields().isEmpty()) {
      problems.add("spec field(s) " + String.join(", ", spec.getUnknownFields().keySet()) + " not supported");
    }
    boolean rejected = !problems.isEmpty();
    List<RequestAuthenticationSpec.JwtRule> rules = spec.jwtRules == null ? List.of() : spec.jwtRules;
    for (int i = 0; i < rules.size(); i++) {
      if (rules.get(i) == null) {
        continue;
      }
      JwtProviders.Provider p = JwtProviders.provider(ctx, rules.get(i), "jwtRules[" + i + "]");
      problems.addAll(p.problems());
      rejected |= p.rejected();
    }
    List<String> foreign = PolicyAttachment.foreignTargets(targets);
    if (!foreign.isEmpty()) {
      problems.add("targets not handled by this controller: " + String.join(", ", foreign));
    }
    if (problems.isEmpty()) {
      c.set(ACCEPTED, true, "Accepted", "translated " + rules.size() + " JWT rule(s)");
    } else {
      c.set(ACCEPTED, !rejected, rejected ? "UnsupportedValue" : "Accepted", String.join("; ", problems)
          + (rejected ? "; failing closed: tokens of the rejected rules' issuers are refused" : ""));
    }
    return report(c);
  }

  private static IstioStatus report(ConditionList c) {
    IstioStatus s = new IstioStatus();
    s.conditions = c.toList();
    return s;
  }
}
