package dev.agentgatewayjcp.translator.gateway;

import dev.agentgatewayjcp.api.resource.Bind;
import dev.agentgatewayjcp.api.resource.ListenerName;
import dev.agentgatewayjcp.api.resource.Resource;
import dev.agentgatewayjcp.api.resource.ResourceName;
import dev.agentgatewayjcp.api.resource.TLSConfig;
import dev.agentgatewayjcp.translator.input.InputKind;
import dev.agentgatewayjcp.translator.input.ObjectRef;
import dev.agentgatewayjcp.translator.input.TranslationContext;
import dev.agentgatewayjcp.translator.output.GatewayKey;
import dev.agentgatewayjcp.translator.output.XdsResource;
import dev.agentgatewayjcp.translator.reference.ReferenceGrants;
import dev.agentgatewayjcp.translator.status.ConditionList;
import io.fabric8.kubernetes.api.model.LoadBalancerIngress;
import io.fabric8.kubernetes.api.model.Namespace;
import io.fabric8.kubernetes.api.model.Service;
import io.fabric8.kubernetes.api.model.gatewayapi.v1.AllowedRoutes;
import io.fabric8.kubernetes.api.model.gatewayapi.v1.Gateway;
import io.fabric8.kubernetes.api.model.gatewayapi.v1.GatewayClass;
import io.fabric8.kubernetes.api.model.gatewayapi.v1.GatewayStatusAddress;
import io.fabric8.kubernetes.api.model.gatewayapi.v1.Listener;
import io.fabric8.kubernetes.api.model.gatewayapi.v1.RouteGroupKind;
import io.fabric8.kubernetes.api.model.gatewayapi.v1.RouteNamespaces;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;

/**
 * GatewayTranslator turns one Gateway of our class, with the ListenerSets attached to it, into
 * agentgateway Bind and Listener resources, the listeners routes can attach to, and the statuses
 * of the Gateway and of those ListenerSets.
 */
public final class GatewayTranslator {

  /** Route kinds an HTTP or HTTPS listener serves, in the order status lists them. */
  public static final List<String> HTTP_ROUTE_KINDS = List.of("HTTPRoute", "GRPCRoute");

  private static final String CONFLICT_MESSAGE =
      "Listener has a conflict with another listener attached to the same Gateway";
  private static final String OK = "No errors found";

  private GatewayTranslator() {}

  /** Whether a Gateway's class exists and names our controller. */
  public static boolean isOurs(TranslationContext ctx, Gateway gateway) {
    if (gateway.getSpec() == null || gateway.getSpec().getGatewayClassName() == null) {
      return false;
    }
    return ctx.get(InputKind.GATEWAY_CLASS, null, gateway.getSpec().getGatewayClassName())
        .map(GatewayClass::getSpec)
        .map(spec -> ctx.settings().controllerName().equals(spec.getControllerName()))
        .orElse(false);
  }

  /** Translates a Gateway already known to be ours. */
  public static GatewayTranslation translate(TranslationContext ctx, Gateway gateway) {
    String ns = gateway.getMetadata().getNamespace();
    String name = gateway.getMetadata().getName();
    GatewayKey key = new GatewayKey(ns, name);
    Long generation = gateway.getMetadata().getGeneration();
    List<Listener> specs =
        gateway.getSpec().getListeners() == null ? List.of() : gateway.getSpec().getListeners();

    Merge merge = new Merge(ctx, gateway, key);
    int validListeners = 0;
    List<GatewayTranslation.ListenerStatusDraft> drafts = new ArrayList<>();
    for (Listener listener : specs) {
      if (listener == null || listener.getName() == null || listener.getPort() == null) {
        // Nothing can refer to it and status cannot name it; it only counts as invalid.
        continue;
      }
      Outcome outcome = merge.add(listener, ns, "Gateway", generation, null);
      drafts.add(outcome.draft());
      if (outcome.programmed()) {
        validListeners++;
      }
    }

    // ListenerSet listeners join after the Gateway's own, oldest ListenerSet first, so that a
    // conflict always goes against the newcomer.
    List<GatewayTranslation.ListenerSetDraft> listenerSets = new ArrayList<>();
    for (ListenerSets.Candidate candidate : ListenerSets.of(ctx, gateway)) {
      listenerSets.add(listenerSet(ctx, merge, candidate));
    }

    merge.binds.forEach(
        (port, protocol) -> {
          String bindKey = bindKey(port, key);
          Bind bind =
              Bind.newBuilder()
                  .setKey(bindKey)
                  .setPort(port)
                  .setProtocol(protocol)
                  .setTunnelProtocol(Bind.TunnelProtocol.DIRECT)
                  .build();
          String xdsName = "bind/" + bindKey;
          merge.resources.put(xdsName, XdsResource.of(xdsName, Resource.newBuilder().setBind(bind).build()));
        });

    ConditionList gwConditions = new ConditionList(ctx.clock(), generation);
    if (validListeners == specs.size()) {
      gwConditions.set("Accepted", true, "Accepted", "Resource accepted");
    } else if (validListeners > 0) {
      gwConditions.set(
          "Accepted", true, "ListenersNotValid", "One or more of the Gateway's listeners are invalid");
    } else {
      gwConditions.set(
          "Accepted", false, "ListenersNotValid", "None of the Gateway's listeners are valid");
    }
    if (FrontendValidation.anyInsecureFallback(gateway)) {
      gwConditions.set(
          "InsecureFrontendValidationMode",
          true,
          "ConfigurationChanged",
          "frontend client certificate validation uses AllowInsecureFallback: clients without a valid certificate are let through");
    }
    CertificateResolver.Resolved backendClientCertificate = backendClientCertificate(ctx, gateway, gwConditions);
    List<GatewayStatusAddress> addresses = new ArrayList<>();
    programmedCondition(ctx, gateway, validListeners, merge.binds.keySet(), gwConditions, addresses);
    requestedAddresses(gateway, gwConditions, addresses);
    var invalid = invalidParameters(ctx, gateway);
    List<ListenerInfo> infos = merge.infos;
    if (invalid.isPresent()) {
      // A rejected Gateway is not programmed: its proxies get no configuration and no route can
      // attach, so what users see in status is what the proxies do.
      String message = "The Gateway is not accepted: " + invalid.get();
      gwConditions.set("Accepted", false, "InvalidParameters", invalid.get());
      gwConditions.set("Programmed", false, "Invalid", message);
      merge.resources.clear();
      infos = List.of();
      drafts.replaceAll(d -> notProgrammed(d, generation, ctx, message));
    }
    if (!gwConditions.isTrue("Accepted") || !gwConditions.isTrue("Programmed")) {
      listenerSets.replaceAll(ls -> parentNotReady(ctx, ls, gwConditions));
    }

    return new GatewayTranslation(
        key,
        new ArrayList<>(merge.resources.values()),
        infos,
        gwConditions.toList(),
        addresses,
        drafts,
        listenerSets,
        backendClientCertificate);
  }

  /**
   * Resolves {@code spec.tls.backend.clientCertificateRef}, the certificate the Gateway's proxies
   * present to TLS backends, and sets the Gateway's ResolvedRefs condition for it (only when one
   * is configured, so other Gateways' status keeps its shape). Returns null when there is none
   * or it is unusable: the proxies then present no client certificate.
   */
  private static CertificateResolver.Resolved backendClientCertificate(
      TranslationContext ctx, Gateway gateway, ConditionList conditions) {
    var tls = gateway.getSpec().getTls();
    var ref = tls == null || tls.getBackend() == null ? null : tls.getBackend().getClientCertificateRef();
    if (ref == null) {
      return null;
    }
    CertificateResolver.Resolved resolved =
        CertificateResolver.resolve(ctx, "Gateway", gateway.getMetadata().getNamespace(), List.of(ref));
    if (resolved.ok()) {
      conditions.set("ResolvedRefs", true, "ResolvedRefs", "All references resolved");
      return resolved;
    }
    String reason = "RefNotPermitted".equals(resolved.reason()) ? "RefNotPermitted" : "InvalidClientCertificateRef";
    conditions.set("ResolvedRefs", false, reason, "backend clientCertificateRef: " + resolved.message());
    return null;
  }

  /** The listeners of one ListenerSet naming the Gateway, merged if admitted, and its status. */
  private static GatewayTranslation.ListenerSetDraft listenerSet(
      TranslationContext ctx, Merge merge, ListenerSets.Candidate candidate) {
    var ls = candidate.listenerSet();
    ObjectRef ref = ObjectRef.of(ls);
    Long generation = ls.getMetadata().getGeneration();
    ConditionList conditions = new ConditionList(ctx.clock(), generation);
    if (!candidate.admitted()) {
      String message = "the parent Gateway's allowedListeners does not admit ListenerSets from namespace " + ref.namespace();
      conditions.set("Accepted", false, "NotAllowed", message);
      conditions.set("Programmed", false, "NotAllowed", message);
      return new GatewayTranslation.ListenerSetDraft(ref, conditions.toList(), List.of(), false);
    }
    var entries = ls.getSpec() == null || ls.getSpec().getListeners() == null
        ? List.<io.fabric8.kubernetes.api.model.gatewayapi.v1.ListenerEntry>of()
        : ls.getSpec().getListeners();
    List<GatewayTranslation.ListenerStatusDraft> drafts = new ArrayList<>();
    int valid = 0;
    for (var entry : entries) {
      if (entry == null || entry.getName() == null || entry.getPort() == null) {
        continue;
      }
      Outcome outcome =
          merge.add(ListenerSets.asListener(entry), ref.namespace(), "ListenerSet", generation, ref);
      drafts.add(outcome.draft());
      if (outcome.programmed()) {
        valid++;
      }
    }
    if (valid == 0) {
      String message = "None of the ListenerSet's listeners are valid";
      conditions.set("Accepted", false, "ListenersNotValid", message);
      conditions.set("Programmed", false, "ListenersNotValid", message);
    } else {
      if (valid == entries.size()) {
        conditions.set("Accepted", true, "Accepted", "ListenerSet accepted");
      } else {
        conditions.set(
            "Accepted", true, "ListenersNotValid", "One or more of the ListenerSet's listeners are invalid");
      }
      conditions.set("Programmed", true, "Programmed", "ListenerSet programmed");
    }
    return new GatewayTranslation.ListenerSetDraft(ref, conditions.toList(), drafts, valid > 0);
  }

  /** An admitted ListenerSet of a Gateway that is not accepted or not programmed. */
  private static GatewayTranslation.ListenerSetDraft parentNotReady(
      TranslationContext ctx, GatewayTranslation.ListenerSetDraft draft, ConditionList parent) {
    if (!draft.attached()) {
      return draft;
    }
    var accepted = draft.conditions().stream().filter(c -> "Accepted".equals(c.getType())).findFirst().orElseThrow();
    ConditionList conditions = new ConditionList(ctx.clock(), accepted.getObservedGeneration());
    boolean parentAccepted = parent.isTrue("Accepted");
    String reason = parent.get(parentAccepted ? "Programmed" : "Accepted").map(c -> c.getReason()).orElse("");
    String message =
        "Parent Gateway is not " + (parentAccepted ? "programmed" : "accepted") + " (" + reason + ")";
    if (parentAccepted) {
      conditions.set("Accepted", true, accepted.getReason(), accepted.getMessage());
      conditions.set("Programmed", false, "Pending", message);
    } else {
      conditions.set("Accepted", false, "ParentNotAccepted", message);
      conditions.set("Programmed", false, "ParentNotAccepted", message);
    }
    // A ListenerSet that is not accepted does not count among the Gateway's attached ones.
    return new GatewayTranslation.ListenerSetDraft(
        draft.listenerSet(), conditions.toList(), draft.listeners(), parentAccepted);
  }

  /** Outcome of one listener: its status draft and whether it is programmed. */
  private record Outcome(GatewayTranslation.ListenerStatusDraft draft, boolean programmed) {}

  /**
   * Merge is the listener list of one Gateway being built: its own listeners and then those of
   * its admitted ListenerSets, checked for conflicts against every listener accepted before.
   */
  private static final class Merge {
    final TranslationContext ctx;
    final Gateway gatewayObject;
    final GatewayKey gateway;
    final List<Listener> accepted = new ArrayList<>();
    final List<ListenerInfo> infos = new ArrayList<>();
    // Port to Bind protocol, sorted so Binds come out in port order.
    final TreeMap<Integer, Bind.Protocol> binds = new TreeMap<>();
    final Map<String, XdsResource> resources = new TreeMap<>();

    Merge(TranslationContext ctx, Gateway gatewayObject, GatewayKey gateway) {
      this.ctx = ctx;
      this.gatewayObject = gatewayObject;
      this.gateway = gateway;
    }

    /**
     * Adds one listener owned by the Gateway ({@code listenerSet} null) or by a ListenerSet, in
     * {@code ownerNamespace}; {@code ownerKind} is what ReferenceGrants must name.
     */
    Outcome add(
        Listener listener, String ownerNamespace, String ownerKind, Long generation, ObjectRef listenerSet) {
      ConditionList conditions = new ConditionList(ctx.clock(), generation);
      conditions.set("Accepted", true, "Accepted", OK);
      conditions.set("Programmed", true, "Programmed", OK);
      conditions.set("ResolvedRefs", true, "ResolvedRefs", OK);
      conditions.set("Conflicted", false, "NoConflicts", OK);
      String protocol = listener.getProtocol() == null ? "" : listener.getProtocol();
      ListenerProtocol mapping = ListenerProtocol.of(listener);
      boolean supportedProtocol = mapping.supported();
      KindsResult kindsResult = supportedKinds(mapping.kinds(), listener.getAllowedRoutes());
      String conflict = conflictWith(listener, accepted);
      if (conflict != null) {
        conditions.set("Accepted", false, conflict, CONFLICT_MESSAGE);
        conditions.set("Programmed", false, conflict, CONFLICT_MESSAGE);
        conditions.set("Conflicted", true, conflict, CONFLICT_MESSAGE);
        return new Outcome(draft(listener, kindsResult.kinds(), conditions), false);
      }
      accepted.add(listener);

      boolean programmed = supportedProtocol;
      if (!supportedProtocol) {
        conditions.set("Accepted", false, mapping.problemReason(), mapping.problem());
        conditions.set("Programmed", false, "Invalid", mapping.problem());
      }
      if (kindsResult.invalid()) {
        conditions.set("ResolvedRefs", false, "InvalidRouteKinds", "Invalid route kinds");
      }

      TLSConfig tls = null;
      if (supportedProtocol && mapping.terminatesTls()) {
        CertificateResolver.Resolved resolved =
            listener.getTls() == null
                ? new CertificateResolver.Resolved(
                    null, null, "InvalidCertificateRef", "an " + protocol + " listener needs tls.certificateRefs")
                : CertificateResolver.resolve(ctx, ownerKind, ownerNamespace, listener.getTls().getCertificateRefs());
        if (resolved.ok()) {
          TLSConfig.Builder tlsConfig =
              TLSConfig.newBuilder().setCert(resolved.cert()).setPrivateKey(resolved.key());
          int port = listener.getPort() == null ? 0 : listener.getPort();
          FrontendValidation.Result frontend = FrontendValidation.forPort(ctx, gatewayObject, port);
          if (frontend != null && frontend.reason() != null) {
            conditions.set("ResolvedRefs", false, frontend.reason(), frontend.message());
          }
          if (frontend != null && frontend.root() == null) {
            // Without a CA the listener cannot check client certificates; it is not served at
            // all rather than served without the check its owner asked for.
            conditions.set("Accepted", false, "NoValidCACertificate", "no usable CA certificate for client validation: " + frontend.message());
            conditions.set("Programmed", false, "Invalid", "Bad TLS configuration");
            programmed = false;
          } else {
            if (frontend != null) {
              frontend.applyTo(tlsConfig);
            }
            tls = tlsConfig.build();
          }
        } else {
          conditions.set("ResolvedRefs", false, resolved.reason(), resolved.message());
          conditions.set("Programmed", false, "Invalid", "Bad TLS configuration");
          programmed = false;
        }
      }

      int port = listener.getPort() == null ? 0 : listener.getPort();
      String slot = listenerSet == null ? listener.getName() : ListenerInfo.slot(listenerSet, listener.getName());
      String listenerKey = gateway.namespace() + "/" + gateway.name() + "." + slot;
      if (supportedProtocol) {
        binds.putIfAbsent(port, mapping.bind());
      }
      if (programmed) {
        ListenerName.Builder listenerName =
            ListenerName.newBuilder()
                .setGatewayName(gateway.name())
                .setGatewayNamespace(gateway.namespace())
                .setListenerName(listener.getName());
        if (listenerSet != null) {
          listenerName.setListenerSet(
              ResourceName.newBuilder().setName(listenerSet.name()).setNamespace(listenerSet.namespace()));
        }
        dev.agentgatewayjcp.api.resource.Listener.Builder out =
            dev.agentgatewayjcp.api.resource.Listener.newBuilder()
                .setKey(listenerKey)
                .setBindKey(bindKey(port, gateway))
                .setName(listenerName)
                .setHostname(listener.getHostname() == null ? "" : listener.getHostname())
                .setProtocol(mapping.listener());
        if (tls != null) {
          out.setTls(tls);
        }
        String xdsName = "listener/" + listenerKey;
        resources.put(xdsName, XdsResource.of(xdsName, Resource.newBuilder().setListener(out).build()));
      }
      infos.add(
          new ListenerInfo(
              gateway,
              slot,
              port,
              protocol,
              listener.getHostname(),
              listenerKey,
              programmed,
              allowedNamespaces(ctx, ownerNamespace, listener.getAllowedRoutes()),
              kindsResult.kinds(),
              listener.getName(),
              listenerSet));
      return new Outcome(draft(listener, kindsResult.kinds(), conditions), programmed);
    }
  }

  private static GatewayTranslation.ListenerStatusDraft notProgrammed(
      GatewayTranslation.ListenerStatusDraft draft,
      Long generation,
      TranslationContext ctx,
      String message) {
    var programmed =
        new ConditionList(ctx.clock(), generation)
            .set("Programmed", false, "Invalid", message)
            .get("Programmed")
            .orElseThrow();
    List<io.fabric8.kubernetes.api.model.Condition> conditions = new ArrayList<>();
    for (var c : draft.conditions()) {
      conditions.add("Programmed".equals(c.getType()) ? programmed : c);
    }
    return new GatewayTranslation.ListenerStatusDraft(draft.name(), draft.supportedKinds(), conditions);
  }

  /**
   * Why {@code spec.infrastructure.parametersRef} is unusable, if it is: we accept only a
   * ConfigMap in the Gateway's namespace (the deployer reads it), and it must exist.
   */
  private static java.util.Optional<String> invalidParameters(TranslationContext ctx, Gateway gateway) {
    var infrastructure = gateway.getSpec().getInfrastructure();
    var ref = infrastructure == null ? null : infrastructure.getParametersRef();
    if (ref == null) {
      return java.util.Optional.empty();
    }
    String group = ref.getGroup() == null ? "" : ref.getGroup();
    if (!group.isEmpty() || !"ConfigMap".equals(ref.getKind())) {
      return java.util.Optional.of(
          "parametersRef kind " + (group.isEmpty() ? "" : group + "/") + ref.getKind() + " is not supported; use a ConfigMap");
    }
    if (ctx.get(InputKind.CONFIG_MAP, gateway.getMetadata().getNamespace(), ref.getName()).isEmpty()) {
      return java.util.Optional.of("parametersRef ConfigMap " + ref.getName() + " not found");
    }
    return java.util.Optional.empty();
  }

  /**
   * Checks {@code spec.addresses}: only IPAddress and Hostname can be requested, and a request
   * is met only when the Gateway's Service actually has that address. An address without a value
   * (GatewayAddressEmpty) asks for any address of that type, which the Service's own is.
   */
  private static void requestedAddresses(
      Gateway gateway, ConditionList conditions, List<GatewayStatusAddress> assigned) {
    var requested = gateway.getSpec().getAddresses();
    if (requested == null || requested.isEmpty()) {
      return;
    }
    Set<String> have = new TreeSet<>();
    assigned.forEach(a -> have.add(a.getValue()));
    List<String> missing = new ArrayList<>();
    for (var address : requested) {
      String type = address.getType() == null ? "IPAddress" : address.getType();
      if (!"IPAddress".equals(type) && !"Hostname".equals(type)) {
        conditions.set(
            "Accepted", false, "UnsupportedAddress", "address type " + type + " is not supported");
        return;
      }
      if (address.getValue() != null && !have.contains(address.getValue())) {
        missing.add(address.getValue());
      }
    }
    // Programmed is still True only when the Service already has its addresses (a load balancer
    // still pending is AddressNotAssigned above): a request it does not have was not honoured,
    // and will not be without a change, so it is unusable rather than pending.
    if (!missing.isEmpty() && conditions.isTrue("Programmed")) {
      conditions.set(
          "Programmed",
          false,
          "AddressNotUsable",
          "requested address(es) " + String.join(", ", missing) + " not assigned to the Gateway's Service");
    }
  }

  /** The Bind key of a port of a Gateway: {@code <port>/<ns>/<name>}. */
  public static String bindKey(int port, GatewayKey gateway) {
    return port + "/" + gateway.namespace() + "/" + gateway.name();
  }

  private static GatewayTranslation.ListenerStatusDraft draft(
      Listener listener, List<String> kinds, ConditionList conditions) {
    List<RouteGroupKind> groupKinds = new ArrayList<>();
    for (String kind : kinds) {
      RouteGroupKind rgk = new RouteGroupKind();
      rgk.setGroup(ReferenceGrants.GATEWAY_GROUP);
      rgk.setKind(kind);
      groupKinds.add(rgk);
    }
    return new GatewayTranslation.ListenerStatusDraft(
        listener.getName(), groupKinds, conditions.toList());
  }

  private record KindsResult(List<String> kinds, boolean invalid) {}

  private static KindsResult supportedKinds(List<String> available, AllowedRoutes allowed) {
    if (allowed == null || allowed.getKinds() == null || allowed.getKinds().isEmpty()) {
      return new KindsResult(available, false);
    }
    Set<String> requested = new LinkedHashSet<>();
    boolean invalid = false;
    for (RouteGroupKind rgk : allowed.getKinds()) {
      String group = rgk.getGroup() == null ? ReferenceGrants.GATEWAY_GROUP : rgk.getGroup();
      if (ReferenceGrants.GATEWAY_GROUP.equals(group)
          && rgk.getKind() != null
          && available.contains(rgk.getKind())) {
        requested.add(rgk.getKind());
      } else {
        invalid = true;
      }
    }
    List<String> kinds = available.stream().filter(requested::contains).toList();
    return new KindsResult(kinds, invalid);
  }

  private static AllowedNamespaces allowedNamespaces(
      TranslationContext ctx, String gatewayNamespace, AllowedRoutes allowed) {
    RouteNamespaces namespaces = allowed == null ? null : allowed.getNamespaces();
    String from = namespaces == null || namespaces.getFrom() == null ? "Same" : namespaces.getFrom();
    return switch (from) {
      case "All" -> AllowedNamespaces.ALL;
      case "Selector" -> {
        if (namespaces.getSelector() == null) {
          yield AllowedNamespaces.ALL;
        }
        Set<String> matched = new TreeSet<>();
        for (Namespace namespace : ctx.list(InputKind.NAMESPACE)) {
          Map<String, String> labels =
              new HashMap<>(
                  namespace.getMetadata().getLabels() == null
                      ? Map.of()
                      : namespace.getMetadata().getLabels());
          // The API server always sets this label; test inputs may omit it.
          labels.putIfAbsent("kubernetes.io/metadata.name", namespace.getMetadata().getName());
          if (LabelSelectorMatcher.matches(namespaces.getSelector(), labels)) {
            matched.add(namespace.getMetadata().getName());
          }
        }
        yield AllowedNamespaces.only(matched);
      }
      case "None" -> AllowedNamespaces.only(Set.of());
      default -> AllowedNamespaces.only(Set.of(gatewayNamespace));
    };
  }

  /** The conflict reason of a listener against those already accepted, or null. */
  private static String conflictWith(Listener listener, List<Listener> earlier) {
    for (Listener other : earlier) {
      if (!Objects.equals(listener.getPort(), other.getPort())) {
        continue;
      }
      String p1 = String.valueOf(listener.getProtocol());
      String p2 = String.valueOf(other.getProtocol());
      boolean http1 = isHttpLike(p1);
      boolean http2 = isHttpLike(p2);
      if (http1 && http2) {
        // One socket has one Bind protocol: plaintext HTTP cannot share it with TLS.
        if ("HTTP".equals(p1) != "HTTP".equals(p2)) {
          return "ProtocolConflict";
        }
        if (!hostnameOf(listener).equals(hostnameOf(other))) {
          continue;
        }
        return p1.equals(p2) ? "HostnameConflict" : "ProtocolConflict";
      }
      boolean l4First = isL4(p1);
      boolean l4Second = isL4(p2);
      if (!http1 && !http2 && !l4First && !l4Second && !p1.equals(p2)) {
        continue;
      }
      return !p1.equals(p2) || (l4First && l4Second) ? "ProtocolConflict" : "HostnameConflict";
    }
    return null;
  }

  private static boolean isHttpLike(String protocol) {
    return "HTTP".equals(protocol) || "HTTPS".equals(protocol) || "TLS".equals(protocol);
  }

  private static boolean isL4(String protocol) {
    return "TCP".equals(protocol) || "UDP".equals(protocol);
  }

  private static String hostnameOf(Listener listener) {
    return listener.getHostname() == null || listener.getHostname().isEmpty()
        ? "*"
        : listener.getHostname();
  }

  /**
   * Programmed reflects whether the Gateway's Service (created by the deployer, named like the
   * Gateway) exists and has an address.
   */
  private static void programmedCondition(
      TranslationContext ctx,
      Gateway gateway,
      int validListeners,
      Set<Integer> ports,
      ConditionList conditions,
      List<GatewayStatusAddress> addresses) {
    String ns = gateway.getMetadata().getNamespace();
    String name = gateway.getMetadata().getName();
    if (validListeners == 0) {
      conditions.set("Programmed", false, "Invalid", "None of the Gateway's listeners are valid");
      return;
    }
    String hostname = ctx.settings().serviceHostname(name, ns);
    Service service = ctx.get(InputKind.SERVICE, ns, name).orElse(null);
    if (service == null) {
      conditions.set(
          "Programmed", false, "AddressNotUsable", "hostname \"" + hostname + "\" not found");
      return;
    }
    boolean loadBalancer =
        service.getSpec() != null && "LoadBalancer".equals(service.getSpec().getType());
    List<LoadBalancerIngress> ingress =
        service.getStatus() == null || service.getStatus().getLoadBalancer() == null
            ? List.of()
            : service.getStatus().getLoadBalancer().getIngress();
    if (ingress == null) {
      ingress = List.of();
    }
    if (loadBalancer && ingress.isEmpty()) {
      conditions.set(
          "Programmed",
          false,
          "AddressNotAssigned",
          "address pending for hostname \"" + hostname + "\"");
      return;
    }
    // Users read from the message where the address came from: the load balancer, the cluster IP,
    // or (a headless Service) its DNS name.
    String source;
    if (loadBalancer) {
      List<LoadBalancerIngress> sorted = new ArrayList<>(ingress);
      sorted.sort(Comparator.comparing(i -> i.getIp() != null ? i.getIp() : String.valueOf(i.getHostname())));
      for (LoadBalancerIngress i : sorted) {
        if (i.getIp() != null && !i.getIp().isEmpty()) {
          addresses.add(address("IPAddress", i.getIp()));
        } else if (i.getHostname() != null && !i.getHostname().isEmpty()) {
          addresses.add(address("Hostname", i.getHostname()));
        }
      }
      source = "address from the Service's load balancer";
    } else {
      List<String> clusterIps = new ArrayList<>();
      if (service.getSpec() != null && service.getSpec().getClusterIPs() != null) {
        clusterIps.addAll(service.getSpec().getClusterIPs());
      }
      // The model gives an empty list when only the older singular field is set.
      if (clusterIps.isEmpty() && service.getSpec() != null && service.getSpec().getClusterIP() != null) {
        clusterIps.add(service.getSpec().getClusterIP());
      }
      clusterIps.removeIf(ip -> ip == null || ip.isEmpty() || "None".equals(ip));
      if (clusterIps.isEmpty()) {
        addresses.add(address("Hostname", hostname));
        source = "the Service has no load balancer and no cluster IP, so the address is its DNS name";
      } else {
        clusterIps.forEach(ip -> addresses.add(address("IPAddress", ip)));
        source = "the Service has no load balancer, so the address is its cluster IP";
      }
    }
    StringBuilder message = new StringBuilder("Resource programmed, assigned to service(s) ");
    String sep = "";
    for (int port : ports) {
      message.append(sep).append(hostname).append(':').append(port);
      sep = ", ";
    }
    message.append("; ").append(source);
    conditions.set("Programmed", true, "Programmed", message.toString());
  }

  private static GatewayStatusAddress address(String type, String value) {
    GatewayStatusAddress a = new GatewayStatusAddress();
    a.setType(type);
    a.setValue(value);
    return a;
  }
}
