package dev.agentgatewayjcp.translator.engine;

import static org.assertj.core.api.Assertions.assertThat;

import dev.agentgatewayjcp.api.gatewayx.XBackendStatus;
import dev.agentgatewayjcp.api.resource.Resource;
import dev.agentgatewayjcp.translator.Translator;
import dev.agentgatewayjcp.translator.input.InMemoryInputView;
import dev.agentgatewayjcp.translator.input.ObjectRef;
import dev.agentgatewayjcp.translator.input.TranslationSettings;
import dev.agentgatewayjcp.translator.input.YamlInputs;
import dev.agentgatewayjcp.translator.output.GatewayKey;
import dev.agentgatewayjcp.translator.output.XdsResource;
import io.fabric8.kubernetes.api.model.HasMetadata;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * Checks what the incremental engine sends when egress inputs change: an XBackend's status
 * follows the routes that use it, and a Gateway's new backend client certificate reaches the
 * static Backends its routes send, though its listeners did not change.
 */
class EgressEngineTest {

  private static final TranslationSettings SETTINGS =
      TranslationSettings.defaults(Clock.fixed(Instant.parse("2026-01-01T00:00:00Z"), ZoneOffset.UTC));
  private static final GatewayKey GW = new GatewayKey("ns", "gw");
  private static final ObjectRef XBACKEND = new ObjectRef("XBackend", "ns", "xb");

  private static final String BASE = """
      apiVersion: gateway.networking.k8s.io/v1
      kind: GatewayClass
      metadata: {name: c}
      spec: {controllerName: agentgateway-jcp.dev/controller}
      ---
      apiVersion: gateway.networking.k8s.io/v1
      kind: Gateway
      metadata: {name: gw, namespace: ns}
      spec:
        gatewayClassName: c
        listeners: [{name: http, port: 80, protocol: HTTP}]
      ---
      apiVersion: gateway.networking.x-k8s.io/v1alpha1
      kind: XBackend
      metadata: {name: xb, namespace: ns}
      spec:
        type: ExternalHostname
        externalHostname: {hostname: api.example.com}
        port: {port: 443}
        tls: {mode: ServerOnly}
      ---
      apiVersion: v1
      kind: Secret
      metadata: {name: client, namespace: ns}
      type: kubernetes.io/tls
      stringData:
        tls.crt: |
          -----BEGIN CERTIFICATE-----
          MIIBgzCCASmgAwIBAgIUILlin90LZnPZuEQTepoztwTqRwIwCgYIKoZIzj0EAwIw
          FjEUMBIGA1UEAwwLZXhhbXBsZS5jb20wIBcNMjYxMTI2MDcxMDE1WhgPMjEyNjEx
          MDIwNzEwMTVaMBYxFDASBgNVBAMMC2V4YW1wbGUuY29tMFkwEwYHKoZIzj0CAQYI
          KoZIzj0DAQcDQgAEpXFrt7RBUgw4VsdOmLnf2nSIf+B8nqax0oX5rTsib61On6ZE
          +ffiU0tqrXeDIcsFyrdCEy5Qmb0S9ZBm4zBx3KNTMFEwHQYDVR0OBBYEFBuSMGbi
          e/5NGNrDGOW+ymiwndC6MB8GA1UdIwQYMBaAFBuSMGbie/5NGNrDGOW+ymiwndC6
          MA8GA1UdEwEB/wQFMAMBAf8wCgYIKoZIzj0EAwIDSAAwRQIgSdkgWmJFoynarU4p
          WbCUuL6YbiI49P0W5ZjU7K+eR+cCIQDpiCmF4o2XdQ8k4uIDJQ5VMnIbFy1hlhpJ
          hs7H1gu7OQ==
          -----END CERTIFICATE-----
        tls.key: |
          -----BEGIN PRIVATE KEY-----
          MIGHAgEAMBMGByqGSM49AgEGCCqGSM49AwEHBG0wawIBAQQg8KzGFok/eYQAs6XH
          uVs56b09eydd1XjtZZUifLkaxeyhRANCAASlcWu3tEFSDDhWx06Yud/adIh/4Hye
          prHShfmtOyJvrU6fpkT59+JTS2qtd4MhywXKt0ITLlCZvRL1kGbjMHHc
          -----END PRIVATE KEY-----
      """;

  private static final String ROUTE = """
      apiVersion: gateway.networking.k8s.io/v1
      kind: HTTPRoute
      metadata: {name: r, namespace: ns}
      spec:
        parentRefs: [{name: gw}]
        rules: [{backendRefs: [{group: gateway.networking.x-k8s.io, kind: XBackend, name: xb}]}]
      """;

  private final IncrementalEngine engine = new IncrementalEngine(SETTINGS);
  private InMemoryInputView shadow = InMemoryInputView.empty();

  private TranslationDelta upsert(String yaml) {
    List<HasMetadata> objects = YamlInputs.parse(yaml);
    for (HasMetadata o : objects) {
      shadow = shadow.with(o);
    }
    TranslationDelta delta = engine.apply(objects.stream().map(InputChange::upsert).toList());
    assertThat(engine.result().statuses()).isEqualTo(Translator.translate(shadow, SETTINGS).statuses());
    return delta;
  }

  private TranslationDelta delete(ObjectRef ref) {
    shadow = shadow.without(ref);
    return engine.apply(List.of(InputChange.delete(ref)));
  }

  @Test
  void anXBackendsStatusFollowsTheRoutesThatUseIt() {
    assertThat(upsert(BASE).statuses()).doesNotContainKey(XBACKEND);

    TranslationDelta used = upsert(ROUTE);
    assertThat(used.statuses()).containsKey(XBACKEND);
    XBackendStatus status = (XBackendStatus) used.statuses().get(XBACKEND);
    assertThat(status.parents).singleElement().satisfies(p -> {
      assertThat(p.parentRef.name).isEqualTo("gw");
      assertThat(p.controllerName).isEqualTo("agentgateway-jcp.dev/controller");
      assertThat(p.conditions).extracting(c -> c.getType() + "=" + c.getStatus())
          .containsExactly("Accepted=True", "ResolvedRefs=True");
    });

    // Breaking the XBackend changes its own status and the route's, in the same delta.
    TranslationDelta broken = upsert(BASE.replace("tls: {mode: ServerOnly}", "tls: {mode: Mutual}"));
    assertThat(((XBackendStatus) broken.statuses().get(XBACKEND)).parents.get(0).conditions.get(0).getReason())
        .isEqualTo("Invalid");
    assertThat(broken.statuses()).containsKey(new ObjectRef("HTTPRoute", "ns", "r"));

    assertThat(delete(new ObjectRef("HTTPRoute", "ns", "r")).removedStatuses()).contains(XBACKEND);
  }

  @Test
  void aNewBackendClientCertificateReachesTheStaticBackends() {
    upsert(BASE);
    upsert(ROUTE);
    assertThat(backendTls(engine.gateway(GW).orElseThrow().resources()).getCert().isEmpty()).isTrue();

    TranslationDelta delta = upsert("""
        apiVersion: gateway.networking.k8s.io/v1
        kind: Gateway
        metadata: {name: gw, namespace: ns}
        spec:
          gatewayClassName: c
          listeners: [{name: http, port: 80, protocol: HTTP}]
          tls: {backend: {clientCertificateRef: {name: client}}}
        """);
    assertThat(backendTls(delta.gateways().get(GW).upserted()).getCert().toStringUtf8()).startsWith("-----BEGIN CERTIFICATE-----");
    assertThat(engine.gateway(GW).orElseThrow()).isEqualTo(Translator.translate(shadow, SETTINGS).gateways().get(GW));
  }

  private static dev.agentgatewayjcp.api.resource.BackendPolicySpec.BackendTLS backendTls(List<XdsResource> resources) {
    XdsResource backend = resources.stream().filter(r -> r.name().equals("backend/xbackend/ns/xb")).findFirst().orElseThrow();
    return ((Resource) backend.message()).getBackend().getInlinePolicies(0).getBackendTls();
  }
}
