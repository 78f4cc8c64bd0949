package dev.agentgatewayjcp.controller.runtime;

import static org.assertj.core.api.Assertions.assertThat;

import dev.agentgatewayjcp.api.wire.TypeUrls;
import dev.agentgatewayjcp.controller.security.DirectoryCaStore;
import dev.agentgatewayjcp.controller.security.GatewayBinding;
import dev.agentgatewayjcp.controller.security.ServingCertificates;
import dev.agentgatewayjcp.controller.security.StaticTokenVerifier;
import dev.agentgatewayjcp.controller.security.TokenAuthenticator;
import dev.agentgatewayjcp.controller.xds.AgentgatewayTestClient;
import dev.agentgatewayjcp.controller.xds.AgentgatewayXdsChannel;
import dev.agentgatewayjcp.controller.xds.XdsAuthenticator;
import dev.agentgatewayjcp.controller.xds.XdsServerConfig;
import dev.agentgatewayjcp.translator.input.TranslationSettings;
import io.grpc.ManagedChannel;
import io.grpc.Status;
import io.prometheus.metrics.model.registry.PrometheusRegistry;
import java.net.InetSocketAddress;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * File mode with the xDS security options: TLS from a CA directory with authentication off (the
 * file-mode default once TLS is on), and with a static token file.
 */
class FileModeXdsSecurityTest {

  private static final Duration WAIT = Duration.ofSeconds(20);
  private static final String GATEWAYS = """
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
        listeners: [{name: http, port: 8080, protocol: HTTP}]
      ---
      apiVersion: gateway.networking.k8s.io/v1
      kind: Gateway
      metadata: {name: other, namespace: default}
      spec:
        gatewayClassName: agentgateway-jcp
        listeners: [{name: http, port: 8081, protocol: HTTP}]
      """;

  @TempDir Path dir;
  private FileModeControlPlane controlPlane;
  private final List<ManagedChannel> channels = new ArrayList<>();
  private final List<AgentgatewayTestClient> clients = new ArrayList<>();

  @AfterEach
  void stop() {
    clients.forEach(AgentgatewayTestClient::close);
    channels.forEach(ManagedChannel::shutdownNow);
    if (controlPlane != null) {
      controlPlane.close();
    }
  }

  private Path start(XdsAuthenticator authenticator) throws Exception {
    Path config = Files.createDirectories(dir.resolve("config"));
    Files.writeString(config.resolve("gateways.yaml"), GATEWAYS);
    DirectoryCaStore ca = new DirectoryCaStore(dir.resolve("ca"), Clock.systemUTC());
    controlPlane = new FileModeControlPlane(
        config, TranslationSettings.defaults(Clock.systemUTC()),
        XdsServerConfig.defaults().withHost("127.0.0.1").withPort(0).withTlsPort(0),
        new InetSocketAddress("127.0.0.1", 0), Duration.ofMillis(200), (changed, removed) -> {},
        new PrometheusRegistry(), authenticator,
        new ServingCertificates(ca.loadOrCreate(), List.of("localhost", "127.0.0.1"), Duration.ofHours(24), Clock.systemUTC()))
        .start();
    return ca.certificateFile();
  }

  private AgentgatewayTestClient proxy(String address, Path rootCa, String token, String gateway) throws Exception {
    Path tokenFile = token == null ? null : Files.writeString(Files.createTempFile(dir, "token", ""), token);
    ManagedChannel channel = AgentgatewayXdsChannel.open(address, rootCa, tokenFile, "Kubernetes", Duration.ofMinutes(1));
    channels.add(channel);
    AgentgatewayTestClient client = new AgentgatewayTestClient(channel, "default", gateway, gateway + "-1");
    clients.add(client);
    return client.connect();
  }

  @Test
  void withAuthenticationOffTlsAndPlaintextProxiesNeedNoToken() throws Exception {
    Path rootCa = start(XdsAuthenticator.ALLOW_ALL);
    AgentgatewayTestClient overTls = proxy("https://localhost:" + controlPlane.xdsTlsPort(), rootCa, null, "gw");
    AgentgatewayTestClient plaintext = proxy("http://127.0.0.1:" + controlPlane.xdsPort(), null, null, "gw");
    for (AgentgatewayTestClient proxy : List.of(overTls, plaintext)) {
      proxy.await(WAIT, "gw's listener", p -> p.names(TypeUrls.RESOURCE).stream().anyMatch(n -> n.contains("gw")));
    }
    assertThat(overTls.versions(TypeUrls.RESOURCE)).isEqualTo(plaintext.versions(TypeUrls.RESOURCE));
  }

  @Test
  void withATokenFileOnlyTheBoundGatewayIsServed() throws Exception {
    Path tokens = Files.writeString(dir.resolve("tokens"), "gw-token default/gw\n");
    Path rootCa = start(new TokenAuthenticator(StaticTokenVerifier.read(tokens), GatewayBinding.BY_NAME, Duration.ZERO, Clock.systemUTC()));
    String tls = "https://127.0.0.1:" + controlPlane.xdsTlsPort();
    AgentgatewayTestClient good = proxy(tls, rootCa, "gw-token", "gw");
    good.await(WAIT, "initial responses", AgentgatewayTestClient::hasInitialResponses);
    AgentgatewayTestClient other = proxy(tls, rootCa, "gw-token", "other");
    other.await(WAIT, "refusal", p -> !p.isStreamOpen());
    assertThat(other.lastError().getCode()).isEqualTo(Status.Code.PERMISSION_DENIED);
    // The plaintext port applies the same authentication.
    AgentgatewayTestClient noToken = proxy("http://127.0.0.1:" + controlPlane.xdsPort(), null, null, "gw");
    noToken.await(WAIT, "refusal", p -> !p.isStreamOpen());
    assertThat(noToken.lastError().getCode()).isEqualTo(Status.Code.UNAUTHENTICATED);
  }
}
