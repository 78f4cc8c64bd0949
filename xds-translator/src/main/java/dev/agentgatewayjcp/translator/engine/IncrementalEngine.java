package dev.agentgatewayjcp.translator.engine;

import dev.agentgatewayjcp.api.workload.Workload;
import dev.agentgatewayjcp.translator.Diagnostic;
import dev.agentgatewayjcp.translator.GatewayOutput;
import dev.agentgatewayjcp.translator.TranslationResult;
import dev.agentgatewayjcp.translator.Translator;
import dev.agentgatewayjcp.translator.address.AddressTranslator;
import dev.agentgatewayjcp.translator.gateway.GatewayClassTranslator;
import dev.agentgatewayjcp.translator.gateway.GatewayTranslation;
import dev.agentgatewayjcp.translator.gateway.GatewayTranslator;
import dev.agentgatewayjcp.translator.input.InputIndex;
import dev.agentgatewayjcp.translator.input.InputKind;
import dev.agentgatewayjcp.translator.input.ObjectRef;
import dev.agentgatewayjcp.translator.input.TranslationContext;
import dev.agentgatewayjcp.translator.input.TranslationSettings;
import dev.agentgatewayjcp.translator.output.GatewayKey;
import dev.agentgatewayjcp.translator.output.XdsResource;
import dev.agentgatewayjcp.translator.policy.BackendTlsPolicyTranslation;
import dev.agentgatewayjcp.translator.policy.BackendTlsPolicyTranslator;
import dev.agentgatewayjcp.translator.policy.PlacedTranslation;
import dev.agentgatewayjcp.translator.backend.InferencePools;
import dev.agentgatewayjcp.translator.backend.XBackends;
import dev.agentgatewayjcp.api.gatewayx.XBackend;
import dev.agentgatewayjcp.api.inference.InferencePool;
import dev.agentgatewayjcp.translator.policy.SecurityPolicies;
import dev.agentgatewayjcp.translator.route.GrpcRouteTranslator;
import dev.agentgatewayjcp.translator.route.HttpRouteTranslator;
import dev.agentgatewayjcp.translator.route.L4RouteTranslator;
import dev.agentgatewayjcp.translator.route.RouteClaims;
import dev.agentgatewayjcp.translator.route.RouteTranslation;
import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.KubernetesResource;
import io.fabric8.kubernetes.api.model.gatewayapi.v1.BackendTLSPolicy;
import io.fabric8.kubernetes.api.model.gatewayapi.v1.GRPCRoute;
import io.fabric8.kubernetes.api.model.gatewayapi.v1.Gateway;
import io.fabric8.kubernetes.api.model.gatewayapi.v1.GatewayClass;
import io.fabric8.kubernetes.api.model.gatewayapi.v1.HTTPRoute;
import io.fabric8.kubernetes.api.model.gatewayapi.v1.TCPRoute;
import io.fabric8.kubernetes.api.model.gatewayapi.v1.TLSRoute;
import java.util.AbstractMap;
import java.util.ArrayList;
import java.util.Collection;
import java.util.EnumMap;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.SortedSet;
import java.util.TreeMap;
import java.util.TreeSet;

/**
 * IncrementalEngine keeps the translation of a changing set of inputs current, recomputing only
 * what a change can affect, and reports exactly what changed.
 *
 * <p>Each per-object computation (a GatewayClass status, a Gateway, a route, a Service's
 * addresses) records what it read through its {@link TranslationContext}; a change re-runs the
 * computations that read the changed object, a listing of its kind, or an index bucket it left
 * or entered. Routes also record which Gateway translations they looked up, so a changed Gateway
 * re-runs only its routes. Outputs are folded into per-Gateway views by difference, so the cost
 * of a change does not grow with the number of unaffected routes.
 *
 * <p>{@link #result()} equals {@link Translator#translate} over the same inputs; a randomized
 * test holds it to that after every change. Not thread-safe: one thread owns an engine.
 */
public final class IncrementalEngine {

  /** Computations run in this order: routes read Gateway translations, nothing reads routes. */
  private enum NodeKind {
    CLASS,
    SERVICE,
    /**
     * One BackendTLSPolicy, InferencePool or XBackend report; placed on Gateways once routes
     * have said which Services (and XBackends) they use.
     */
    BACKEND_TLS_POLICY,
    GATEWAY,
    /** A Gateway's Istio security policies; runs after its Gateway. */
    SECURITY,
    ROUTE,
    /** The report on one AuthorizationPolicy or RequestAuthentication. */
    ISTIO_POLICY
  }

  private record Node(NodeKind kind, ObjectRef ref) {}

  private final MutableInputView view = new MutableInputView();
  private final TranslationContext plain;

  // Dependency graph: who read what.
  private final Map<Node, ReadSet> readsOf = new HashMap<>();
  private final Map<ObjectRef, Set<Node>> objectReaders = new HashMap<>();
  private final Map<ReadSet.KindScope, Set<Node>> kindReaders = new HashMap<>();
  private final Map<ReadSet.Bucket, Set<Node>> bucketReaders = new HashMap<>();
  private final Map<GatewayKey, Set<Node>> gatewayReaders = new HashMap<>();

  // Per-computation results.
  private final TreeMap<GatewayKey, GatewayTranslation> gateways = new TreeMap<>();
  private final Map<ObjectRef, RouteTranslation> routes = new HashMap<>();
  private final TreeMap<ObjectRef, AddressTranslator.ServiceAddresses> services = new TreeMap<>();
  private final Map<ObjectRef, Diagnostic> failures = new HashMap<>();
  private final Map<ObjectRef, RouteClaims.Raw> rawClaims = new HashMap<>();
  /** Claims per listener, then per route kind, so a listener full of one kind costs nothing. */
  private final Map<RouteTranslation.ListenerAttachment, Map<String, Map<ObjectRef, RouteClaims.Claim>>>
      claimsByListener = new HashMap<>();
  private final RouteClaims.View claimsView =
      (l, kind) -> {
        Map<ObjectRef, RouteClaims.Claim> claims =
            claimsByListener.getOrDefault(l, Map.of()).get(kind);
        return claims == null ? List.of() : claims.values();
      };

  // BackendTLSPolicies: translated alone, placed on the Gateways that use their Services.
  private final Map<ObjectRef, PlacedTranslation> policies = new HashMap<>();
  private final Map<String, Set<ObjectRef>> policiesByService = new HashMap<>();
  private final Map<ObjectRef, BackendTlsPolicyTranslation.Placement> placements = new HashMap<>();

  // Assembled output.
  private final Map<GatewayKey, TreeMap<String, XdsResource>> resources = new HashMap<>();
  private final Map<GatewayKey, Map<String, Integer>> attached = new HashMap<>();
  private final Map<GatewayKey, Map<String, Integer>> serviceUse = new HashMap<>();
  private final Map<GatewayKey, Map<String, Integer>> routeResourceHolders = new HashMap<>();
  private final Map<String, Set<GatewayKey>> serviceUsers = new HashMap<>();
  // A Gateway's Address names, each counted once per used Service that brings it (the Service's
  // own Address and its workloads), so one Service's change costs its own names, not the Gateway's.
  private final Map<GatewayKey, TreeMap<String, Integer>> addressNames = new HashMap<>();
  // Per Gateway, what each used Service with an Address brought into addressNames: its workloads.
  private final Map<GatewayKey, Map<String, SortedSet<String>>> addressContributions = new HashMap<>();
  private final TreeMap<String, XdsResource> addresses = new TreeMap<>();
  private final Map<String, TreeMap<ObjectRef, Workload>> partials = new HashMap<>();
  private final Map<String, SortedSet<String>> workloadsByService = new HashMap<>();
  private static final SortedSet<String> EMPTY_NAMES = java.util.Collections.emptySortedSet();
  private final TreeMap<ObjectRef, KubernetesResource> statuses = new TreeMap<>();
  private final Map<ObjectRef, List<Diagnostic>> warnings = new HashMap<>();
  private final Map<GatewayKey, List<XdsResource>> security = new HashMap<>();
  private final Map<GatewayKey, List<Diagnostic>> securityDiagnostics = new HashMap<>();

  /** Per-step bookkeeping: the value each output had before this step first touched it. */
  private final class Step {
    final Map<GatewayKey, Map<String, XdsResource>> resourcesBefore = new HashMap<>();
    final Map<String, XdsResource> addressesBefore = new HashMap<>();
    final Map<ObjectRef, KubernetesResource> statusesBefore = new HashMap<>();
    final Set<GatewayKey> gatewaysBefore = new HashSet<>(gateways.keySet());
    final Set<GatewayKey> touchedGateways = new HashSet<>();
    final Set<GatewayKey> statusDirty = new HashSet<>();
    final Set<GatewayKey> serviceSetChanged = new HashSet<>();
    final Map<GatewayKey, Set<String>> serviceUseChanged = new HashMap<>();
    // Per Gateway, whether each Address name it counted this step was in its set before the step.
    final Map<GatewayKey, Map<String, Boolean>> addressNamesBefore = new HashMap<>();
    final Set<String> servicesTouched = new HashSet<>();
    final Set<String> uidsTouched = new HashSet<>();
    final Set<String> usersChanged = new HashSet<>();
    final Set<ObjectRef> policiesToPlace = new LinkedHashSet<>();

    void putResource(GatewayKey gw, String name, XdsResource value) {
      TreeMap<String, XdsResource> map = resources.get(gw);
      if (map == null) {
        return;
      }
      // Not putIfAbsent: a name absent before the step maps to null, which putIfAbsent would
      // overwrite on a second touch, hiding the addition from the delta.
      Map<String, XdsResource> before = resourcesBefore.computeIfAbsent(gw, k -> new HashMap<>());
      if (!before.containsKey(name)) {
        before.put(name, map.get(name));
      }
      touchedGateways.add(gw);
      if (value == null) {
        map.remove(name);
      } else {
        map.put(name, value);
      }
    }

    void putAddress(String name, XdsResource value) {
      if (!addressesBefore.containsKey(name)) {
        addressesBefore.put(name, addresses.get(name));
      }
      if (value == null) {
        addresses.remove(name);
      } else {
        addresses.put(name, value);
      }
    }

    void putStatus(ObjectRef ref, KubernetesResource value) {
      if (!statusesBefore.containsKey(ref)) {
        statusesBefore.put(ref, statuses.get(ref));
      }
      if (value == null) {
        statuses.remove(ref);
        warnings.remove(ref);
      } else {
        statuses.put(ref, value);
      }
    }
  }

  public IncrementalEngine(TranslationSettings settings) {
    this.plain = new TranslationContext(view, settings);
  }

  /** The input view the engine maintains (read-only use only). */
  public MutableInputView view() {
    return view;
  }

  /** Applies a batch of changes and returns what changed in the output. */
  public TranslationDelta apply(Collection<InputChange> changes) {
    Step step = new Step();
    EnumMap<NodeKind, Set<Node>> dirty = new EnumMap<>(NodeKind.class);
    for (NodeKind k : NodeKind.values()) {
      dirty.put(k, new LinkedHashSet<>());
    }
    for (InputChange change : changes) {
      InputKind<?> kind = view.kindOf(change.ref()).orElse(null);
      if (kind == null) {
        continue;
      }
      ObjectRef ref = kind.ref(change.ref().namespace(), change.ref().name());
      HasMetadata old = view.apply(change);
      addAll(dirty, objectReaders.get(ref));
      addAll(dirty, kindReaders.get(new ReadSet.KindScope(kind, null)));
      addAll(dirty, kindReaders.get(new ReadSet.KindScope(kind, ref.namespace())));
      for (InputIndex<?> index : InputIndex.all()) {
        if (index.kind() != kind) {
          continue;
        }
        for (HasMetadata o : new HasMetadata[] {old, change.object()}) {
          if (o != null) {
            for (String key : MutableInputView.keysOf(index, o)) {
              addAll(dirty, bucketReaders.get(new ReadSet.Bucket(index, key)));
            }
          }
        }
      }
      for (NodeKind own : ownNodes(kind)) {
        dirty.get(own).add(new Node(own, ref));
      }
    }

    for (Node node : dirty.get(NodeKind.CLASS)) {
      recomputeClass(node, step);
    }
    for (Node node : dirty.get(NodeKind.SERVICE)) {
      recomputeService(node, step);
    }
    rebuildWorkloads(step);
    for (Node node : dirty.get(NodeKind.BACKEND_TLS_POLICY)) {
      recomputeBackendTlsPolicy(node, step);
    }
    for (Node node : dirty.get(NodeKind.GATEWAY)) {
      recomputeGateway(node, step, dirty.get(NodeKind.ROUTE));
      dirty.get(NodeKind.SECURITY).add(new Node(NodeKind.SECURITY, node.ref()));
    }
    for (Node node : dirty.get(NodeKind.SECURITY)) {
      recomputeSecurity(node, step);
    }
    for (Node node : dirty.get(NodeKind.ISTIO_POLICY)) {
      recomputeIstioPolicy(node, step);
    }
    Set<Node> routeNodes = dirty.get(NodeKind.ROUTE);
    routeNodes.addAll(updateClaims(routeNodes));
    for (Node node : routeNodes) {
      recomputeRoute(node, step);
    }
    for (String service : step.usersChanged) {
      step.policiesToPlace.addAll(policiesByService.getOrDefault(service, Set.of()));
    }
    for (ObjectRef policy : step.policiesToPlace) {
      placePolicy(policy, step);
    }
    for (GatewayKey gw : step.statusDirty) {
      refreshGatewayStatus(gw, step);
    }
    return delta(step);
  }

  /**
   * What one Gateway's proxies should hold now (for a proxy that connects), or empty if the
   * Gateway is not ours; costs only that Gateway's size.
   */
  public java.util.Optional<GatewayOutput> gateway(GatewayKey gw) {
    if (!gateways.containsKey(gw)) {
      return java.util.Optional.empty();
    }
    List<XdsResource> addressList = new ArrayList<>();
    for (String name : addressNames.getOrDefault(gw, new TreeMap<>()).keySet()) {
      addressList.add(addresses.get(name));
    }
    return java.util.Optional.of(
        new GatewayOutput(gw, new ArrayList<>(resources.get(gw).values()), addressList));
  }

  /** The full current output, equal to a full translation of the current inputs. */
  public TranslationResult result() {
    TreeMap<GatewayKey, GatewayOutput> outputs = new TreeMap<>();
    for (GatewayKey gw : gateways.keySet()) {
      outputs.put(gw, gateway(gw).orElseThrow());
    }
    List<Diagnostic> diagnostics = new ArrayList<>(failures.values());
    warnings.values().forEach(diagnostics::addAll);
    securityDiagnostics.values().forEach(diagnostics::addAll);
    diagnostics.sort(null);
    return new TranslationResult(outputs, new TreeMap<>(addresses), new TreeMap<>(statuses), diagnostics);
  }

  private static List<NodeKind> ownNodes(InputKind<?> kind) {
    if (kind == InputKind.GATEWAY_CLASS) {
      return List.of(NodeKind.CLASS);
    } else if (kind == InputKind.GATEWAY) {
      return List.of(NodeKind.GATEWAY);
    } else if (kind == InputKind.HTTP_ROUTE
        || kind == InputKind.GRPC_ROUTE
        || kind == InputKind.TLS_ROUTE
        || kind == InputKind.TCP_ROUTE) {
      return List.of(NodeKind.ROUTE);
    } else if (kind == InputKind.SERVICE) {
      return List.of(NodeKind.SERVICE);
    } else if (kind == InputKind.AUTHORIZATION_POLICY || kind == InputKind.REQUEST_AUTHENTICATION) {
      return List.of(NodeKind.ISTIO_POLICY);
    } else if (kind == InputKind.BACKEND_TLS_POLICY) {
      return List.of(NodeKind.BACKEND_TLS_POLICY);
    } else if (kind == InputKind.INFERENCE_POOL) {
      // A pool is both an address (its synthetic Service) and a placed report (its status).
      return List.of(NodeKind.SERVICE, NodeKind.BACKEND_TLS_POLICY);
    } else if (kind == InputKind.XBACKEND) {
      // An XBackend's report (its status) is placed like a policy; routes read its config.
      return List.of(NodeKind.BACKEND_TLS_POLICY);
    }
    return List.of();
  }

  private static void addAll(EnumMap<NodeKind, Set<Node>> dirty, Set<Node> nodes) {
    if (nodes != null) {
      for (Node n : nodes) {
        dirty.get(n.kind()).add(n);
      }
    }
  }

  // ---- dependency bookkeeping

  private void record(Node node, ReadSet reads) {
    ReadSet old = readsOf.remove(node);
    if (old != null) {
      old.objects.forEach(r -> unregister(objectReaders, r, node));
      old.kinds.forEach(k -> unregister(kindReaders, k, node));
      old.buckets.forEach(b -> unregister(bucketReaders, b, node));
      old.gateways.forEach(g -> unregister(gatewayReaders, g, node));
    }
    if (reads == null) {
      return;
    }
    readsOf.put(node, reads);
    reads.objects.forEach(r -> objectReaders.computeIfAbsent(r, k -> new HashSet<>()).add(node));
    reads.kinds.forEach(k -> kindReaders.computeIfAbsent(k, x -> new HashSet<>()).add(node));
    reads.buckets.forEach(b -> bucketReaders.computeIfAbsent(b, x -> new HashSet<>()).add(node));
    reads.gateways.forEach(g -> gatewayReaders.computeIfAbsent(g, x -> new HashSet<>()).add(node));
  }

  private static <K> void unregister(Map<K, Set<Node>> map, K key, Node node) {
    Set<Node> nodes = map.get(key);
    if (nodes != null) {
      nodes.remove(node);
      if (nodes.isEmpty()) {
        map.remove(key);
      }
    }
  }

  // ---- computations

  private void recomputeClass(Node node, Step step) {
    ReadSet reads = new ReadSet();
    TranslationContext ctx = plain.withListener(reads);
    GatewayClass gc = ctx.get(InputKind.GATEWAY_CLASS, null, node.ref().name()).orElse(null);
    KubernetesResource status =
        gc != null && GatewayClassTranslator.isOurs(ctx, gc) ? GatewayClassTranslator.status(ctx, gc) : null;
    record(node, gc == null ? null : reads);
    if (!Objects.equals(statuses.get(node.ref()), status)) {
      step.putStatus(node.ref(), status);
    }
  }

  private void recomputeService(Node node, Step step) {
    ReadSet reads = new ReadSet();
    TranslationContext ctx = plain.withListener(reads);
    InputKind<?> kind = view.kindOf(node.ref()).orElseThrow();
    HasMetadata service = ctx.get(kind, node.ref().namespace(), node.ref().name()).orElse(null);
    AddressTranslator.ServiceAddresses now = null;
    Diagnostic failure = null;
    if (service != null) {
      try {
        now =
            service instanceof InferencePool pool
                ? AddressTranslator.forInferencePool(ctx, pool)
                : AddressTranslator.forService(ctx, (io.fabric8.kubernetes.api.model.Service) service);
      } catch (RuntimeException e) {
        failure = Translator.failure(service, e);
      }
    }
    record(node, service == null ? null : reads);
    setFailure(node.ref(), failure);
    AddressTranslator.ServiceAddresses before = services.get(node.ref());
    if (Objects.equals(before, now)) {
      return;
    }
    if (before != null) {
      step.putAddress(before.name(), null);
      step.servicesTouched.add(before.name());
      for (String uid : before.workloads().keySet()) {
        TreeMap<ObjectRef, Workload> p = partials.get(uid);
        p.remove(node.ref());
        if (p.isEmpty()) {
          partials.remove(uid);
        }
        step.uidsTouched.add(uid);
      }
      workloadsByService.remove(before.name());
      services.remove(node.ref());
    }
    if (now != null) {
      step.putAddress(now.name(), now.resource());
      step.servicesTouched.add(now.name());
      for (Map.Entry<String, Workload> e : now.workloads().entrySet()) {
        partials.computeIfAbsent(e.getKey(), k -> new TreeMap<>()).put(node.ref(), e.getValue());
        step.uidsTouched.add(e.getKey());
      }
      if (!now.workloads().isEmpty()) {
        workloadsByService.put(now.name(), new TreeSet<>(now.workloads().keySet()));
      }
      services.put(node.ref(), now);
    }
  }

  /** Re-merges the workloads whose per-Service parts changed. */
  private void rebuildWorkloads(Step step) {
    for (String uid : step.uidsTouched) {
      TreeMap<ObjectRef, Workload> p = partials.get(uid);
      XdsResource merged =
          p == null ? null : AddressTranslator.workloadResource(new ArrayList<>(p.values()));
      if (!Objects.equals(addresses.get(uid), merged)) {
        step.putAddress(uid, merged);
      }
    }
  }

  private void recomputeGateway(Node node, Step step, Set<Node> dirtyRoutes) {
    ReadSet reads = new ReadSet();
    TranslationContext ctx = plain.withListener(reads);
    GatewayKey key = new GatewayKey(node.ref().namespace(), node.ref().name());
    Gateway gw = ctx.get(InputKind.GATEWAY, node.ref().namespace(), node.ref().name()).orElse(null);
    GatewayTranslation now = null;
    KubernetesResource failedStatus = null;
    Diagnostic failure = null;
    if (gw != null && GatewayTranslator.isOurs(ctx, gw)) {
      try {
        now = GatewayTranslator.translate(ctx, gw);
      } catch (RuntimeException e) {
        failure = Translator.failure(gw, e);
        failedStatus = Translator.failedGateway(ctx, gw, e);
      }
    }
    record(node, gw == null ? null : reads);
    setFailure(node.ref(), failure);
    if (failedStatus != null) {
      step.putStatus(node.ref(), failedStatus);
      // A full translation reports only the failure for such a Gateway.
      warnings.remove(node.ref());
    }
    GatewayTranslation before = gateways.get(key);
    if (Objects.equals(before, now)) {
      if (now == null && failedStatus == null && statuses.containsKey(node.ref())) {
        step.putStatus(node.ref(), null);
      }
      return;
    }
    if (now != null && before == null) {
      resources.put(key, new TreeMap<>());
    }
    if (before != null) {
      for (XdsResource r : before.resources()) {
        step.putResource(key, r.name(), null);
      }
    }
    if (now != null) {
      gateways.put(key, now);
      for (XdsResource r : now.resources()) {
        step.putResource(key, r.name(), r);
      }
      step.statusDirty.add(key);
    } else {
      gateways.remove(key);
      resources.remove(key);
      if (failedStatus == null) {
        step.putStatus(node.ref(), null);
      }
    }
    // Policies placed on this Gateway carry its backend client certificate.
    if (!Objects.equals(
        before == null ? null : before.backendClientCertificate(),
        now == null ? null : now.backendClientCertificate())) {
      placements.forEach((policy, placement) -> {
        if (placement.resources().containsKey(key)) {
          step.policiesToPlace.add(policy);
        }
      });
    }
    // ListenerSets this Gateway no longer reports on lose their status here; one that moved to
    // another Gateway gets it back when that Gateway's status is refreshed at the end of the step.
    if (before != null) {
      Set<ObjectRef> still = new HashSet<>();
      if (now != null) {
        now.listenerSets().forEach(ls -> still.add(ls.listenerSet()));
      }
      for (GatewayTranslation.ListenerSetDraft ls : before.listenerSets()) {
        if (!still.contains(ls.listenerSet())) {
          step.putStatus(ls.listenerSet(), null);
        }
      }
    }
    step.touchedGateways.add(key);
    // Routes read only a Gateway's listeners. Comparing those (which carry no timestamps)
    // rather than the whole translation keeps a wall clock from re-running every route of a
    // Gateway whose status was merely re-stamped.
    // The backend client certificate counts too: routes inline it into their static Backends.
    boolean listenersChanged =
        before == null || now == null || !before.listeners().equals(now.listeners())
            || !Objects.equals(before.backendClientCertificate(), now.backendClientCertificate());
    Set<Node> readers = gatewayReaders.get(key);
    if (readers != null && listenersChanged) {
      dirtyRoutes.addAll(readers);
    }
  }

  private void recomputeRoute(Node node, Step step) {
    ReadSet reads = new ReadSet();
    TranslationContext ctx = plain.withListener(reads);
    Map<GatewayKey, GatewayTranslation> recorded = recordingGateways(reads);
    InputKind<?> kind = view.kindOf(node.ref()).orElseThrow();
    HasMetadata route = ctx.get(kind, node.ref().namespace(), node.ref().name()).orElse(null);
    RouteTranslation now = null;
    Diagnostic failure = null;
    if (route != null) {
      try {
        if (route instanceof HTTPRoute http) {
          now = HttpRouteTranslator.translate(ctx, http, recorded, claimsView);
        } else if (route instanceof GRPCRoute grpc) {
          now = GrpcRouteTranslator.translate(ctx, grpc, recorded, claimsView);
        } else if (route instanceof TLSRoute tls) {
          now = L4RouteTranslator.translateTls(ctx, tls, recorded);
        } else {
          now = L4RouteTranslator.translateTcp(ctx, (TCPRoute) route, recorded);
        }
      } catch (RuntimeException e) {
        failure = Translator.failure(route, e);
      }
    }
    if (now != null && now.isEmpty()) {
      now = null;
    }
    record(node, route == null ? null : reads);
    setFailure(node.ref(), failure);
    RouteTranslation before = routes.get(node.ref());
    if (Objects.equals(before, now)) {
      return;
    }
    Set<RouteTranslation.ListenerAttachment> oldAttachments =
        before == null ? Set.of() : before.attachments();
    Set<RouteTranslation.ListenerAttachment> newAttachments =
        now == null ? Set.of() : now.attachments();
    boolean attachmentsChanged = !oldAttachments.equals(newAttachments);
    if (before != null) {
      before.resources().forEach((gw, list) -> list.forEach(r -> releaseRouteResource(gw, r.name(), step)));
      for (RouteTranslation.ListenerAttachment a : before.attachments()) {
        attached.get(a.gateway()).merge(a.listener(), -1, Integer::sum);
        if (attachmentsChanged) {
          step.statusDirty.add(a.gateway());
        }
      }
      before.serviceAddresses().forEach((gw, names) -> names.forEach(n -> useService(gw, n, -1, step)));
      routes.remove(node.ref());
    }
    if (now != null) {
      now.resources().forEach((gw, list) -> list.forEach(r -> holdRouteResource(gw, r, step)));
      for (RouteTranslation.ListenerAttachment a : now.attachments()) {
        attached.computeIfAbsent(a.gateway(), k -> new HashMap<>()).merge(a.listener(), 1, Integer::sum);
        if (attachmentsChanged) {
          step.statusDirty.add(a.gateway());
        }
      }
      now.serviceAddresses().forEach((gw, names) -> names.forEach(n -> useService(gw, n, 1, step)));
      routes.put(node.ref(), now);
      KubernetesResource status = Translator.routeStatus(now);
      if (!Objects.equals(statuses.get(node.ref()), status)) {
        step.putStatus(node.ref(), status);
        warnings.put(node.ref(), Translator.warnings(node.ref(), status));
      }
    } else {
      step.putStatus(node.ref(), null);
    }
  }

  /** Recomputes the Istio security policies of one translated Gateway. */
  private void recomputeSecurity(Node node, Step step) {
    ReadSet reads = new ReadSet();
    TranslationContext ctx = plain.withListener(reads);
    GatewayKey key = new GatewayKey(node.ref().namespace(), node.ref().name());
    Gateway gw = ctx.get(InputKind.GATEWAY, key.namespace(), key.name()).orElse(null);
    List<XdsResource> now = null;
    List<Diagnostic> diagnostics = List.of();
    if (gw != null && gateways.containsKey(key)) {
      SecurityPolicies.GatewaySecurity s = Translator.securityOf(ctx, gw);
      now = s.resources();
      diagnostics = s.diagnostics();
    }
    record(node, now == null ? null : reads);
    if (diagnostics.isEmpty()) {
      securityDiagnostics.remove(key);
    } else {
      securityDiagnostics.put(key, diagnostics);
    }
    List<XdsResource> before = security.get(key);
    if (Objects.equals(before, now)) {
      return;
    }
    if (before != null) {
      for (XdsResource r : before) {
        step.putResource(key, r.name(), null);
      }
      security.remove(key);
    }
    if (now != null) {
      for (XdsResource r : now) {
        step.putResource(key, r.name(), r);
      }
      security.put(key, now);
    }
  }

  /** Recomputes the report on one Istio security policy. */
  private void recomputeIstioPolicy(Node node, Step step) {
    ReadSet reads = new ReadSet();
    TranslationContext ctx = plain.withListener(reads);
    InputKind<?> kind = view.kindOf(node.ref()).orElseThrow();
    HasMetadata policy = ctx.get(kind, node.ref().namespace(), node.ref().name()).orElse(null);
    KubernetesResource status = policy == null ? null : Translator.securityStatus(ctx, policy);
    record(node, policy == null ? null : reads);
    if (!Objects.equals(statuses.get(node.ref()), status)) {
      step.putStatus(node.ref(), status);
      if (status != null) {
        warnings.put(node.ref(), Translator.warnings(node.ref(), status));
      }
    }
  }

  /** Recomputes one BackendTLSPolicy's translation; placing it waits for the routes. */
  private void recomputeBackendTlsPolicy(Node node, Step step) {
    ReadSet reads = new ReadSet();
    TranslationContext ctx = plain.withListener(reads);
    InputKind<?> kind = view.kindOf(node.ref()).orElseThrow();
    HasMetadata policy = ctx.get(kind, node.ref().namespace(), node.ref().name()).orElse(null);
    PlacedTranslation now = null;
    Diagnostic failure = null;
    if (policy != null) {
      try {
        if (policy instanceof InferencePool pool) {
          now = InferencePools.translate(ctx, pool);
        } else if (policy instanceof XBackend xb) {
          now = XBackends.translate(ctx, xb);
        } else {
          now = BackendTlsPolicyTranslator.translate(ctx, (BackendTLSPolicy) policy);
        }
      } catch (RuntimeException e) {
        failure = Translator.failure(policy, e);
      }
    }
    record(node, policy == null ? null : reads);
    setFailure(node.ref(), failure);
    PlacedTranslation before = policies.get(node.ref());
    if (Objects.equals(before, now)) {
      return;
    }
    if (before != null) {
      for (String service : before.serviceAddresses()) {
        Set<ObjectRef> refs = policiesByService.get(service);
        refs.remove(node.ref());
        if (refs.isEmpty()) {
          policiesByService.remove(service);
        }
      }
      policies.remove(node.ref());
    }
    if (now != null) {
      for (String service : now.serviceAddresses()) {
        policiesByService.computeIfAbsent(service, k -> new HashSet<>()).add(node.ref());
      }
      policies.put(node.ref(), now);
    }
    step.policiesToPlace.add(node.ref());
  }

  /** Puts a policy's resources on the Gateways that use its Services now, and its status. */
  private void placePolicy(ObjectRef ref, Step step) {
    PlacedTranslation translation = policies.get(ref);
    BackendTlsPolicyTranslation.Placement now =
        translation == null
            ? null
            : translation.place(
                n -> serviceUsers.getOrDefault(n, Set.of()), gw -> Translator.clientCertificate(gateways.get(gw)));
    BackendTlsPolicyTranslation.Placement before = placements.remove(ref);
    if (before != null) {
      before.resources().forEach((gw, list) -> list.forEach(r -> step.putResource(gw, r.name(), null)));
    }
    KubernetesResource status = null;
    if (now != null) {
      now.resources().forEach((gw, list) -> list.forEach(r -> step.putResource(gw, r.name(), r)));
      placements.put(ref, now);
      status = now.status();
    }
    if (!Objects.equals(statuses.get(ref), status)) {
      step.putStatus(ref, status);
      if (status != null) {
        warnings.put(ref, Translator.warnings(ref, status));
      }
    }
  }

  /**
   * Refreshes the raw listener claims of the dirty routes and returns the routes of the other
   * kind on every listener where a claim changed: their HTTPRoute/GRPCRoute conflict outcome may
   * have flipped although nothing they read did.
   */
  private Set<Node> updateClaims(Set<Node> routeNodes) {
    Set<Node> affected = new LinkedHashSet<>();
    for (Node node : routeNodes) {
      InputKind<?> kind = view.kindOf(node.ref()).orElseThrow();
      HasMetadata route = view.get(kind, node.ref().namespace(), node.ref().name()).orElse(null);
      RouteClaims.Raw now = null;
      if (route != null) {
        try {
          now = RouteClaims.raw(plain, route, gateways);
        } catch (RuntimeException e) {
          now = null;
        }
      }
      RouteClaims.Raw before = rawClaims.get(node.ref());
      if (Objects.equals(before, now)) {
        continue;
      }
      Set<RouteTranslation.ListenerAttachment> touched = new HashSet<>();
      if (before != null) {
        for (RouteTranslation.ListenerAttachment l : before.listeners()) {
          Map<String, Map<ObjectRef, RouteClaims.Claim>> byKind = claimsByListener.get(l);
          Map<ObjectRef, RouteClaims.Claim> claims = byKind.get(node.ref().kind());
          claims.remove(node.ref());
          if (claims.isEmpty()) {
            byKind.remove(node.ref().kind());
            if (byKind.isEmpty()) {
              claimsByListener.remove(l);
            }
          }
          touched.add(l);
        }
        rawClaims.remove(node.ref());
      }
      if (now != null) {
        for (RouteTranslation.ListenerAttachment l : now.listeners()) {
          claimsByListener
              .computeIfAbsent(l, k -> new HashMap<>())
              .computeIfAbsent(node.ref().kind(), k -> new HashMap<>())
              .put(node.ref(), now.claim());
          touched.add(l);
        }
        rawClaims.put(node.ref(), now);
      }
      String other = RouteClaims.otherKind(node.ref().kind());
      for (RouteTranslation.ListenerAttachment l : touched) {
        for (ObjectRef ref : claimsByListener.getOrDefault(l, Map.of()).getOrDefault(other, Map.of()).keySet()) {
          affected.add(new Node(NodeKind.ROUTE, ref));
        }
      }
    }
    return affected;
  }

  /**
   * Routes may send the same resource (a Backend for an external host, a pool's Policies): it
   * stays while any route of the Gateway still sends it.
   */
  private void holdRouteResource(GatewayKey gw, XdsResource r, Step step) {
    routeResourceHolders.computeIfAbsent(gw, k -> new HashMap<>()).merge(r.name(), 1, Integer::sum);
    step.putResource(gw, r.name(), r);
  }

  private void releaseRouteResource(GatewayKey gw, String name, Step step) {
    Map<String, Integer> holders = routeResourceHolders.get(gw);
    int left = holders.merge(name, -1, Integer::sum);
    if (left == 0) {
      holders.remove(name);
      if (holders.isEmpty()) {
        routeResourceHolders.remove(gw);
      }
      step.putResource(gw, name, null);
    }
  }

  private void useService(GatewayKey gw, String service, int delta, Step step) {
    Map<String, Integer> counts = serviceUse.computeIfAbsent(gw, k -> new HashMap<>());
    int n = counts.merge(service, delta, Integer::sum);
    if (n == 0) {
      counts.remove(service);
      Set<GatewayKey> users = serviceUsers.get(service);
      users.remove(gw);
      if (users.isEmpty()) {
        serviceUsers.remove(service);
      }
      step.serviceSetChanged.add(gw);
      step.serviceUseChanged.computeIfAbsent(gw, k -> new HashSet<>()).add(service);
      step.usersChanged.add(service);
    } else if (n == 1 && delta > 0) {
      serviceUsers.computeIfAbsent(service, k -> new HashSet<>()).add(gw);
      step.serviceSetChanged.add(gw);
      step.serviceUseChanged.computeIfAbsent(gw, k -> new HashSet<>()).add(service);
      step.usersChanged.add(service);
    }
  }

  private Map<GatewayKey, GatewayTranslation> recordingGateways(ReadSet reads) {
    return new AbstractMap<>() {
      @Override
      public GatewayTranslation get(Object key) {
        reads.gateways.add((GatewayKey) key);
        return gateways.get(key);
      }

      @Override
      public Set<Entry<GatewayKey, GatewayTranslation>> entrySet() {
        throw new UnsupportedOperationException("route translators look Gateways up by key");
      }
    };
  }

  private void setFailure(ObjectRef ref, Diagnostic failure) {
    if (failure == null) {
      failures.remove(ref);
    } else {
      failures.put(ref, failure);
    }
  }

  private void refreshGatewayStatus(GatewayKey gw, Step step) {
    GatewayTranslation translation = gateways.get(gw);
    if (translation == null) {
      return;
    }
    ObjectRef ref = InputKind.GATEWAY.ref(gw.namespace(), gw.name());
    KubernetesResource status = translation.status(attached.getOrDefault(gw, Map.of()));
    if (!Objects.equals(statuses.get(ref), status)) {
      step.putStatus(ref, status);
      warnings.put(ref, Translator.warnings(ref, status));
    }
    for (GatewayTranslation.ListenerSetDraft ls : translation.listenerSets()) {
      KubernetesResource lsStatus = ls.status(attached.getOrDefault(gw, Map.of()));
      if (!Objects.equals(statuses.get(ls.listenerSet()), lsStatus)) {
        step.putStatus(ls.listenerSet(), lsStatus);
        warnings.put(ls.listenerSet(), Translator.warnings(ls.listenerSet(), lsStatus));
      }
    }
  }

  // ---- delta

  /**
   * Brings each Gateway's Address names up to date for the Services whose use by it, Address or
   * workloads changed in this step; a Service with an Address brings that Address and its workloads.
   */
  private void updateAddressNames(Step step) {
    Map<GatewayKey, Set<String>> dirty = new HashMap<>();
    step.serviceUseChanged.forEach((gw, names) -> dirty.computeIfAbsent(gw, k -> new HashSet<>()).addAll(names));
    // A Service's Address or workload list changes only with its own Address entry.
    Set<String> services = new HashSet<>(step.servicesTouched);
    services.addAll(step.addressesBefore.keySet());
    for (String service : services) {
      for (GatewayKey gw : serviceUsers.getOrDefault(service, Set.of())) {
        dirty.computeIfAbsent(gw, k -> new HashSet<>()).add(service);
      }
    }
    dirty.forEach((gw, names) -> {
      Map<String, Integer> use = serviceUse.getOrDefault(gw, Map.of());
      for (String service : names) {
        Map<String, SortedSet<String>> contributions = addressContributions.get(gw);
        SortedSet<String> before = contributions == null ? null : contributions.get(service);
        SortedSet<String> now =
            use.containsKey(service) && addresses.containsKey(service)
                ? workloadsByService.getOrDefault(service, EMPTY_NAMES)
                : null;
        // Workload sets are replaced, never changed in place, so the same set means no change.
        if (before == now) {
          continue;
        }
        if (before != null) {
          countAddressName(gw, service, -1, step);
          before.forEach(uid -> countAddressName(gw, uid, -1, step));
          contributions.remove(service);
          if (contributions.isEmpty()) {
            addressContributions.remove(gw);
          }
        }
        if (now != null) {
          countAddressName(gw, service, 1, step);
          now.forEach(uid -> countAddressName(gw, uid, 1, step));
          addressContributions.computeIfAbsent(gw, k -> new HashMap<>()).put(service, now);
        }
      }
    });
  }

  private void countAddressName(GatewayKey gw, String name, int delta, Step step) {
    TreeMap<String, Integer> names = addressNames.computeIfAbsent(gw, k -> new TreeMap<>());
    step.addressNamesBefore.computeIfAbsent(gw, k -> new HashMap<>()).putIfAbsent(name, names.containsKey(name));
    if (names.merge(name, delta, Integer::sum) == 0) {
      names.remove(name);
      if (names.isEmpty()) {
        addressNames.remove(gw);
      }
    }
  }

  private TranslationDelta delta(Step step) {
    // Address views: Gateways whose Service set changed, or that use a Service whose entries changed.
    Set<GatewayKey> addressCandidates = new HashSet<>(step.serviceSetChanged);
    for (String service : step.servicesTouched) {
      addressCandidates.addAll(serviceUsers.getOrDefault(service, Set.of()));
    }
    // A workload shared with an untouched Service changes for that Service's users too.
    for (String uid : step.uidsTouched) {
      for (ObjectRef service : partials.getOrDefault(uid, new TreeMap<>()).keySet()) {
        addressCandidates.addAll(serviceUsers.getOrDefault(services.get(service).name(), Set.of()));
      }
    }
    Set<String> changedAddresses = new HashSet<>();
    step.addressesBefore.forEach(
        (name, before) -> {
          if (!Objects.equals(before, addresses.get(name))) {
            changedAddresses.add(name);
          }
        });
    updateAddressNames(step);
    Map<GatewayKey, TranslationDelta.GatewayDelta> out = new TreeMap<>();
    Set<GatewayKey> all = new TreeSet<>(step.touchedGateways);
    all.addAll(addressCandidates);
    all.addAll(step.serviceSetChanged);
    all.addAll(step.addressNamesBefore.keySet());
    TreeSet<GatewayKey> removedGateways = new TreeSet<>();
    for (GatewayKey gw : all) {
      if (!gateways.containsKey(gw)) {
        if (step.gatewaysBefore.contains(gw)) {
          removedGateways.add(gw);
        }
        continue;
      }
      List<XdsResource> upserted = new ArrayList<>();
      TreeSet<String> removed = new TreeSet<>();
      TreeMap<String, XdsResource> now = resources.get(gw);
      Map<String, XdsResource> before = step.resourcesBefore.getOrDefault(gw, Map.of());
      for (String name : new TreeSet<>(before.keySet())) {
        XdsResource after = now.get(name);
        if (after == null) {
          if (before.get(name) != null) {
            removed.add(name);
          }
        } else if (!after.equals(before.get(name))) {
          upserted.add(after);
        }
      }
      if (!step.gatewaysBefore.contains(gw)) {
        upserted.clear();
        removed.clear();
        upserted.addAll(now.values());
      }
      List<XdsResource> upsertedAddresses = new ArrayList<>();
      TreeSet<String> removedAddresses = new TreeSet<>();
      TreeMap<String, Integer> names = addressNames.getOrDefault(gw, new TreeMap<>());
      if (!step.gatewaysBefore.contains(gw)) {
        // A new Gateway's proxies have none of its Addresses yet.
        for (String name : names.keySet()) {
          upsertedAddresses.add(addresses.get(name));
        }
      } else {
        // Only names this step counted in or out, or whose Address changed, can differ.
        Map<String, Boolean> wasIn = step.addressNamesBefore.getOrDefault(gw, Map.of());
        TreeSet<String> candidates = new TreeSet<>(wasIn.keySet());
        candidates.addAll(changedAddresses);
        for (String name : candidates) {
          boolean in = names.containsKey(name);
          boolean was = wasIn.getOrDefault(name, in);
          if (was && !in) {
            removedAddresses.add(name);
          } else if (in && (!was || changedAddresses.contains(name))) {
            upsertedAddresses.add(addresses.get(name));
          }
        }
      }
      TranslationDelta.GatewayDelta d =
          new TranslationDelta.GatewayDelta(upserted, removed, upsertedAddresses, removedAddresses);
      if (!d.isEmpty() || !step.gatewaysBefore.contains(gw)) {
        out.put(gw, d);
      }
    }
    TreeMap<ObjectRef, KubernetesResource> changedStatuses = new TreeMap<>();
    TreeSet<ObjectRef> removedStatuses = new TreeSet<>();
    step.statusesBefore.forEach(
        (ref, before) -> {
          KubernetesResource after = statuses.get(ref);
          if (after == null) {
            if (before != null) {
              removedStatuses.add(ref);
            }
          } else if (!after.equals(before)) {
            changedStatuses.put(ref, after);
          }
        });
    return new TranslationDelta(new TreeMap<>(out), removedGateways, changedStatuses, removedStatuses);
  }
}
