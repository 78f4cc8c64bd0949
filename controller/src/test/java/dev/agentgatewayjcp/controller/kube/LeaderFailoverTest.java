package dev.agentgatewayjcp.controller.kube;

import dev.agentgatewayjcp.controller.testing.Await;

import static org.assertj.core.api.Assertions.assertThat;

import dev.agentgatewayjcp.controller.runtime.KubernetesControlPlane;
import io.fabric8.kubernetes.api.model.gatewayapi.v1.HTTPRoute;
import io.fabric8.kubernetes.client.KubernetesClient;
import java.time.Duration;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Two replicas share one Lease: only the holder writes status, and the one that takes over after a
 * failover does not rewrite statuses that are already right.
 */
class LeaderFailoverTest {

  private static final Duration WAIT = Duration.ofSeconds(60);
  private static RealApiServer api;
  private static KubernetesClient admin;

  @BeforeAll
  static void start() throws Exception {
    api = RealApiServer.startOrSkip();
    admin = api.newClient();
    apply(RealApiServer.CLASS_AND_ECHO + """
        ---
        apiVersion: v1
        kind: Service
        metadata: {name: gw, namespace: default}
        spec: {ports: [{name: http, port: 8080}]}
        ---
        apiVersion: gateway.networking.k8s.io/v1
        kind: Gateway
        metadata: {name: gw, namespace: default}
        spec:
          gatewayClassName: agentgateway-jcp
          listeners:
          - {name: http, port: 8080, protocol: HTTP}
        ---
        apiVersion: gateway.networking.k8s.io/v1
        kind: HTTPRoute
        metadata: {name: web, namespace: default}
        spec:
          parentRefs: [{name: gw}]
          rules:
          - backendRefs: [{name: echo, port: 80}]
        """);
  }

  @AfterAll
  static void stop() {
    if (admin != null) {
      admin.close();
    }
    if (api != null) {
      api.close();
    }
  }

  private static void apply(String yaml) {
    RealApiServer.apply(admin, yaml);
  }

  private static KubernetesControlPlane replica(KubernetesClient client, String identity) throws Exception {
    return RealApiServer.startControlPlane(client,
        new KubernetesControlPlane.Options("default", "agentgateway-jcp-failover", identity, true, null));
  }

  @Test
  void onlyTheLeaderWritesAndATakeoverDoesNotRewriteCorrectStatuses() throws Exception {
    KubernetesClient clientA = api.newClient();
    KubernetesClient clientB = api.newClient();
    KubernetesControlPlane a = replica(clientA, "replica-a");
    KubernetesControlPlane b = replica(clientB, "replica-b");
    try {
      Await.until(WAIT, "a leader", () -> a.statusWriter().isLeader() || b.statusWriter().isLeader());
      KubernetesControlPlane leader = a.statusWriter().isLeader() ? a : b;
      KubernetesControlPlane follower = leader == a ? b : a;

      admin.resources(HTTPRoute.class).inNamespace("default").withName("web")
          .waitUntilCondition(r -> r.getStatus() != null && !r.getStatus().getParents().isEmpty(), WAIT.toSeconds(), TimeUnit.SECONDS);
      Await.until(WAIT, "GatewayClass, Gateway and HTTPRoute status writes", () -> leader.statusWriter().writes() >= 3);
      // Both replicas translate and serve xDS; only one writes.
      assertThat(follower.cache().isReady()).isTrue();
      assertThat(follower.statusWriter().isLeader()).isFalse();
      assertThat(follower.statusWriter().writes()).isZero();
      String routeVersion = admin.resources(HTTPRoute.class).inNamespace("default").withName("web").get()
          .getMetadata().getResourceVersion();

      leader.close();
      Await.until(WAIT, "the follower to take over", () -> follower.statusWriter().isLeader());
      // The new leader re-checks every status it knows; all are right, so none is written.
      Await.until(WAIT, "the new leader to compare statuses", () -> follower.statusWriter().unchanged() >= 3);
      assertThat(follower.statusWriter().writes()).isZero();
      assertThat(admin.resources(HTTPRoute.class).inNamespace("default").withName("web").get()
          .getMetadata().getResourceVersion()).isEqualTo(routeVersion);

      // And it writes once something changes.
      apply("""
          apiVersion: gateway.networking.k8s.io/v1
          kind: HTTPRoute
          metadata: {name: web, namespace: default}
          spec:
            parentRefs: [{name: gw}]
            rules:
            - backendRefs: [{name: missing, port: 80}]
          """);
      admin.resources(HTTPRoute.class).inNamespace("default").withName("web")
          .waitUntilCondition(r -> r.getStatus().getParents().get(0).getConditions().stream()
              .anyMatch(c -> c.getType().equals("ResolvedRefs") && c.getStatus().equals("False")), WAIT.toSeconds(), TimeUnit.SECONDS);
      // The watch can show the new status before the writer's call has returned and counted it.
      Await.until(WAIT, "the new leader's write to be counted", () -> follower.statusWriter().writes() > 0);
    } finally {
      a.close();
      b.close();
      clientA.close();
      clientB.close();
    }
  }

}
