package dev.agentgatewayjcp.controller.kube;

import static org.assertj.core.api.Assertions.assertThat;

import dev.agentgatewayjcp.api.gatewayx.XBackend;
import dev.agentgatewayjcp.api.gatewayx.XBackendStatus;
import dev.agentgatewayjcp.controller.runtime.KubernetesControlPlane;
import dev.agentgatewayjcp.controller.testing.Await;
import io.fabric8.kubernetes.api.model.Condition;
import io.fabric8.kubernetes.api.model.ConditionBuilder;
import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.apiextensions.v1.CustomResourceDefinition;
import io.fabric8.kubernetes.api.model.gatewayapi.v1.HTTPRoute;
import io.fabric8.kubernetes.client.KubernetesClient;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Runs the control plane against a real kube-apiserver serving Gateway API's own XBackend CRD:
 * an XBackend used by a route gets a {@code status.parents} entry for the route's Gateway, next
 * to another controller's entry, which survives every write; a broken client certificate
 * reference shows on both objects; and our entry goes when no route uses the XBackend.
 */
class XBackendStatusTest {

  private static final Duration WAIT = Duration.ofSeconds(30);
  private static final String US = "agentgateway-jcp.dev/controller";
  private static final String THEIRS = "example.com/mesh-controller";
  private static RealApiServer api;
  private static KubernetesClient client;
  private static KubernetesControlPlane controlPlane;

  @BeforeAll
  static void start() throws Exception {
    api = RealApiServer.startOrSkip();
    client = api.newClient();
    // The installed experimental set leaves out the x-k8s.io kinds; XBackend comes from the same release.
    Path crd = Path.of(System.getenv("GATEWAY_API_CRDS_DIR"), "gateway.networking.x-k8s.io_xbackends.yaml");
    try (InputStream in = Files.newInputStream(crd)) {
      for (HasMetadata object : client.load(in).items()) {
        client.resource(object).forceConflicts().serverSideApply();
      }
    }
    client.apiextensions().v1().customResourceDefinitions().withName("xbackends.gateway.networking.x-k8s.io")
        .waitUntilCondition(XBackendStatusTest::established, 60, TimeUnit.SECONDS);
    RealApiServer.apply(client, RealApiServer.CLASS_AND_ECHO + """
        ---
        apiVersion: gateway.networking.k8s.io/v1
        kind: Gateway
        metadata: {name: egress, namespace: default}
        spec:
          gatewayClassName: agentgateway-jcp
          listeners:
          - {name: http, port: 8080, protocol: HTTP}
        ---
        apiVersion: gateway.networking.x-k8s.io/v1alpha1
        kind: XBackend
        metadata: {name: provider, namespace: default}
        spec:
          type: ExternalHostname
          externalHostname: {hostname: api.provider.example}
          port: {port: 443}
          tls: {mode: ServerOnly}
        """);
    // Another controller (a mesh, say) has reported on the XBackend before we start.
    XBackend xb = client.resources(XBackend.class).inNamespace("default").withName("provider").get();
    XBackendStatus.Parent theirs = new XBackendStatus.Parent();
    theirs.controllerName = THEIRS;
    theirs.parentRef = new XBackendStatus.ParentReference();
    theirs.parentRef.group = "gateway.networking.x-k8s.io";
    theirs.parentRef.kind = "XBackend";
    theirs.parentRef.name = "provider";
    theirs.conditions = List.of(new ConditionBuilder().withType("Accepted").withStatus("True").withReason("Accepted")
        .withMessage("theirs").withLastTransitionTime("2026-01-01T00:00:00Z").build());
    XBackendStatus status = new XBackendStatus();
    status.parents = List.of(theirs);
    xb.setStatus(status);
    client.resource(xb).updateStatus();

    controlPlane = RealApiServer.startControlPlane(client,
        new KubernetesControlPlane.Options("default", "xbackend-status-test", "replica-1", false, null, null));
  }

  private static boolean established(CustomResourceDefinition crd) {
    return crd != null && crd.getStatus() != null && crd.getStatus().getConditions() != null
        && crd.getStatus().getConditions().stream()
        .anyMatch(c -> "Established".equals(c.getType()) && "True".equals(c.getStatus()));
  }

  @AfterAll
  static void stop() {
    if (controlPlane != null) {
      controlPlane.close();
    }
    if (client != null) {
      client.close();
    }
    if (api != null) {
      api.close();
    }
  }

  private static List<XBackendStatus.Parent> parents() {
    XBackend xb = client.resources(XBackend.class).inNamespace("default").withName("provider").get();
    return xb.getStatus() == null || xb.getStatus().parents == null ? List.of() : xb.getStatus().parents;
  }

  private static XBackendStatus.Parent ours(List<XBackendStatus.Parent> parents) {
    return parents.stream().filter(p -> US.equals(p.controllerName)).findFirst().orElse(null);
  }

  private static Condition condition(XBackendStatus.Parent parent, String type) {
    return parent.conditions.stream().filter(c -> type.equals(c.getType())).findFirst().orElseThrow();
  }

  @Test
  void anXBackendUsedByARouteReportsItsGatewayNextToOtherControllers() {
    RealApiServer.apply(client, """
        apiVersion: gateway.networking.k8s.io/v1
        kind: HTTPRoute
        metadata: {name: models, namespace: default}
        spec:
          parentRefs: [{name: egress}]
          rules:
          - backendRefs: [{group: gateway.networking.x-k8s.io, kind: XBackend, name: provider}]
        """);
    XBackendStatus.Parent ours = Await.value(WAIT, "our parent entry on the XBackend", () -> ours(parents()));
    assertThat(ours.parentRef.kind).isEqualTo("Gateway");
    assertThat(ours.parentRef.namespace).isEqualTo("default");
    assertThat(ours.parentRef.name).isEqualTo("egress");
    assertThat(condition(ours, "Accepted").getStatus()).isEqualTo("True");
    assertThat(condition(ours, "ResolvedRefs").getStatus()).isEqualTo("True");
    assertThat(parents()).extracting(p -> p.controllerName).containsExactlyInAnyOrder(THEIRS, US);

    // Mutual TLS with a Secret that does not exist: the XBackend says why, the route says it
    // cannot use it.
    RealApiServer.apply(client, """
        apiVersion: gateway.networking.x-k8s.io/v1alpha1
        kind: XBackend
        metadata: {name: provider, namespace: default}
        spec:
          type: ExternalHostname
          externalHostname: {hostname: api.provider.example}
          port: {port: 443}
          tls:
            mode: ClientAndServer
            clientCertificateRef: {name: missing-client}
        """);
    Condition refs = Await.value(WAIT, "ResolvedRefs=False on the XBackend", () -> {
      XBackendStatus.Parent p = ours(parents());
      Condition c = p == null ? null : condition(p, "ResolvedRefs");
      return c != null && "False".equals(c.getStatus()) ? c : null;
    });
    assertThat(refs.getReason()).isEqualTo("InvalidClientCertificateRef");
    assertThat(refs.getMessage()).contains("default/missing-client");
    Condition routeRefs = Await.value(WAIT, "ResolvedRefs=False on the route", () -> {
      HTTPRoute route = client.resources(HTTPRoute.class).inNamespace("default").withName("models").get();
      return route.getStatus() == null ? null : route.getStatus().getParents().stream()
          .flatMap(p -> p.getConditions().stream())
          .filter(c -> "ResolvedRefs".equals(c.getType()) && "False".equals(c.getStatus()))
          .findFirst().orElse(null);
    });
    assertThat(routeRefs.getReason()).isEqualTo("BackendNotFound");
    assertThat(routeRefs.getMessage()).contains("XBackend default/provider");
    assertThat(parents()).extracting(p -> p.controllerName).contains(THEIRS);

    // No route uses it any more: our entry goes, theirs stays as it was.
    client.resources(HTTPRoute.class).inNamespace("default").withName("models").delete();
    Await.value(WAIT, "our parent entry removed", () -> ours(parents()) == null ? Boolean.TRUE : null);
    assertThat(parents()).singleElement().satisfies(p -> {
      assertThat(p.controllerName).isEqualTo(THEIRS);
      assertThat(p.conditions.get(0).getMessage()).isEqualTo("theirs");
    });
  }
}
