package dev.agentgatewayjcp.translator.backend;

import dev.agentgatewayjcp.api.gatewayx.XBackend;
import dev.agentgatewayjcp.api.inference.InferencePool;
import com.google.protobuf.ByteString;
import dev.agentgatewayjcp.api.resource.BackendPolicySpec;
import dev.agentgatewayjcp.api.resource.BackendReference;
import dev.agentgatewayjcp.api.resource.Resource;
import dev.agentgatewayjcp.translator.output.XdsResource;
import dev.agentgatewayjcp.translator.policy.BackendTlsPolicyTranslator;
import java.util.List;
import dev.agentgatewayjcp.translator.input.InputKind;
import dev.agentgatewayjcp.translator.input.TranslationContext;
import dev.agentgatewayjcp.translator.reference.ReferenceGrants;

/**
 * BackendResolver turns a Gateway API backend reference into an agentgateway {@link
 * BackendReference}, or explains why it cannot be used.
 *
 * <p>An unusable reference is still returned in a form the proxy cannot resolve (a Service it has
 * never heard of, or no reference at all), so that the weighted share of traffic it stands for
 * fails with HTTP 500 while the other backends keep working, as Gateway API requires.
 *
 * <p>Besides Services it resolves ExternalName Services and XBackends (to a static agentgateway
 * Backend the proxy resolves by DNS, with TLS inlined) and InferencePools (to the pool's
 * synthetic Service plus its endpoint-picker Policies). Resources a reference needs are returned
 * with it; several routes may return the same resource, which is then sent once.
 */
public final class BackendResolver {

  /**
   * Resolved is the outcome of resolving one backend reference.
   *
   * @param reference the reference to send; null means "send a RouteBackend with no backend"
   * @param serviceAddress the xDS name of the Service's Address ({@code <ns>/<hostname>}) when
   *     the Service exists, else null
   * @param reason null when resolved, else the route ResolvedRefs reason
   * @param message null when resolved, else a human readable explanation
   */
  public record Resolved(
      BackendReference reference,
      String serviceAddress,
      String reason,
      String message,
      List<String> moreAddresses,
      List<XdsResource> resources) {
    public Resolved(BackendReference reference, String serviceAddress, String reason, String message) {
      this(reference, serviceAddress, reason, message, List.of(), List.of());
    }

    public Resolved {
      moreAddresses = List.copyOf(moreAddresses);
      resources = List.copyOf(resources);
    }

    public boolean ok() {
      return reason == null;
    }
  }

  private BackendResolver() {}

  /**
   * A backend resource as one Gateway's proxies get it: a static Backend whose inlined TLS
   * names no client certificate of its own presents the Gateway's backend client certificate
   * ({@code spec.tls.backend.clientCertificateRef}), as BackendTLSPolicies on Services do.
   * Backends with {@code tls.mode: ClientAndServer} keep their own certificate; anything else is
   * returned as is.
   *
   * @param certificate the Gateway's PEM certificate and key, or null when it has none
   */
  public static XdsResource forGateway(XdsResource resource, ByteString[] certificate) {
    if (certificate == null || !(resource.message() instanceof Resource r) || !r.hasBackend()
        || r.getBackend().getInlinePoliciesList().stream()
            .noneMatch(p -> p.hasBackendTls() && p.getBackendTls().getCert().isEmpty())) {
      return resource;
    }
    Resource.Builder out = r.toBuilder();
    for (BackendPolicySpec.Builder p : out.getBackendBuilder().getInlinePoliciesBuilderList()) {
      if (p.hasBackendTls() && p.getBackendTls().getCert().isEmpty()) {
        p.getBackendTlsBuilder().setCert(certificate[0]).setKey(certificate[1]);
      }
    }
    return XdsResource.of(resource.name(), out.build());
  }

  /**
   * Resolves a reference made by a route of {@code routeKind} in {@code routeNamespace}.
   *
   * @param group the reference group; null or empty means core
   * @param kind the reference kind; null means Service
   */
  public static Resolved resolve(
      TranslationContext ctx,
      String routeKind,
      String routeNamespace,
      String group,
      String kind,
      String name,
      String namespace,
      Integer port) {
    String g = group == null ? "" : group;
    String k = kind == null ? "Service" : kind;
    if (XBackend.GROUP.equals(g) && "XBackend".equals(k)) {
      return XBackends.resolve(ctx, routeKind, routeNamespace, name, namespace, port);
    }
    if (InferencePool.GROUP.equals(g) && "InferencePool".equals(k)) {
      return InferencePools.resolve(ctx, routeKind, routeNamespace, name, namespace, port);
    }
    if (!g.isEmpty() || !"Service".equals(k)) {
      return new Resolved(
          BackendReference.getDefaultInstance(),
          null,
          "InvalidKind",
          "unsupported backend kind " + (g.isEmpty() ? "" : g + "/") + k);
    }
    String ns = namespace == null || namespace.isEmpty() ? routeNamespace : namespace;
    if (name == null || name.isEmpty() || name.contains(".")) {
      return new Resolved(
          BackendReference.getDefaultInstance(), null, "BackendNotFound", "invalid Service name " + name);
    }
    if (!ReferenceGrants.allows(ctx, routeKind, routeNamespace, "", "Service", ns, name)) {
      return new Resolved(
          null,
          null,
          "RefNotPermitted",
          "backendRef to Service " + ns + "/" + name + " is not permitted by any ReferenceGrant");
    }
    String hostname = ctx.settings().serviceHostname(name, ns);
    if (port == null) {
      return new Resolved(
          BackendReference.getDefaultInstance(),
          null,
          "UnsupportedValue",
          "port is required in backendRef to Service " + ns + "/" + name);
    }
    BackendReference reference =
        BackendReference.newBuilder()
            .setService(
                BackendReference.Service.newBuilder().setNamespace(ns).setHostname(hostname))
            .setPort(port)
            .build();
    var service = ctx.get(InputKind.SERVICE, ns, name);
    if (service.isEmpty()) {
      return new Resolved(
          reference, null, "BackendNotFound", "backend(" + hostname + ") not found");
    }
    if (BackendTlsPolicyTranslator.isExternalName(service.get())) {
      return ExternalBackends.externalName(ctx, routeKind, service.get(), port, ns + "/" + hostname);
    }
    return new Resolved(reference, ns + "/" + hostname, null, null);
  }
}
