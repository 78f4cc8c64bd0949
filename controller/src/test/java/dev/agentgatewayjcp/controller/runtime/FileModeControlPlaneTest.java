package dev.agentgatewayjcp.controller.runtime;

import dev.agentgatewayjcp.controller.testing.Await;

import static org.assertj.core.api.Assertions.assertThat;

import dev.agentgatewayjcp.api.resource.Resource;
import dev.agentgatewayjcp.api.wire.TypeUrls;
import dev.agentgatewayjcp.controller.xds.AgentgatewayTestClient;
import dev.agentgatewayjcp.controller.xds.XdsServerConfig;
import dev.agentgatewayjcp.translator.input.ObjectRef;
import dev.agentgatewayjcp.translator.input.TranslationSettings;
import io.fabric8.kubernetes.api.model.Condition;
import io.fabric8.kubernetes.api.model.KubernetesResource;
import io.fabric8.kubernetes.api.model.gatewayapi.v1.GatewayStatus;
import io.fabric8.kubernetes.api.model.gatewayapi.v1.HTTPRouteStatus;
import io.grpc.ManagedChannel;
import io.grpc.netty.shaded.io.grpc.netty.NettyChannelBuilder;
import io.prometheus.metrics.model.registry.PrometheusRegistry;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Runs the control plane in file mode on a temporary directory and checks, through a client that
 * speaks as agentgateway does, that edits to the directory reach the proxy and the statuses.
 */
class FileModeControlPlaneTest {

  private static final Duration WAIT = Duration.ofSeconds(20);

  @TempDir Path dir;
  private FileModeControlPlane controlPlane;
  private ManagedChannel channel;
  private final Map<ObjectRef, KubernetesResource> statuses = new ConcurrentHashMap<>();

  @AfterEach
  void stop() {
    if (channel != null) {
      channel.shutdownNow();
    }
    if (controlPlane != null) {
      controlPlane.close();
    }
  }

  private void start() throws IOException {
    controlPlane = new FileModeControlPlane(
        dir,
        TranslationSettings.defaults(Clock.fixed(Instant.parse("2026-01-01T00:00:00Z"), ZoneOffset.UTC)),
        XdsServerConfig.defaults().withHost("127.0.0.1").withPort(0),
        new InetSocketAddress("127.0.0.1", 0),
        Duration.ofMillis(200),
        (changed, removed) -> {
          statuses.putAll(changed);
          removed.forEach(statuses::remove);
        },
        new PrometheusRegistry()).start();
    channel = NettyChannelBuilder.forAddress("127.0.0.1", controlPlane.xdsPort()).usePlaintext().build();
  }

  private static final String GATEWAY = """
      apiVersion: gateway.networking.k8s.io/v1
      kind: GatewayClass
      metadata: {name: agentgateway-jcp}
      spec: {controllerName: agentgateway-jcp.dev/controller}
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
      metadata: {name: gw, namespace: default}
      spec: {type: LoadBalancer, clusterIP: 10.96.0.20, ports: [{name: http, port: 8080}]}
      status: {loadBalancer: {ingress: [{ip: 127.0.0.1}]}}
      ---
      apiVersion: v1
      kind: Service
      metadata: {name: echo, namespace: default}
      spec: {clusterIP: 10.96.0.10, ports: [{name: http, port: 80, targetPort: 3000}]}
      """;

  private static String route(String name, String path) {
    return """
        apiVersion: gateway.networking.k8s.io/v1
        kind: HTTPRoute
        metadata: {name: %s, namespace: default, creationTimestamp: "2026-01-01T00:00:00Z"}
        spec:
          parentRefs: [{name: gw}]
          rules:
          - matches: [{path: {type: PathPrefix, value: %s}}]
            backendRefs: [{name: echo, port: 80}]
        """.formatted(name, path);
  }

  @Test
  void editsToTheDirectoryReachTheProxyAndTheStatuses() throws Exception {
    Files.writeString(dir.resolve("gateway.yaml"), GATEWAY);
    Files.writeString(dir.resolve("route-a.yaml"), route("a", "/a"));
    start();

    AgentgatewayTestClient proxy = new AgentgatewayTestClient(channel, "default", "gw", "");
    proxy.connect();
    proxy.await(WAIT, "the gateway's resources", p -> p.names(TypeUrls.RESOURCE).size() == 3);
    Set<String> names = proxy.names(TypeUrls.RESOURCE);
    assertThat(names).contains("bind/8080/default/gw", "listener/default/gw.http");
    String routeA = names.stream().filter(n -> n.startsWith("route/")).findFirst().orElseThrow();
    Resource held = (Resource) proxy.held(TypeUrls.RESOURCE, routeA).payload();
    assertThat(held.getRoute().getBackends(0).getBackend().getService().getHostname())
        .isEqualTo("echo.default.svc.cluster.local");
    assertThat(proxy.names(TypeUrls.ADDRESS)).contains("default/echo.default.svc.cluster.local");

    GatewayStatus gateway = (GatewayStatus) awaitStatus(new ObjectRef("Gateway", "default", "gw"));
    assertThat(Await.condition(gateway.getConditions(), "Accepted").getStatus()).isEqualTo("True");
    assertThat(Await.condition(gateway.getConditions(), "Programmed").getStatus()).isEqualTo("True");
    assertThat(gateway.getListeners().get(0).getAttachedRoutes()).isEqualTo(1);
    HTTPRouteStatus routeStatus = (HTTPRouteStatus) awaitStatus(new ObjectRef("HTTPRoute", "default", "a"));
    assertThat(Await.condition(routeStatus.getParents().get(0).getConditions(), "Accepted").getStatus()).isEqualTo("True");
    assertThat(Await.condition(routeStatus.getParents().get(0).getConditions(), "ResolvedRefs").getStatus()).isEqualTo("True");

    // An invalid object next to a valid one: the bad route gets a condition, the good one stays.
    Files.writeString(dir.resolve("route-b.yaml"), """
        apiVersion: gateway.networking.k8s.io/v1
        kind: HTTPRoute
        metadata: {name: b, namespace: default}
        spec:
          parentRefs: [{name: gw}]
          rules:
          - backendRefs: [{name: missing, port: 80}]
        """);
    Files.writeString(dir.resolve("broken.yaml"), "apiVersion: v1\nkind: Service\nmetadata: [not, a, map]\n");
    Await.until(WAIT, "status of b", () -> statuses.containsKey(new ObjectRef("HTTPRoute", "default", "b")));
    HTTPRouteStatus bad = (HTTPRouteStatus) statuses.get(new ObjectRef("HTTPRoute", "default", "b"));
    Condition resolved = Await.condition(bad.getParents().get(0).getConditions(), "ResolvedRefs");
    assertThat(resolved.getStatus()).isEqualTo("False");
    assertThat(resolved.getReason()).isEqualTo("BackendNotFound");
    assertThat(controlPlane.problems()).extracting(p -> p.file()).contains("broken.yaml");
    assertThat(proxy.names(TypeUrls.RESOURCE)).contains(routeA);

    // Deleting the route pushes its removal.
    Files.delete(dir.resolve("route-a.yaml"));
    proxy.await(WAIT, "route a removed", p -> !p.names(TypeUrls.RESOURCE).contains(routeA));
    assertThat(proxy.removedAt(routeA)).isNotNull();

    // The admin endpoints answer.
    HttpClient http = HttpClient.newHttpClient();
    String base = "http://127.0.0.1:" + controlPlane.adminPort();
    assertThat(get(http, base + "/readyz")).isEqualTo("ready\n");
    assertThat(get(http, base + "/debug/config_dump?gateway=default/gw")).contains("listener/default/gw.http");
    assertThat(get(http, base + "/debug/connections")).contains("\"gateway\"");
    assertThat(get(http, base + "/metrics")).contains("agentgateway_jcp_xds_connected_proxies 1.0");
  }

  private static String get(HttpClient http, String url) throws Exception {
    HttpResponse<String> response = http.send(HttpRequest.newBuilder(URI.create(url)).build(), HttpResponse.BodyHandlers.ofString());
    assertThat(response.statusCode()).as(url).isEqualTo(200);
    return response.body();
  }

  private KubernetesResource awaitStatus(ObjectRef ref) {
    Await.until(WAIT, "status of " + ref, () -> statuses.containsKey(ref));
    return statuses.get(ref);
  }


}
