package dev.agentgatewayjcp.translator;

import dev.agentgatewayjcp.api.gatewayx.XBackend;
import dev.agentgatewayjcp.api.gatewayx.XBackendStatus;
import dev.agentgatewayjcp.api.inference.InferencePool;
import dev.agentgatewayjcp.api.inference.InferencePoolStatus;
import dev.agentgatewayjcp.api.istio.AuthorizationPolicy;
import dev.agentgatewayjcp.api.istio.IstioStatus;
import dev.agentgatewayjcp.api.istio.RequestAuthentication;
import dev.agentgatewayjcp.translator.address.AddressTranslation;
import dev.agentgatewayjcp.translator.address.AddressTranslator;
import dev.agentgatewayjcp.translator.backend.InferencePools;
import dev.agentgatewayjcp.translator.backend.XBackends;
import dev.agentgatewayjcp.translator.gateway.GatewayClassTranslator;
import dev.agentgatewayjcp.translator.gateway.GatewayTranslation;
import dev.agentgatewayjcp.translator.gateway.GatewayTranslator;
import dev.agentgatewayjcp.translator.input.InputKind;
import dev.agentgatewayjcp.translator.input.InputView;
import dev.agentgatewayjcp.translator.input.ObjectRef;
import dev.agentgatewayjcp.translator.input.TranslationContext;
import dev.agentgatewayjcp.translator.input.TranslationSettings;
import dev.agentgatewayjcp.translator.output.GatewayKey;
import dev.agentgatewayjcp.translator.output.XdsResource;
import dev.agentgatewayjcp.translator.policy.SecurityPolicies;
import dev.agentgatewayjcp.translator.policy.BackendTlsPolicyTranslation;
import dev.agentgatewayjcp.translator.policy.BackendTlsPolicyTranslator;
import dev.agentgatewayjcp.translator.policy.PlacedTranslation;
import dev.agentgatewayjcp.translator.route.GrpcRouteTranslator;
import dev.agentgatewayjcp.translator.route.HttpRouteTranslator;
import dev.agentgatewayjcp.translator.route.L4RouteTranslator;
import dev.agentgatewayjcp.translator.route.RouteClaims;
import dev.agentgatewayjcp.translator.route.RouteTranslation;
import dev.agentgatewayjcp.translator.status.ConditionList;
import io.fabric8.kubernetes.api.model.Condition;
import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.KubernetesResource;
import io.fabric8.kubernetes.api.model.gatewayapi.v1.BackendTLSPolicy;
import io.fabric8.kubernetes.api.model.gatewayapi.v1.GRPCRoute;
import io.fabric8.kubernetes.api.model.gatewayapi.v1.GRPCRouteStatus;
import io.fabric8.kubernetes.api.model.gatewayapi.v1.Gateway;
import io.fabric8.kubernetes.api.model.gatewayapi.v1.GatewayClass;
import io.fabric8.kubernetes.api.model.gatewayapi.v1.GatewayStatus;
import io.fabric8.kubernetes.api.model.gatewayapi.v1.HTTPRoute;
import io.fabric8.kubernetes.api.model.gatewayapi.v1.HTTPRouteStatus;
import io.fabric8.kubernetes.api.model.gatewayapi.v1.ListenerEntryStatus;
import io.fabric8.kubernetes.api.model.gatewayapi.v1.ListenerSetStatus;
import io.fabric8.kubernetes.api.model.gatewayapi.v1.ListenerStatus;
import io.fabric8.kubernetes.api.model.gatewayapi.v1.PolicyStatus;
import io.fabric8.kubernetes.api.model.gatewayapi.v1.RouteParentStatus;
import io.fabric8.kubernetes.api.model.gatewayapi.v1.TCPRoute;
import io.fabric8.kubernetes.api.model.gatewayapi.v1.TCPRouteStatus;
import io.fabric8.kubernetes.api.model.gatewayapi.v1.TLSRoute;
import io.fabric8.kubernetes.api.model.gatewayapi.v1.TLSRouteStatus;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.SortedSet;
import java.util.TreeMap;
import java.util.TreeSet;

/**
 * Translator is the one-call façade from an {@link InputView} to a {@link TranslationResult}.
 *
 * <p>It is a pure function of its inputs and settings: no I/O, no wall clock (the settings carry
 * the clock), and every collection it returns is sorted. It never throws for bad input; an object
 * the translator fails on ends as a False condition plus an ERROR diagnostic.
 */
public final class Translator {

  private Translator() {}

  /** Translates everything in the view. */
  public static TranslationResult translate(InputView input, TranslationSettings settings) {
    TranslationContext ctx = new TranslationContext(input, settings);
    TreeMap<ObjectRef, KubernetesResource> statuses = new TreeMap<>();
    List<Diagnostic> diagnostics = new ArrayList<>();

    for (GatewayClass gc : ctx.list(InputKind.GATEWAY_CLASS)) {
      if (GatewayClassTranslator.isOurs(ctx, gc)) {
        statuses.put(ObjectRef.of(gc), GatewayClassTranslator.status(ctx, gc));
      }
    }

    TreeMap<GatewayKey, GatewayTranslation> gateways = new TreeMap<>();
    for (Gateway gw : ctx.list(InputKind.GATEWAY)) {
      if (!GatewayTranslator.isOurs(ctx, gw)) {
        continue;
      }
      try {
        gateways.put(key(gw), GatewayTranslator.translate(ctx, gw));
      } catch (RuntimeException e) {
        diagnostics.add(failure(gw, e));
        statuses.put(ObjectRef.of(gw), failedGateway(ctx, gw, e));
      }
    }

    // HTTPRoute/GRPCRoute hostname conflicts are settled on raw attachments, gathered first.
    Map<RouteTranslation.ListenerAttachment, Map<String, List<RouteClaims.Claim>>> claims =
        new HashMap<>();
    List<HasMetadata> allRoutes = new ArrayList<>(ctx.list(InputKind.HTTP_ROUTE));
    allRoutes.addAll(ctx.list(InputKind.GRPC_ROUTE));
    for (HasMetadata route : allRoutes) {
      RouteClaims.Raw raw;
      try {
        raw = RouteClaims.raw(ctx, route, gateways);
      } catch (RuntimeException e) {
        // The route's own translation below reports the failure.
        continue;
      }
      if (raw != null) {
        for (RouteTranslation.ListenerAttachment l : raw.listeners()) {
          claims
              .computeIfAbsent(l, k -> new HashMap<>())
              .computeIfAbsent(route.getKind(), k -> new ArrayList<>())
              .add(raw.claim());
        }
      }
    }
    RouteClaims.View view = (l, kind) -> claims.getOrDefault(l, Map.of()).getOrDefault(kind, List.of());

    List<RouteTranslation> routes = new ArrayList<>();
    for (HTTPRoute route : ctx.list(InputKind.HTTP_ROUTE)) {
      try {
        routes.add(HttpRouteTranslator.translate(ctx, route, gateways, view));
      } catch (RuntimeException e) {
        diagnostics.add(failure(route, e));
      }
    }
    for (GRPCRoute route : ctx.list(InputKind.GRPC_ROUTE)) {
      try {
        routes.add(GrpcRouteTranslator.translate(ctx, route, gateways, view));
      } catch (RuntimeException e) {
        diagnostics.add(failure(route, e));
      }
    }

    for (TLSRoute route : ctx.list(InputKind.TLS_ROUTE)) {
      try {
        routes.add(L4RouteTranslator.translateTls(ctx, route, gateways));
      } catch (RuntimeException e) {
        diagnostics.add(failure(route, e));
      }
    }
    for (TCPRoute route : ctx.list(InputKind.TCP_ROUTE)) {
      try {
        routes.add(L4RouteTranslator.translateTcp(ctx, route, gateways));
      } catch (RuntimeException e) {
        diagnostics.add(failure(route, e));
      }
    }

    List<AddressTranslator.ServiceAddresses> perService = new ArrayList<>();
    // Pools first: workloads merge their parts in object order, and InferencePool sorts before Service.
    for (InferencePool pool : ctx.list(InputKind.INFERENCE_POOL)) {
      try {
        perService.add(AddressTranslator.forInferencePool(ctx, pool));
      } catch (RuntimeException e) {
        diagnostics.add(failure(pool, e));
      }
    }
    for (io.fabric8.kubernetes.api.model.Service service : ctx.list(InputKind.SERVICE)) {
      try {
        AddressTranslator.ServiceAddresses addresses = AddressTranslator.forService(ctx, service);
        if (addresses != null) {
          perService.add(addresses);
        }
      } catch (RuntimeException e) {
        diagnostics.add(failure(service, e));
      }
    }
    AddressTranslation addresses = AddressTranslator.combine(perService);
    Map<GatewayKey, List<XdsResource>> security = securityPolicies(ctx, gateways, statuses, diagnostics);
    List<PlacedTranslation> policies = new ArrayList<>();
    for (BackendTLSPolicy policy : ctx.list(InputKind.BACKEND_TLS_POLICY)) {
      try {
        policies.add(BackendTlsPolicyTranslator.translate(ctx, policy));
      } catch (RuntimeException e) {
        diagnostics.add(failure(policy, e));
      }
    }
    for (InferencePool pool : ctx.list(InputKind.INFERENCE_POOL)) {
      try {
        policies.add(InferencePools.translate(ctx, pool));
      } catch (RuntimeException e) {
        diagnostics.add(failure(pool, e));
      }
    }
    for (XBackend xb : ctx.list(InputKind.XBACKEND)) {
      try {
        policies.add(XBackends.translate(ctx, xb));
      } catch (RuntimeException e) {
        diagnostics.add(failure(xb, e));
      }
    }
    return assemble(ctx, gateways, routes, security, policies, addresses, statuses, diagnostics);
  }

  /**
   * Adds the Istio security policies of each translated Gateway to its resources, and every
   * policy's report to the statuses (reports only: we do not write status on Istio objects).
   */
  private static Map<GatewayKey, List<XdsResource>> securityPolicies(
      TranslationContext ctx,
      Map<GatewayKey, GatewayTranslation> gateways,
      Map<ObjectRef, KubernetesResource> statuses,
      List<Diagnostic> diagnostics) {
    Map<GatewayKey, List<XdsResource>> out = new HashMap<>();
    for (GatewayKey key : gateways.keySet()) {
      Gateway gw = ctx.get(InputKind.GATEWAY, key.namespace(), key.name()).orElseThrow();
      SecurityPolicies.GatewaySecurity security = securityOf(ctx, gw);
      out.put(key, security.resources());
      diagnostics.addAll(security.diagnostics());
    }
    List<HasMetadata> policies = new ArrayList<>(ctx.list(InputKind.AUTHORIZATION_POLICY));
    policies.addAll(ctx.list(InputKind.REQUEST_AUTHENTICATION));
    for (HasMetadata p : policies) {
      ObjectRef ref = ObjectRef.of(p);
      KubernetesResource status = securityStatus(ctx, p);
      statuses.put(ref, status);
      diagnostics.addAll(warnings(ref, status));
    }
    return out;
  }

  /** A Gateway's security policies; a translator bug becomes an ERROR diagnostic, not a throw. */
  public static SecurityPolicies.GatewaySecurity securityOf(TranslationContext ctx, Gateway gw) {
    try {
      return SecurityPolicies.forGateway(ctx, gw);
    } catch (RuntimeException e) {
      Diagnostic d = failure(gw, e);
      return new SecurityPolicies.GatewaySecurity(
          List.of(), List.of(new Diagnostic(d.object(), d.severity(), "security policies: " + d.message())));
    }
  }

  /** The report on an AuthorizationPolicy or RequestAuthentication. */
  public static KubernetesResource securityStatus(TranslationContext ctx, HasMetadata policy) {
    try {
      return policy instanceof AuthorizationPolicy ap
          ? SecurityPolicies.status(ctx, ap)
          : SecurityPolicies.status(ctx, (RequestAuthentication) policy);
    } catch (RuntimeException e) {
      ConditionList c = new ConditionList(ctx.clock(), policy.getMetadata().getGeneration());
      c.set(SecurityPolicies.ACCEPTED, false, "Invalid", "translation failed: " + e);
      IstioStatus s = new IstioStatus();
      s.conditions = c.toList();
      return s;
    }
  }

  /** Combines per-object translations into a result: per-Gateway views, statuses, diagnostics. */
  private static TranslationResult assemble(
      TranslationContext ctx,
      Map<GatewayKey, GatewayTranslation> gateways,
      List<RouteTranslation> routes,
      Map<GatewayKey, List<XdsResource>> security,
      List<PlacedTranslation> policies,
      AddressTranslation addresses,
      Map<ObjectRef, KubernetesResource> otherStatuses,
      List<Diagnostic> failures) {
    TreeMap<ObjectRef, KubernetesResource> statuses = new TreeMap<>(otherStatuses);
    List<Diagnostic> diagnostics = new ArrayList<>(failures);
    Map<GatewayKey, Map<String, Integer>> attached = new HashMap<>();
    Map<GatewayKey, TreeMap<String, XdsResource>> resources = new HashMap<>();
    Map<GatewayKey, SortedSet<String>> services = new HashMap<>();
    for (GatewayKey gw : gateways.keySet()) {
      resources.put(gw, new TreeMap<>());
      services.put(gw, new TreeSet<>());
      for (XdsResource r : gateways.get(gw).resources()) {
        resources.get(gw).put(r.name(), r);
      }
      for (XdsResource r : security.getOrDefault(gw, List.of())) {
        resources.get(gw).put(r.name(), r);
      }
    }
    for (RouteTranslation route : routes) {
      if (route.isEmpty()) {
        continue;
      }
      for (RouteTranslation.ListenerAttachment a : route.attachments()) {
        attached.computeIfAbsent(a.gateway(), k -> new HashMap<>()).merge(a.listener(), 1, Integer::sum);
      }
      route.resources().forEach((gw, list) -> list.forEach(r -> resources.get(gw).put(r.name(), r)));
      route.serviceAddresses().forEach((gw, names) -> services.get(gw).addAll(names));
      List<RouteParentStatus> parents = new ArrayList<>(route.parents());
      KubernetesResource status = routeStatus(route);
      statuses.put(route.route(), status);
      diagnostics.addAll(warnings(route.route(), status));
    }

    // Policies go to the Gateways whose routes use the Services they target.
    Map<String, java.util.Set<GatewayKey>> users = new HashMap<>();
    services.forEach((gw, names) -> names.forEach(n -> users.computeIfAbsent(n, k -> new TreeSet<>()).add(gw)));
    for (PlacedTranslation policy : policies) {
      BackendTlsPolicyTranslation.Placement placement =
          policy.place(n -> users.getOrDefault(n, java.util.Set.of()), gw -> clientCertificate(gateways.get(gw)));
      placement.resources().forEach((gw, list) -> list.forEach(r -> resources.get(gw).put(r.name(), r)));
      if (placement.status() != null) {
        statuses.put(policy.object(), placement.status());
        diagnostics.addAll(warnings(policy.object(), placement.status()));
      }
    }

    TreeMap<GatewayKey, GatewayOutput> outputs = new TreeMap<>();
    for (Map.Entry<GatewayKey, GatewayTranslation> e : gateways.entrySet()) {
      GatewayKey gw = e.getKey();
      GatewayStatus status = e.getValue().status(attached.getOrDefault(gw, Map.of()));
      ObjectRef ref = InputKind.GATEWAY.ref(gw.namespace(), gw.name());
      statuses.put(ref, status);
      diagnostics.addAll(warnings(ref, status));
      for (GatewayTranslation.ListenerSetDraft ls : e.getValue().listenerSets()) {
        ListenerSetStatus lsStatus = ls.status(attached.getOrDefault(gw, Map.of()));
        statuses.put(ls.listenerSet(), lsStatus);
        diagnostics.addAll(warnings(ls.listenerSet(), lsStatus));
      }
      outputs.put(
          gw,
          new GatewayOutput(
              gw,
              new ArrayList<>(resources.get(gw).values()),
              addresses.resourcesFor(addresses.namesFor(services.get(gw)))));
    }
    diagnostics.sort(null);
    return new TranslationResult(outputs, addresses.resources(), statuses, diagnostics);
  }

  /** The PEM certificate and key a Gateway's proxies present to TLS backends, or null. */
  public static com.google.protobuf.ByteString[] clientCertificate(GatewayTranslation gateway) {
    var c = gateway == null ? null : gateway.backendClientCertificate();
    return c == null ? null : new com.google.protobuf.ByteString[] {c.cert(), c.key()};
  }

  private static GatewayKey key(Gateway gw) {
    return new GatewayKey(gw.getMetadata().getNamespace(), gw.getMetadata().getName());
  }

  /** The route status object for a translated route: only our parents' entries. */
  public static KubernetesResource routeStatus(RouteTranslation route) {
    List<RouteParentStatus> parents = new ArrayList<>(route.parents());
    switch (route.route().kind()) {
      case "GRPCRoute" -> {
        GRPCRouteStatus s = new GRPCRouteStatus();
        s.setParents(parents);
        return s;
      }
      case "TLSRoute" -> {
        TLSRouteStatus s = new TLSRouteStatus();
        s.setParents(parents);
        return s;
      }
      case "TCPRoute" -> {
        TCPRouteStatus s = new TCPRouteStatus();
        s.setParents(parents);
        return s;
      }
      default -> {}
    }
    HTTPRouteStatus s = new HTTPRouteStatus();
    s.setParents(parents);
    return s;
  }

  /** WARNING diagnostics for every unhealthy condition of a status we computed. */
  public static List<Diagnostic> warnings(ObjectRef ref, KubernetesResource status) {
    List<Diagnostic> out = new ArrayList<>();
    if (status instanceof GatewayStatus gs) {
      warnings(ref, "", gs.getConditions(), out);
      if (gs.getListeners() != null) {
        for (ListenerStatus ls : gs.getListeners()) {
          warnings(ref, "listener " + ls.getName() + ": ", ls.getConditions(), out);
        }
      }
    } else if (status instanceof ListenerSetStatus ls) {
      warnings(ref, "", ls.getConditions(), out);
      if (ls.getListeners() != null) {
        for (ListenerEntryStatus entry : ls.getListeners()) {
          warnings(ref, "listener " + entry.getName() + ": ", entry.getConditions(), out);
        }
      }
    } else if (status instanceof HTTPRouteStatus hs) {
      for (RouteParentStatus p : hs.getParents()) {
        warnings(ref, "parent " + p.getParentRef().getName() + ": ", p.getConditions(), out);
      }
    } else if (status instanceof GRPCRouteStatus gs) {
      parentWarnings(ref, gs.getParents(), out);
    } else if (status instanceof TLSRouteStatus ts) {
      parentWarnings(ref, ts.getParents(), out);
    } else if (status instanceof TCPRouteStatus ts) {
      parentWarnings(ref, ts.getParents(), out);
    } else if (status instanceof PolicyStatus ps && !ps.getAncestors().isEmpty()) {
      // Every ancestor carries the same conditions.
      warnings(ref, "", ps.getAncestors().get(0).getConditions(), out);
    } else if (status instanceof InferencePoolStatus ps) {
      for (InferencePoolStatus.Parent p : ps.parents) {
        warnings(ref, "parent " + p.parentRef.name + ": ", p.conditions, out);
      }
    } else if (status instanceof XBackendStatus xs) {
      for (XBackendStatus.Parent p : xs.parents) {
        warnings(ref, "parent " + p.parentRef.name + ": ", p.conditions, out);
      }
    } else if (status instanceof IstioStatus is) {
      warnings(ref, "", is.conditions, out);
    }
    return out;
  }

  private static void parentWarnings(ObjectRef ref, List<RouteParentStatus> parents, List<Diagnostic> out) {
    for (RouteParentStatus p : parents) {
      warnings(ref, "parent " + p.getParentRef().getName() + ": ", p.getConditions(), out);
    }
  }

  private static void warnings(
      ObjectRef ref, String prefix, List<Condition> conditions, List<Diagnostic> out) {
    if (conditions == null) {
      return;
    }
    for (Condition c : conditions) {
      boolean bad =
          switch (c.getType()) {
            case "Conflicted", "PartiallyInvalid" -> "True".equals(c.getStatus());
            default -> "False".equals(c.getStatus());
          };
      if (bad) {
        out.add(
            new Diagnostic(
                ref,
                Diagnostic.Severity.WARNING,
                prefix + c.getType() + "=" + c.getStatus() + " (" + c.getReason() + "): " + c.getMessage()));
      }
    }
  }

  /** The ERROR diagnostic for an object the translator failed on. */
  public static Diagnostic failure(HasMetadata object, RuntimeException e) {
    return new Diagnostic(
        ObjectRef.of(object),
        Diagnostic.Severity.ERROR,
        "translation failed: "
            + e.getClass().getSimpleName()
            + ": "
            + e.getMessage()
            + ourFrame(e));
  }

  /** Where in the translator it failed, so the diagnostic is actionable. */
  private static String ourFrame(RuntimeException e) {
    for (StackTraceElement frame : e.getStackTrace()) {
      if (frame.getClassName().startsWith("dev.agentgatewayjcp.")) {
        return " at " + frame;
      }
    }
    return "";
  }

  /** The status of a Gateway the translator failed on. */
  public static GatewayStatus failedGateway(TranslationContext ctx, Gateway gw, RuntimeException e) {
    ConditionList conditions = new ConditionList(ctx.clock(), gw.getMetadata().getGeneration());
    conditions.set("Accepted", false, "Invalid", "the Gateway could not be translated: " + e.getMessage());
    conditions.set("Programmed", false, "Invalid", "the Gateway could not be translated");
    GatewayStatus status = new GatewayStatus();
    status.setConditions(conditions.toList());
    return status;
  }
}
