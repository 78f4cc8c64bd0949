package dev.agentgatewayjcp.translator.backend;

import dev.agentgatewayjcp.api.resource.Backend;
import dev.agentgatewayjcp.api.resource.BackendPolicySpec;
import dev.agentgatewayjcp.api.resource.BackendReference;
import dev.agentgatewayjcp.api.resource.Resource;
import dev.agentgatewayjcp.api.resource.ResourceName;
import dev.agentgatewayjcp.api.resource.StaticBackend;
import dev.agentgatewayjcp.translator.input.TranslationContext;
import dev.agentgatewayjcp.translator.output.XdsResource;
import dev.agentgatewayjcp.translator.policy.BackendTlsPolicyTranslator;
import io.fabric8.kubernetes.api.model.Secret;
import io.fabric8.kubernetes.api.model.Service;
import io.fabric8.kubernetes.api.model.ServicePort;
import java.nio.charset.StandardCharsets;
import java.util.Base64;
import java.util.List;
import java.util.Locale;
import java.util.Optional;

/**
 * ExternalBackends resolves references to ExternalName Services into static agentgateway Backends
 * that the proxy resolves by DNS, with the TLS to originate inlined into the Backend, and holds
 * what XBackends share with them.
 */
final class ExternalBackends {

  /** Upstream protocols that mean the destination expects TLS from us. */
  private static final List<String> TLS_APP_PROTOCOLS = List.of("https", "tls", "kubernetes.io/wss");

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

  /** A Secret value by key, from stringData or base64 data; null when absent or malformed. */
  static byte[] secretValue(Secret secret, String key) {
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
  static boolean needsTls(String routeKind, int port) {
    return port == 443 && ("HTTPRoute".equals(routeKind) || "GRPCRoute".equals(routeKind));
  }

  private static BackendResolver.Resolved resolved(Backend backend, String address) {
    return resolved(backend, address, List.of());
  }

  /** A usable reference to a static Backend, which is sent with it. */
  static BackendResolver.Resolved resolved(Backend backend, String address, List<String> moreAddresses) {
    String xdsName = "backend/" + backend.getKey();
    return new BackendResolver.Resolved(
        BackendReference.newBuilder().setBackend(backend.getKey()).build(),
        address,
        null,
        null,
        moreAddresses,
        List.of(XdsResource.of(xdsName, Resource.newBuilder().setBackend(backend).build())));
  }
}
