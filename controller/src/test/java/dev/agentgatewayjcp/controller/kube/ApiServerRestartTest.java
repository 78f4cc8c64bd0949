package dev.agentgatewayjcp.controller.kube;

import static org.assertj.core.api.Assertions.assertThat;

import dev.agentgatewayjcp.api.wire.TypeUrls;
import dev.agentgatewayjcp.controller.runtime.KubernetesControlPlane;
import dev.agentgatewayjcp.controller.testing.Await;
import dev.agentgatewayjcp.controller.xds.AgentgatewayTestClient;
import io.fabric8.kubernetes.api.model.gatewayapi.v1.HTTPRoute;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.grpc.ManagedChannel;
import io.grpc.netty.shaded.io.grpc.netty.NettyChannelBuilder;
import java.time.Duration;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/**
 * The API server goes away and comes back: proxies keep and still get their configuration while it
 * is down, and afterwards the controller's informers and status writes carry on with no config
 * lost.
 */
class ApiServerRestartTest {

  private static final Duration WAIT = Duration.ofSeconds(60);

  @Test
  void survivesAnApiServerRestartWithoutLosingConfig() throws Exception {
    try (RealApiServer api = RealApiServer.startOrSkip();
        PortForwarder forwarder = new PortForwarder(api.apiServerPort());
        KubernetesClient admin = api.newClient();
        KubernetesClient client = api.newClientThrough(forwarder.port())) {
      RealApiServer.apply(admin, RealApiServer.CLASS_AND_ECHO + """
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
          metadata: {name: before, namespace: default}
          spec:
            parentRefs: [{name: gw}]
            rules:
            - backendRefs: [{name: echo, port: 80}]
          """);
      try (KubernetesControlPlane controlPlane = RealApiServer.startControlPlane(client,
          new KubernetesControlPlane.Options("default", "restart-test", "replica-1", false, null))) {
        ManagedChannel channel = NettyChannelBuilder.forAddress("127.0.0.1", controlPlane.xdsPort()).usePlaintext().build();
        try {
          AgentgatewayTestClient proxy = new AgentgatewayTestClient(channel, "default", "gw", "p1").connect();
          proxy.await(WAIT, "bind, listener and one route", p -> p.names(TypeUrls.RESOURCE).size() == 3);

          RealApiServer.Restart restart = api.stopApiServer();
          forwarder.closeConnections();
          // While the API server is down, a proxy that (re)connects still gets the full configuration.
          AgentgatewayTestClient late = new AgentgatewayTestClient(channel, "default", "gw", "p2").connect();
          late.await(WAIT, "configuration while the API server is down", p -> p.names(TypeUrls.RESOURCE).size() == 3);
          Thread.sleep(3000);

          forwarder.retarget(restart.start());
          try (KubernetesClient adminAfter = api.newClientThrough(forwarder.port())) {
            RealApiServer.apply(adminAfter, """
                apiVersion: gateway.networking.k8s.io/v1
                kind: HTTPRoute
                metadata: {name: after, namespace: default}
                spec:
                  parentRefs: [{name: gw}]
                  rules:
                  - matches: [{path: {type: PathPrefix, value: /after}}]
                    backendRefs: [{name: echo, port: 80}]
                """);
            // The informers reconnected: the new route reaches the proxies, the old one is still there.
            for (AgentgatewayTestClient p : new AgentgatewayTestClient[] {proxy, late}) {
              p.await(WAIT, "both routes after the restart", c -> c.names(TypeUrls.RESOURCE).size() == 4);
            }
            // And status writing works again.
            HTTPRoute after = adminAfter.resources(HTTPRoute.class).inNamespace("default").withName("after")
                .waitUntilCondition(r -> r.getStatus() != null && !r.getStatus().getParents().isEmpty(),
                    WAIT.toSeconds(), TimeUnit.SECONDS);
            assertThat(Await.condition(after.getStatus().getParents().get(0).getConditions(), "Accepted").getStatus())
                .isEqualTo("True");
          }
          proxy.close();
          late.close();
        } finally {
          channel.shutdownNow();
        }
      }
    }
  }
}
