package dev.agentgatewayjcp.translator.backend;

import com.google.protobuf.ByteString;
import dev.agentgatewayjcp.api.gatewayx.XBackend;
import dev.agentgatewayjcp.api.gatewayx.XBackendSpec;
import dev.agentgatewayjcp.api.resource.Backend;
import dev.agentgatewayjcp.api.resource.BackendPolicySpec;
import dev.agentgatewayjcp.api.resource.BackendReference;
import dev.agentgatewayjcp.api.resource.ResourceName;
import dev.agentgatewayjcp.api.resource.StaticBackend;
import dev.agentgatewayjcp.translator.input.InputKind;
import dev.agentgatewayjcp.translator.input.ObjectRef;
import dev.agentgatewayjcp.translator.input.TranslationContext;
import dev.agentgatewayjcp.translator.policy.BackendTlsPolicyTranslator;
import dev.agentgatewayjcp.translator.reference.ReferenceGrants;
import dev.agentgatewayjcp.translator.status.ConditionList;
import io.fabric8.kubernetes.api.model.Secret;
import io.fabric8.kubernetes.api.model.gatewayapi.v1.BackendTLSPolicyValidation;
import java.util.List;
import java.util.regex.Pattern;

/**
 * XBackends checks Gateway API XBackends (GEP-4894) and turns a usable one into a static
 * agentgateway Backend with its TLS and HTTP version inlined.
 *
 * <p>The same check feeds both the XBackend's own status and the ResolvedRefs condition of the
 * routes that use it, so the two always agree on whether, and why, it cannot be used.
 */
public final class XBackends {

  public static final String KIND = "XBackend";

  /** Protocols of GEP-4894 (GRPC exists as a constant upstream, though not in the CRD enum yet). */
  private static final List<String> PROTOCOLS = List.of("TCP", "HTTP", "HTTP2", "HTTP11", "H2C", "MCP", "GRPC");

  private static final List<String> TLS_MODES = List.of("None", "ServerOnly", "ClientAndServer");

  private static final Pattern IP_LITERAL = Pattern.compile("^[0-9.]+$|:");

  private XBackends() {}

  /**
   * Check is the outcome of checking one XBackend on its own.
   *
   * @param conditions its Accepted and ResolvedRefs conditions
   * @param routeReason null when usable, else the ResolvedRefs reason of a route using it
   * @param problem null when usable, else why not
   * @param backend the Backend to send when usable, else null
   */
  record Check(List<io.fabric8.kubernetes.api.model.Condition> conditions, String routeReason, String problem, Backend backend) {}

  /**
   * The name under which routes record that they use an XBackend, in the same set as the
   * Service addresses they use (an XBackend has no Address; the colon keeps the two apart).
   */
  public static String usageKey(String namespace, String name) {
    return "xbackend:" + namespace + "/" + name;
  }

  /** The XBackend's report: the same conditions for every Gateway whose routes use it. */
  public static XBackendTranslation translate(TranslationContext ctx, XBackend xb) {
    String ns = xb.getMetadata().getNamespace();
    String name = xb.getMetadata().getName();
    return new XBackendTranslation(
        ObjectRef.of(xb), usageKey(ns, name), check(ctx, xb).conditions(), ctx.settings().controllerName());
  }

  /** A route's reference to an XBackend. */
  static BackendResolver.Resolved resolve(
      TranslationContext ctx, String routeKind, String routeNamespace, String name, String namespace, Integer port) {
    String ns = namespace == null || namespace.isEmpty() ? routeNamespace : namespace;
    BackendReference unresolvable = BackendReference.getDefaultInstance();
    if (!ReferenceGrants.allows(ctx, routeKind, routeNamespace, XBackend.GROUP, KIND, ns, name)) {
      return new BackendResolver.Resolved(
          null, null, "RefNotPermitted",
          "backendRef to XBackend " + ns + "/" + name + " is not permitted by any ReferenceGrant");
    }
    XBackend xb = name == null ? null : ctx.get(InputKind.XBACKEND, ns, name).orElse(null);
    if (xb == null) {
      return new BackendResolver.Resolved(unresolvable, null, "BackendNotFound", "XBackend " + ns + "/" + name + " not found");
    }
    // From here on the XBackend reports this route's Gateways as its parents, usable or not.
    List<String> usage = List.of(usageKey(ns, name));
    Check check = check(ctx, xb);
    if (check.problem() != null) {
      return new BackendResolver.Resolved(
          unresolvable, null, check.routeReason(), "XBackend " + ns + "/" + name + ": " + check.problem(), usage, List.of());
    }
    int backendPort = xb.getSpec().port.port;
    if (port != null && port != backendPort) {
      return new BackendResolver.Resolved(
          unresolvable, null, "BackendNotFound",
          "XBackend " + ns + "/" + name + ": the backendRef port " + port + " differs from the XBackend port " + backendPort,
          usage, List.of());
    }
    if (xb.getSpec().tls == null && ExternalBackends.needsTls(routeKind, backendPort)) {
      // Sending plaintext where the destination expects TLS would leak requests.
      return new BackendResolver.Resolved(
          unresolvable, null, "UnsupportedProtocol",
          "XBackend " + ns + "/" + name + " port " + backendPort + " expects TLS, but spec.tls is not set",
          usage, List.of());
    }
    return ExternalBackends.resolved(check.backend(), null, usage);
  }

  /** Checks an XBackend on its own, independently of the routes that use it. */
  static Check check(TranslationContext ctx, XBackend xb) {
    String ns = xb.getMetadata().getNamespace();
    ConditionList conditions = new ConditionList(ctx.clock(), xb.getMetadata().getGeneration());
    conditions.set("Accepted", true, "Accepted", "Configuration is valid");
    conditions.set("ResolvedRefs", true, "ResolvedRefs", "All references resolved");
    XBackendSpec spec = xb.getSpec();
    String invalid = invalid(ctx, spec);
    if (invalid != null) {
      conditions.set("Accepted", false, "Invalid", invalid);
      String routeReason =
          spec != null && !"ExternalHostname".equals(spec.type)
              ? "InvalidKind"
              : spec != null && spec.protocol != null && !PROTOCOLS.contains(spec.protocol) ? "UnsupportedProtocol" : "BackendNotFound";
      return new Check(conditions.toList(), routeReason, invalid, null);
    }
    String host = spec.externalHostname.hostname;
    Backend.Builder backend =
        Backend.newBuilder()
            .setKey("xbackend/" + ns + "/" + xb.getMetadata().getName())
            .setName(ResourceName.newBuilder().setNamespace(ns).setName(xb.getMetadata().getName()))
            .setStatic(StaticBackend.newBuilder().setHost(host).setPort(spec.port.port));
    String mode = spec.tls == null ? "None" : spec.tls.mode;
    if (!"None".equals(mode)) {
      BackendPolicySpec.BackendTLS.Builder tls = serverTls(ctx, ns, spec.tls.validation, conditions);
      if (!tls.hasHostname()) {
        tls.setHostname(host);
      }
      if ("ClientAndServer".equals(mode)) {
        clientCertificate(ctx, xb, spec.tls, tls, conditions);
      }
      backend.addInlinePolicies(BackendPolicySpec.newBuilder().setBackendTls(tls));
    }
    BackendPolicySpec.BackendHTTP.HttpVersion version =
        switch (spec.protocol == null ? "" : spec.protocol) {
          case "HTTP2", "H2C", "GRPC" -> BackendPolicySpec.BackendHTTP.HttpVersion.HTTP2;
          case "HTTP11" -> BackendPolicySpec.BackendHTTP.HttpVersion.HTTP1;
          // MCP is streamable HTTP to the proxy, and TCP is whatever the route carries.
          default -> null;
        };
    if (version != null) {
      backend.addInlinePolicies(
          BackendPolicySpec.newBuilder().setBackendHttp(BackendPolicySpec.BackendHTTP.newBuilder().setVersion(version)));
    }
    for (var c : conditions.toList()) {
      if ("False".equals(c.getStatus())) {
        return new Check(conditions.toList(), "BackendNotFound", c.getMessage(), null);
      }
    }
    return new Check(conditions.toList(), null, null, backend.build());
  }

  /** Why the spec is invalid on its own (Accepted=False, reason Invalid), or null. */
  private static String invalid(TranslationContext ctx, XBackendSpec spec) {
    if (spec == null) {
      return "spec is required";
    }
    if (!"ExternalHostname".equals(spec.type)) {
      return "type " + spec.type + " is not supported (only ExternalHostname)";
    }
    if (spec.externalHostname == null || spec.externalHostname.hostname == null || spec.externalHostname.hostname.isEmpty()) {
      return "externalHostname.hostname is required";
    }
    String host = spec.externalHostname.hostname;
    if (IP_LITERAL.matcher(host).find()) {
      return "externalHostname.hostname must be a DNS name, not an IP address";
    }
    if (host.contains("*")) {
      return "externalHostname.hostname " + host + " must be a precise hostname, without a wildcard";
    }
    if (ctx.settings().isClusterHostname(host)) {
      return "externalHostname.hostname " + host + " is inside the cluster domain";
    }
    if (spec.port == null || spec.port.port == null) {
      return "port.port is required";
    }
    if (spec.port.port < 1 || spec.port.port > 65535) {
      return "port.port " + spec.port.port + " is not between 1 and 65535";
    }
    if (spec.protocol != null && !PROTOCOLS.contains(spec.protocol)) {
      return "protocol " + spec.protocol + " is not one of " + String.join(", ", PROTOCOLS);
    }
    if (spec.tls == null) {
      return null;
    }
    String mode = spec.tls.mode;
    if (mode == null || mode.isEmpty()) {
      return "tls.mode is required";
    }
    if (!TLS_MODES.contains(mode)) {
      return "tls.mode " + mode + " is not None, ServerOnly or ClientAndServer";
    }
    boolean clientAndServer = "ClientAndServer".equals(mode);
    if (clientAndServer && spec.tls.clientCertificateRef == null) {
      return "tls.clientCertificateRef is required when tls.mode is ClientAndServer";
    }
    if (!clientAndServer && spec.tls.clientCertificateRef != null) {
      return "tls.clientCertificateRef is only allowed when tls.mode is ClientAndServer, not " + mode;
    }
    BackendTLSPolicyValidation v = spec.tls.validation;
    boolean caRefs = v != null && v.getCaCertificateRefs() != null && !v.getCaCertificateRefs().isEmpty();
    boolean wellKnown = v != null && v.getWellKnownCACertificates() != null && !v.getWellKnownCACertificates().isEmpty();
    if (caRefs && wellKnown) {
      return "tls.validation.caCertificateRefs and wellKnownCACertificates are mutually exclusive";
    }
    if ("None".equals(mode) && v != null
        && (caRefs || wellKnown || (v.getHostname() != null && !v.getHostname().isEmpty())
            || (v.getSubjectAltNames() != null && !v.getSubjectAltNames().isEmpty()))) {
      return "tls.validation has no effect when tls.mode is None";
    }
    return null;
  }

  /** The server verification part of the TLS settings: named CAs, else the system roots. */
  private static BackendPolicySpec.BackendTLS.Builder serverTls(
      TranslationContext ctx, String ns, BackendTLSPolicyValidation validation, ConditionList conditions) {
    if (validation == null) {
      return BackendPolicySpec.BackendTLS.newBuilder();
    }
    boolean namesCa =
        (validation.getCaCertificateRefs() != null && !validation.getCaCertificateRefs().isEmpty())
            || (validation.getWellKnownCACertificates() != null && !validation.getWellKnownCACertificates().isEmpty());
    // Without a named CA a BackendTLSPolicy is invalid, but an XBackend uses the system roots,
    // as for a public provider: check the rest on a scratch list.
    ConditionList target = namesCa ? conditions : new ConditionList(ctx.clock(), null);
    BackendPolicySpec.BackendTLS.Builder tls = BackendTlsPolicyTranslator.validationTls(ctx, ns, validation, target);
    if (!namesCa) {
      tls.clearRoot();
    }
    return tls;
  }

  private static void clientCertificate(
      TranslationContext ctx, XBackend xb, XBackendSpec.Tls spec, BackendPolicySpec.BackendTLS.Builder tls,
      ConditionList conditions) {
    String ns = xb.getMetadata().getNamespace();
    var ref = spec.clientCertificateRef;
    String group = ref.getGroup() == null ? "" : ref.getGroup();
    String kind = ref.getKind() == null || ref.getKind().isEmpty() ? "Secret" : ref.getKind();
    if (!group.isEmpty() || !"Secret".equals(kind)) {
      conditions.set("ResolvedRefs", false, "InvalidKind",
          "tls.clientCertificateRef kind " + (group.isEmpty() ? "" : group + "/") + kind + " is not supported (only Secret)");
      return;
    }
    String secretNs = ref.getNamespace() == null || ref.getNamespace().isEmpty() ? ns : ref.getNamespace();
    if (!ReferenceGrants.allows(ctx, XBackend.GROUP, KIND, ns, "", "Secret", secretNs, ref.getName())) {
      conditions.set("ResolvedRefs", false, "RefNotPermitted",
          "tls.clientCertificateRef to Secret " + secretNs + "/" + ref.getName() + " is not permitted by any ReferenceGrant");
      return;
    }
    Secret secret = ref.getName() == null ? null : ctx.get(InputKind.SECRET, secretNs, ref.getName()).orElse(null);
    byte[] cert = secret == null ? null : ExternalBackends.secretValue(secret, "tls.crt");
    byte[] key = secret == null ? null : ExternalBackends.secretValue(secret, "tls.key");
    if (cert == null || key == null) {
      conditions.set("ResolvedRefs", false, "InvalidClientCertificateRef",
          "Secret " + secretNs + "/" + ref.getName() + (secret == null ? " not found" : " lacks tls.crt or tls.key"));
      return;
    }
    tls.setCert(ByteString.copyFrom(cert)).setKey(ByteString.copyFrom(key));
  }
}
