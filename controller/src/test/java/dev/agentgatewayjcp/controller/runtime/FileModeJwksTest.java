package dev.agentgatewayjcp.controller.runtime;

import static org.assertj.core.api.Assertions.assertThat;

import dev.agentgatewayjcp.api.resource.Resource;
import dev.agentgatewayjcp.api.wire.TypeUrls;
import dev.agentgatewayjcp.controller.jwks.AddressRules;
import dev.agentgatewayjcp.controller.jwks.JwksFetchSettings;
import dev.agentgatewayjcp.controller.jwks.TestKeyServer;
import dev.agentgatewayjcp.controller.xds.AgentgatewayTestClient;
import dev.agentgatewayjcp.controller.xds.XdsAuthenticator;
import dev.agentgatewayjcp.controller.xds.XdsServerConfig;
import dev.agentgatewayjcp.translator.input.TranslationSettings;
import io.grpc.ManagedChannel;
import io.grpc.netty.shaded.io.grpc.netty.NettyChannelBuilder;
import io.prometheus.metrics.model.registry.PrometheusRegistry;
import java.net.InetSocketAddress;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * In file mode, a RequestAuthentication with a jwksUri gets the keys the controller fetched from
 * a real HTTPS server, and rotated keys reach the proxy at the next refresh.
 */
class FileModeJwksTest {

  private static final Duration WAIT = Duration.ofSeconds(20);

  @TempDir Path dir;
  private FileModeControlPlane controlPlane;
  private ManagedChannel channel;
  private TestKeyServer keys;

  @AfterEach
  void stop() {
    if (channel != null) {
      channel.shutdownNow();
    }
    if (controlPlane != null) {
      controlPlane.close();
    }
    if (keys != null) {
      keys.close();
    }
  }

  private static String inlineKeys(AgentgatewayTestClient proxy) {
    var held = proxy.held(TypeUrls.RESOURCE, "policy/jwt@default/gw");
    if (held == null) {
      return null;
    }
    return ((Resource) held.payload()).getPolicy().getTraffic().getJwt().getProviders(0).getInline();
  }

  @Test
  void fetchedKeysReachTheProxyAndRotatedKeysFollow() throws Exception {
    keys = new TestKeyServer(true);
    Files.writeString(dir.resolve("config.yaml"), """
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
        apiVersion: security.istio.io/v1
        kind: RequestAuthentication
        metadata: {name: remote, namespace: default}
        spec:
          jwtRules:
          - issuer: https://issuer.example.com
            jwksUri: %s/keys
        """.formatted(keys.base()));
    JwksFetchSettings fetch = JwksFetchSettings.defaults()
        .withSslContext(keys.clientContext())
        .withAddressRules(new AddressRules(true, List.of()))
        .withRefresh(Duration.ofMillis(300));
    controlPlane = new FileModeControlPlane(dir, TranslationSettings.defaults(Clock.systemUTC()),
        XdsServerConfig.defaults().withHost("127.0.0.1").withPort(0), new InetSocketAddress("127.0.0.1", 0),
        Duration.ofMillis(200), (changed, removed) -> {}, new PrometheusRegistry(), XdsAuthenticator.ALLOW_ALL, null, fetch)
        .start();
    channel = NettyChannelBuilder.forAddress("127.0.0.1", controlPlane.xdsPort()).usePlaintext().build();
    AgentgatewayTestClient proxy = new AgentgatewayTestClient(channel, "default", "gw", "");
    proxy.connect();

    proxy.await(WAIT, "the fetched keys", p -> {
      String inline = inlineKeys(p);
      return inline != null && inline.contains("\"kid\":\"one\"");
    });
    keys.keys.set(TestKeyServer.KEYS_2);
    proxy.await(WAIT, "the rotated keys", p -> {
      String inline = inlineKeys(p);
      return inline != null && inline.contains("\"kid\":\"two\"") && !inline.contains("\"kid\":\"one\"");
    });
  }

  @Test
  void byDefaultALoopbackJwksUriIsRefusedAndTheIssuerGetsNoKeys() throws Exception {
    keys = new TestKeyServer(true);
    Files.writeString(dir.resolve("config.yaml"), """
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
        apiVersion: security.istio.io/v1
        kind: RequestAuthentication
        metadata: {name: remote, namespace: default}
        spec:
          jwtRules:
          - issuer: https://issuer.example.com
            jwksUri: %s/keys
        """.formatted(keys.base()));
    java.util.Map<dev.agentgatewayjcp.translator.input.ObjectRef, io.fabric8.kubernetes.api.model.KubernetesResource> statuses =
        new java.util.concurrent.ConcurrentHashMap<>();
    controlPlane = new FileModeControlPlane(dir, TranslationSettings.defaults(Clock.systemUTC()),
        XdsServerConfig.defaults().withHost("127.0.0.1").withPort(0), new InetSocketAddress("127.0.0.1", 0),
        Duration.ofMillis(200), (changed, removed) -> statuses.putAll(changed), new PrometheusRegistry(),
        XdsAuthenticator.ALLOW_ALL, null, JwksFetchSettings.defaults().withSslContext(keys.clientContext()))
        .start();
    var ref = new dev.agentgatewayjcp.translator.input.ObjectRef("RequestAuthentication", "default", "remote");
    dev.agentgatewayjcp.controller.testing.Await.until(WAIT, "a report naming the refusal", () ->
        statuses.get(ref) instanceof dev.agentgatewayjcp.api.istio.IstioStatus s
            && s.conditions.get(0).getMessage().contains("127.0.0.1 is loopback"));
    channel = NettyChannelBuilder.forAddress("127.0.0.1", controlPlane.xdsPort()).usePlaintext().build();
    AgentgatewayTestClient proxy = new AgentgatewayTestClient(channel, "default", "gw", "");
    proxy.connect();
    proxy.await(WAIT, "the JWT policy", p -> inlineKeys(p) != null);
    assertThat(inlineKeys(proxy)).isEqualTo("{\"keys\":[]}");
    assertThat(keys.requests.get()).isZero();
  }
}
