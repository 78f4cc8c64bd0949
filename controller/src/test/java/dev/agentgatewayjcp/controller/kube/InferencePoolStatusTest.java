package dev.agentgatewayjcp.controller.kube;

import static org.assertj.core.api.Assertions.assertThat;

import dev.agentgatewayjcp.controller.runtime.KubernetesControlPlane;
import dev.agentgatewayjcp.controller.testing.Await;
import io.fabric8.kubernetes.api.model.GenericKubernetesResource;
import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.dsl.base.ResourceDefinitionContext;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Runs the control plane against a real kube-apiserver with the Inference Extension's own
 * InferencePool CRD installed, and checks what it writes to {@code status.parents}: one entry per
 * Gateway using the pool, with our controller name, next to the entries other controllers wrote,
 * which stay; the extension's placeholder parent is removed.
 */
class InferencePoolStatusTest {

  private static final Duration WAIT = Duration.ofSeconds(30);
  private static final String CONTROLLER = "agentgateway-jcp.dev/controller";
  private static final ResourceDefinitionContext POOLS = new ResourceDefinitionContext.Builder()
      .withGroup("inference.networking.k8s.io").withVersion("v1").withKind("InferencePool")
      .withPlural("inferencepools").withNamespaced(true).build();

  private static RealApiServer api;
  private static KubernetesClient client;
  private static KubernetesControlPlane controlPlane;

  @BeforeAll
  static void start() throws Exception {
    api = RealApiServer.startOrSkip();
    client = api.newClient();
    String dir = System.getenv("INFERENCE_CRDS_DIR");
    if (dir == null || !Files.isDirectory(Path.of(dir))) {
      String why = "no Inference Extension CRDs (INFERENCE_CRDS_DIR); run scripts/kube-test-env.sh";
      if (Boolean.parseBoolean(System.getenv("REQUIRE_KUBE_API_SERVER"))) {
        throw new IllegalStateException(why);
      }
      Assumptions.abort(why);
    }
    try (Stream<Path> files = Files.list(Path.of(dir))) {
      for (Path file : files.filter(f -> f.toString().endsWith(".yaml")).sorted().toList()) {
        try (InputStream in = Files.newInputStream(file)) {
          for (HasMetadata crd : client.load(in).items()) {
            client.resource(crd).forceConflicts().serverSideApply();
          }
        }
      }
    }
    client.apiextensions().v1().customResourceDefinitions().withName("inferencepools.inference.networking.k8s.io")
        .waitUntilCondition(crd -> crd != null && crd.getStatus() != null && crd.getStatus().getConditions() != null
            && crd.getStatus().getConditions().stream()
                .anyMatch(c -> "Established".equals(c.getType()) && "True".equals(c.getStatus())),
            60, TimeUnit.SECONDS);
    RealApiServer.apply(client, RealApiServer.CLASS_AND_ECHO + """
        ---
        apiVersion: gateway.networking.k8s.io/v1
        kind: Gateway
        metadata: {name: gw, namespace: default}
        spec:
          gatewayClassName: agentgateway-jcp
          listeners:
          - {name: http, port: 8080, protocol: HTTP}
        ---
        apiVersion: v1
        kind: Service
        metadata: {name: vllm-epp, namespace: default}
        spec: {ports: [{name: grpc, port: 9002, appProtocol: http2}]}
        ---
        apiVersion: inference.networking.k8s.io/v1
        kind: InferencePool
        metadata: {name: vllm, namespace: default}
        spec:
          selector: {matchLabels: {app: vllm}}
          targetPorts: [{number: 8000}]
          endpointPickerRef: {name: vllm-epp, port: {number: 9002}}
        """);
    // Another controller (another Gateway implementation) already reports on the pool; the API
    // server's default put the extension's placeholder parent there first.
    GenericKubernetesResource pool = client.genericKubernetesResources(POOLS).inNamespace("default").withName("vllm").get();
    pool.setAdditionalProperty("status", Map.of("parents", List.of(
        Map.of("parentRef", Map.of("group", "gateway.networking.k8s.io", "kind", "Gateway",
                "namespace", "default", "name", "theirs"),
            "controllerName", "example.com/other-controller",
            "conditions", List.of(Map.of("type", "Accepted", "status", "True", "reason", "Accepted",
                "message", "theirs", "lastTransitionTime", "2026-01-01T00:00:00Z", "observedGeneration", 1))),
        Map.of("parentRef", Map.of("kind", "Status", "name", "default"),
            "conditions", List.of(Map.of("type", "Accepted", "status", "Unknown", "reason", "Pending",
                "message", "Waiting for controller", "lastTransitionTime", "2026-01-01T00:00:00Z"))))));
    client.genericKubernetesResources(POOLS).inNamespace("default").resource(pool).updateStatus();
    controlPlane = RealApiServer.startControlPlane(client,
        new KubernetesControlPlane.Options("default", "inference-pool-status-test", "replica-1", false, null, null));
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

  @SuppressWarnings("unchecked")
  private static List<Map<String, Object>> parents() {
    GenericKubernetesResource pool = client.genericKubernetesResources(POOLS).inNamespace("default").withName("vllm").get();
    Object status = pool.getAdditionalProperties().get("status");
    if (!(status instanceof Map<?, ?> s) || !(s.get("parents") instanceof List<?> parents)) {
      return List.of();
    }
    return (List<Map<String, Object>>) parents;
  }

  @SuppressWarnings("unchecked")
  private static Map<String, Object> ours() {
    return parents().stream().filter(p -> CONTROLLER.equals(p.get("controllerName"))).findFirst().orElse(null);
  }

  @Test
  void theControllerReportsTheGatewayUsingThePoolAndKeepsOtherControllersEntries() {
    RealApiServer.apply(client, """
        apiVersion: gateway.networking.k8s.io/v1
        kind: HTTPRoute
        metadata: {name: llm, namespace: default}
        spec:
          parentRefs: [{name: gw}]
          rules:
          - backendRefs: [{group: inference.networking.k8s.io, kind: InferencePool, name: vllm}]
        """);
    Await.until(WAIT, "our parent entry on the pool", () -> ours() != null);
    Map<String, Object> ours = ours();
    assertThat((Map<String, Object>) ours.get("parentRef"))
        .containsEntry("group", "gateway.networking.k8s.io")
        .containsEntry("kind", "Gateway")
        .containsEntry("namespace", "default")
        .containsEntry("name", "gw");
    @SuppressWarnings("unchecked")
    List<Map<String, Object>> conditions = (List<Map<String, Object>>) ours.get("conditions");
    assertThat(conditions).anySatisfy(c -> assertThat(c)
        .containsEntry("type", "Accepted").containsEntry("status", "True").containsEntry("reason", "Accepted"));
    assertThat(conditions).anySatisfy(c -> assertThat(c)
        .containsEntry("type", "ResolvedRefs").containsEntry("status", "True").containsEntry("reason", "ResolvedRefs"));

    List<Map<String, Object>> parents = parents();
    assertThat(parents).as("the other controller's entry stays").anySatisfy(p -> assertThat(p)
        .containsEntry("controllerName", "example.com/other-controller"));
    assertThat(parents).as("the placeholder parent is gone").noneSatisfy(p -> assertThat(
        ((Map<String, Object>) p.get("parentRef")).get("kind")).isEqualTo("Status"));
    assertThat(parents).hasSize(2);

    // Without a route to it, the pool has no Gateway of ours: our entry goes, theirs stays.
    client.resources(io.fabric8.kubernetes.api.model.gatewayapi.v1.HTTPRoute.class)
        .inNamespace("default").withName("llm").delete();
    Await.until(WAIT, "our parent entry removed", () -> ours() == null);
    assertThat(parents()).singleElement().satisfies(p -> assertThat(p)
        .containsEntry("controllerName", "example.com/other-controller"));
  }
}
