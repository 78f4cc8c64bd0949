package dev.agentgatewayjcp.controller.xds;

import static dev.agentgatewayjcp.controller.xds.XdsTestFixtures.route;
import static org.assertj.core.api.Assertions.assertThat;

import dev.agentgatewayjcp.api.wire.TypeUrls;
import dev.agentgatewayjcp.controller.security.CertificateAuthority;
import dev.agentgatewayjcp.controller.security.GatewayBinding;
import dev.agentgatewayjcp.controller.security.ServingCertificates;
import dev.agentgatewayjcp.controller.security.StaticTokenVerifier;
import dev.agentgatewayjcp.controller.security.TokenAuthenticator;
import dev.agentgatewayjcp.controller.xds.XdsCache.Change;
import dev.agentgatewayjcp.translator.output.GatewayKey;
import io.grpc.ManagedChannel;
import io.grpc.Status;
import io.prometheus.metrics.model.registry.PrometheusRegistry;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The xDS server on its TLS port with bearer-token authentication, against clients that connect
 * exactly as agentgateway does ({@link AgentgatewayXdsChannel}): a proxy only ever receives the
 * configuration of the Gateway its token's service account is bound to.
 */
class SecuredXdsServerTest {

  private static final Duration WAIT = Duration.ofSeconds(10);
  private static final GatewayKey GW_A = new GatewayKey("ns", "a");
  private static final GatewayKey GW_B = new GatewayKey("ns", "b");

  @TempDir Path dir;
  private final XdsCache cache = new XdsCache();
  private final List<ManagedChannel> channels = new ArrayList<>();
  private final List<AgentgatewayTestClient> clients = new ArrayList<>();
  private final List<String> rejections = new java.util.concurrent.CopyOnWriteArrayList<>();
  private CertificateAuthority ca;
  private Path caFile;
  private XdsServer server;

  @BeforeEach
  void start() throws IOException {
    cache.apply(List.of(
        Change.replace(GW_A, TypeUrls.RESOURCE, List.of(route("ns", "route-of-a", 1))),
        Change.replace(GW_B, TypeUrls.RESOURCE, List.of(route("ns", "route-of-b", 1)))));
    cache.markReady();
    ca = CertificateAuthority.generate("test xDS CA", Clock.systemUTC());
    caFile = Files.writeString(dir.resolve("root-cert.pem"), ca.certificatePem());
    Path tokens = Files.writeString(dir.resolve("tokens"), """
        # token  namespace/serviceaccount
        token-of-a ns/a
        token-of-b ns/b
        token-of-other-a other/a
        """);
    XdsAuthenticator authenticator = new TokenAuthenticator(
        StaticTokenVerifier.read(tokens), GatewayBinding.BY_NAME, Duration.ofMinutes(1), Clock.systemUTC());
    XdsServerCallbacks recordRejections = new XdsServerCallbacks() {
      @Override
      public void onStreamRejected(String reason) {
        rejections.add(reason);
      }
    };
    server = new XdsServer(
        XdsServerConfig.defaults().withHost("127.0.0.1").withPort(-1).withTlsPort(0),
        cache, authenticator,
        XdsServerCallbacks.compose(List.of(new XdsMetrics(new PrometheusRegistry()), recordRejections)),
        new ServingCertificates(ca, List.of("localhost", "127.0.0.1"), Duration.ofHours(24), Clock.systemUTC()))
        .start();
  }

  @AfterEach
  void stop() {
    clients.forEach(AgentgatewayTestClient::close);
    channels.forEach(ManagedChannel::shutdownNow);
    server.shutdown(Duration.ofSeconds(1));
  }

  private AgentgatewayTestClient proxy(GatewayKey gateway, String address, Path root, String token) throws IOException {
    Path tokenFile = null;
    if (token != null) {
      tokenFile = Files.writeString(Files.createTempFile(dir, "xds-token", ""), token);
    }
    ManagedChannel channel = AgentgatewayXdsChannel.open(address, root, tokenFile, "Kubernetes", Duration.ofMinutes(1));
    channels.add(channel);
    AgentgatewayTestClient client = new AgentgatewayTestClient(channel, gateway.namespace(), gateway.name(), gateway.name() + "-pod");
    clients.add(client);
    return client.connect();
  }

  private String tls() {
    return "https://127.0.0.1:" + server.tlsPort();
  }

  private static void awaitRefused(AgentgatewayTestClient proxy, Status.Code code) {
    proxy.await(WAIT, "the stream to be refused", p -> !p.isStreamOpen());
    assertThat(proxy.lastError().getCode()).isEqualTo(code);
    assertThat(proxy.responses()).isEmpty();
  }

  @Test
  void aProxyWithItsGatewaysTokenGetsThatConfigurationOverTls() throws IOException {
    AgentgatewayTestClient proxy = proxy(GW_A, tls(), caFile, "token-of-a");
    proxy.await(WAIT, "initial responses", AgentgatewayTestClient::hasInitialResponses);
    proxy.await(WAIT, "the route of a", p -> p.names(TypeUrls.RESOURCE).stream().anyMatch(n -> n.contains("route-of-a")));
    assertThat(proxy.names(TypeUrls.RESOURCE)).noneMatch(n -> n.contains("route-of-b"));
    assertThat(server.service().connectionCount()).isEqualTo(1);
  }

  @Test
  void aTokenForGatewayACannotGetGatewayBsConfiguration() throws IOException {
    AgentgatewayTestClient proxy = proxy(GW_B, tls(), caFile, "token-of-a");
    awaitRefused(proxy, Status.Code.PERMISSION_DENIED);
    assertThat(proxy.lastError().getDescription()).contains("ns/a").contains("ns/b");
    assertThat(rejections).containsExactly("unauthorized");
    assertThat(server.service().connectionCount()).isZero();
  }

  @Test
  void theServiceAccountsNamespaceMustBeTheGatewaysNamespace() throws IOException {
    awaitRefused(proxy(GW_A, tls(), caFile, "token-of-other-a"), Status.Code.PERMISSION_DENIED);
  }

  @Test
  void noTokenIsRejected() throws IOException {
    AgentgatewayTestClient proxy = proxy(GW_A, tls(), caFile, null);
    awaitRefused(proxy, Status.Code.UNAUTHENTICATED);
    assertThat(proxy.lastError().getDescription()).contains("XDS_AUTH_TOKEN");
    assertThat(rejections).containsExactly("unauthenticated");
  }

  @Test
  void anUnknownTokenIsRejected() throws IOException {
    awaitRefused(proxy(GW_A, tls(), caFile, "token-of-nobody"), Status.Code.UNAUTHENTICATED);
  }

  @Test
  void aProxyThatDoesNotTrustOurCaCannotConnect() throws IOException {
    Path otherCa = Files.writeString(dir.resolve("other.pem"),
        CertificateAuthority.generate("someone else", Clock.systemUTC()).certificatePem());
    AgentgatewayTestClient proxy = proxy(GW_A, tls(), otherCa, "token-of-a");
    proxy.await(WAIT, "the handshake to fail", p -> !p.isStreamOpen());
    assertThat(proxy.lastError().getCode()).isEqualTo(Status.Code.UNAVAILABLE);
    assertThat(proxy.responses()).isEmpty();
  }

  @Test
  void theServerNameIsVerifiedAgainstTheCertificate() throws IOException {
    // "localhost" is in the certificate; an address the certificate does not name is refused even
    // though it reaches the same socket.
    AgentgatewayTestClient good = proxy(GW_A, "localhost:" + server.tlsPort(), caFile, "token-of-a");
    good.await(WAIT, "initial responses", AgentgatewayTestClient::hasInitialResponses);
    AgentgatewayTestClient bad = proxy(GW_A, "https://127.0.0.2:" + server.tlsPort(), caFile, "token-of-a");
    bad.await(WAIT, "the handshake to fail", p -> !p.isStreamOpen());
    assertThat(bad.lastError().getCode()).isEqualTo(Status.Code.UNAVAILABLE);
  }

  @Test
  void aPlaintextClientGetsNothingFromTheTlsPort() throws IOException {
    AgentgatewayTestClient proxy = proxy(GW_A, "http://127.0.0.1:" + server.tlsPort(), null, "token-of-a");
    proxy.await(WAIT, "the stream to fail", p -> !p.isStreamOpen());
    assertThat(proxy.lastError().isOk()).isFalse();
    assertThat(proxy.responses()).isEmpty();
    assertThat(server.port()).isEqualTo(-1);
  }
}
