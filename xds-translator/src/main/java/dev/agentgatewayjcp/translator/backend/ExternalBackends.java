package dev.agentgatewayjcp.translator.backend;

import com.google.protobuf.ByteString;
import dev.agentgatewayjcp.api.gatewayx.XBackend;
import dev.agentgatewayjcp.api.gatewayx.XBackendSpec;
import dev.agentgatewayjcp.api.resource.Backend;
import dev.agentgatewayjcp.api.resource.BackendPolicySpec;
import dev.agentgatewayjcp.api.resource.BackendReference;
import dev.agentgatewayjcp.api.resource.Resource;
import dev.agentgatewayjcp.api.resource.ResourceName;
import dev.agentgatewayjcp.api.resource.StaticBackend;
import dev.agentgatewayjcp.translator.input.InputKind;
import dev.agentgatewayjcp.translator.input.TranslationContext;
import dev.agentgatewayjcp.translator.output.XdsResource;
import dev.agentgatewayjcp.translator.policy.BackendTlsPolicyTranslator;
import dev.agentgatewayjcp.translator.reference.ReferenceGrants;
import dev.agentgatewayjcp.translator.status.ConditionList;
import io.fabric8.kubernetes.api.model.Condition;
import io.fabric8.kubernetes.api.model.Secret;
import io.fabric8.kubernetes.api.model.Service;
import io.fabric8.kubernetes.api.model.ServicePort;
import java.nio.charset.StandardCharsets;
import java.util.Base64;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.regex.Pattern;

/**
 * ExternalBackends resolves references to destinations outside the cluster, ExternalName
 * Services and XBackends, into static agentgateway Backends that the proxy resolves by DNS, with
 * the TLS to originate inlined into the Backend.
 */
final class ExternalBackends {

  /** Upstream protocols that mean the destination expects TLS from us. */
  private static final List<String> TLS_APP_PROTOCOLS = List.of("https", "tls", "kubernetes.io/wss");

  private static final Pattern IP_LITERAL = Pattern.compile("^[0-9.]+$|:");

  private ExternalBackends() {}

  /** A reference to port {@code port} of an ExternalName Service. */
  static BackendResolver.Resolved externalName(
      TranslationContext ctx, String routeKind, Service service, int port, String address) {
    String ns = service.getMetadata().getNamespace();
    String name = service.getMetadata().getName();
    String host = service.getSpec().getExternalName();
    if (host == null || host.isEmpty()) {
      return new BackendResolver.Resolved(
          BackendReference.getDefaultInstance(),
          address,
          "BackendNotFound",
          "ExternalName Service " + ns + "/" + name + " has no externalName");
    }
    Optional<BackendPolicySpec.BackendTLS> tls = BackendTlsPolicyTranslator.forExternalName(ctx, service, port);
    if (tls.isEmpty() && needsTls(routeKind, service, port)) {
      // Sending plaintext where the destination expects TLS would leak requests, or fail in a
      // way that is hard to read; refuse with a clear reason instead.
      return new BackendResolver.Resolved(
          BackendReference.getDefaultInstance(),
          address,
          "UnsupportedProtocol",
          "ExternalName Service " + ns + "/" + name + " port " + port
              + " expects TLS, but no BackendTLSPolicy targets it");
    }
    Backend.Builder backend =
        Backend.newBuilder()
            .setKey("service/" + ns + "/" + name + ":" + port)
            .setName(ResourceName.newBuilder().setNamespace(ns).setName(name))
            .setStatic(StaticBackend.newBuilder().setHost(host).setPort(port));
    tls.ifPresent(t -> backend.addInlinePolicies(BackendPolicySpec.newBuilder().setBackendTls(t)));
    return resolved(backend.build(), address);
  }

  /** A reference to an XBackend. */
  static BackendResolver.Resolved xbackend(
      TranslationContext ctx, String routeKind, String routeNamespace, String name, String namespace, Integer port) {
    String ns = namespace == null || namespace.isEmpty() ? routeNamespace : namespace;
    BackendReference unresolvable = BackendReference.getDefaultInstance();
    if (!ReferenceGrants.allows(ctx, routeKind, routeNamespace, XBackend.GROUP, "XBackend", ns, name)) {
      return new BackendResolver.Resolved(
          null, null, "RefNotPermitted",
          "backendRef to XBackend " + ns + "/" + name + " is not permitted by any ReferenceGrant");
    }
    XBackend xb = name == null ? null : ctx.get(InputKind.XBACKEND, ns, name).orElse(null);
    if (xb == null) {
      return new BackendResolver.Resolved(unresolvable, null, "BackendNotFound", "XBackend " + ns + "/" + name + " not found");
    }
    XBackendSpec spec = xb.getSpec();
    String problem = problem(ctx, spec, port);
    if (problem != null) {
      return new BackendResolver.Resolved(unresolvable, null, "BackendNotFound", "XBackend " + ns + "/" + name + ": " + problem);
    }
    int backendPort = spec.port.port;
    Backend.Builder backend =
        Backend.newBuilder()
            .setKey("xbackend/" + ns + "/" + name)
            .setName(ResourceName.newBuilder().setNamespace(ns).setName(name))
            .setStatic(StaticBackend.newBuilder().setHost(spec.externalHostname.hostname).setPort(backendPort));
    String mode = spec.tls == null || spec.tls.mode == null ? "None" : spec.tls.mode;
    if (spec.tls == null && needsTls(routeKind, backendPort)) {
      return new BackendResolver.Resolved(
          unresolvable, null, "UnsupportedProtocol",
          "XBackend " + ns + "/" + name + " port " + backendPort + " expects TLS, but spec.tls is not set");
    }
    if (!"None".equals(mode)) {
      ConditionList conditions = new ConditionList(ctx.clock(), null);
      BackendPolicySpec.BackendTLS.Builder tls =
          spec.tls.validation == null
              ? BackendPolicySpec.BackendTLS.newBuilder()
              : BackendTlsPolicyTranslator.validationTls(ctx, ns, spec.tls.validation, conditions);
      if (spec.tls.validation != null
          && (spec.tls.validation.getCaCertificateRefs() == null || spec.tls.validation.getCaCertificateRefs().isEmpty())
          && spec.tls.validation.getWellKnownCACertificates() == null) {
        // No CA named: the system roots, as for a public provider.
        tls.clearRoot();
        conditions = new ConditionList(ctx.clock(), null);
      }
      if (!tls.hasHostname()) {
        tls.setHostname(spec.externalHostname.hostname);
      }
      if ("ClientAndServer".equals(mode)) {
        String clientProblem = clientCertificate(ctx, ns, spec.tls, tls);
        if (clientProblem != null) {
          return new BackendResolver.Resolved(unresolvable, null, "BackendNotFound", "XBackend " + ns + "/" + name + ": " + clientProblem);
        }
      } else if (!"ServerOnly".equals(mode)) {
        return new BackendResolver.Resolved(
            unresolvable, null, "BackendNotFound", "XBackend " + ns + "/" + name + ": unsupported tls.mode " + mode);
      }
      for (Condition c : conditions.toList()) {
        if ("False".equals(c.getStatus())) {
          return new BackendResolver.Resolved(
              unresolvable, null, "BackendNotFound", "XBackend " + ns + "/" + name + ": " + c.getMessage());
        }
      }
      backend.addInlinePolicies(BackendPolicySpec.newBuilder().setBackendTls(tls));
    }
    BackendPolicySpec.BackendHTTP.HttpVersion version =
        switch (spec.protocol == null ? "" : spec.protocol) {
          case "HTTP2", "H2C", "GRPC" -> BackendPolicySpec.BackendHTTP.HttpVersion.HTTP2;
          case "HTTP11" -> BackendPolicySpec.BackendHTTP.HttpVersion.HTTP1;
          default -> null;
        };
    if (version != null) {
      backend.addInlinePolicies(
          BackendPolicySpec.newBuilder().setBackendHttp(BackendPolicySpec.BackendHTTP.newBuilder().setVersion(version)));
    }
    return resolved(backend.build(), null);
  }

  private static String problem(TranslationContext ctx, XBackendSpec spec, Integer routePort) {
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
    if (ctx.settings().isClusterHostname(host)) {
      return "externalHostname.hostname " + host + " is inside the cluster domain";
    }
    if (spec.port == null || spec.port.port == null || spec.port.port < 1 || spec.port.port > 65535) {
      return "port.port is required";
    }
    if (routePort != null && !routePort.equals(spec.port.port)) {
      return "the backendRef port " + routePort + " differs from the XBackend port " + spec.port.port;
    }
    // MCP is streamable HTTP to the proxy, and TCP is whatever the route carries: neither needs
    // more than the static Backend.
    return null;
  }

  private static String clientCertificate(
      TranslationContext ctx, String ns, XBackendSpec.Tls spec, BackendPolicySpec.BackendTLS.Builder tls) {
    var ref = spec.clientCertificateRef;
    if (ref == null || ref.getName() == null) {
      return "tls.clientCertificateRef is required for ClientAndServer";
    }
    if ((ref.getGroup() != null && !ref.getGroup().isEmpty()) || (ref.getKind() != null && !"Secret".equals(ref.getKind()))) {
      return "tls.clientCertificateRef must name a Secret";
    }
    if (ref.getNamespace() != null && !ref.getNamespace().isEmpty() && !ns.equals(ref.getNamespace())) {
      return "tls.clientCertificateRef must be in the XBackend's namespace";
    }
    Secret secret = ctx.get(InputKind.SECRET, ns, ref.getName()).orElse(null);
    byte[] cert = secret == null ? null : value(secret, "tls.crt");
    byte[] key = secret == null ? null : value(secret, "tls.key");
    if (cert == null || key == null) {
      return "Secret " + ns + "/" + ref.getName() + " with tls.crt and tls.key not found";
    }
    tls.setCert(ByteString.copyFrom(cert)).setKey(ByteString.copyFrom(key));
    return null;
  }

  private static byte[] value(Secret secret, String key) {
    if (secret.getStringData() != null && secret.getStringData().get(key) != null) {
      return secret.getStringData().get(key).getBytes(StandardCharsets.UTF_8);
    }
    if (secret.getData() == null || secret.getData().get(key) == null) {
      return null;
    }
    try {
      return Base64.getMimeDecoder().decode(secret.getData().get(key));
    } catch (IllegalArgumentException e) {
      return null;
    }
  }

  /** Whether a route to this ExternalName port must originate TLS. */
  private static boolean needsTls(String routeKind, Service service, int port) {
    if (!"HTTPRoute".equals(routeKind) && !"GRPCRoute".equals(routeKind)) {
      // TLSRoute and TCPRoute pass the client's bytes through; they never originate TLS.
      return false;
    }
    if (service.getSpec().getPorts() != null) {
      for (ServicePort p : service.getSpec().getPorts()) {
        if (p.getPort() != null && p.getPort() == port && p.getAppProtocol() != null
            && TLS_APP_PROTOCOLS.contains(p.getAppProtocol().toLowerCase(Locale.ROOT))) {
          return true;
        }
      }
    }
    return port == 443;
  }

  /** Port 443 is HTTPS; HTTP-aware routes would otherwise send it plaintext. */
  private static boolean needsTls(String routeKind, int port) {
    return port == 443 && ("HTTPRoute".equals(routeKind) || "GRPCRoute".equals(routeKind));
  }

  private static BackendResolver.Resolved resolved(Backend backend, String address) {
    String xdsName = "backend/" + backend.getKey();
    return new BackendResolver.Resolved(
        BackendReference.newBuilder().setBackend(backend.getKey()).build(),
        address,
        null,
        null,
        List.of(),
        List.of(XdsResource.of(xdsName, Resource.newBuilder().setBackend(backend).build())));
  }
}
