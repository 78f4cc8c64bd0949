package dev.agentgatewayjcp.controller.kube;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.agentgatewayjcp.api.wire.TypeUrls;
import dev.agentgatewayjcp.controller.deploy.ProxyDeploymentSettings;
import dev.agentgatewayjcp.controller.deploy.ProxyResources;
import dev.agentgatewayjcp.controller.runtime.KubernetesControlPlane;
import dev.agentgatewayjcp.controller.security.CertificateAuthority;
import dev.agentgatewayjcp.controller.security.KubernetesCaStore;
import dev.agentgatewayjcp.controller.testing.Await;
import dev.agentgatewayjcp.controller.xds.AgentgatewayTestClient;
import dev.agentgatewayjcp.controller.xds.AgentgatewayXdsChannel;
import dev.agentgatewayjcp.translator.input.TranslationSettings;
import io.fabric8.kubernetes.api.model.ConfigMap;
import io.fabric8.kubernetes.api.model.EnvVar;
import io.fabric8.kubernetes.api.model.ServiceAccount;
import io.fabric8.kubernetes.api.model.ServiceAccountBuilder;
import io.fabric8.kubernetes.api.model.apps.Deployment;
import io.fabric8.kubernetes.api.model.authentication.TokenRequestBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.grpc.ManagedChannel;
import io.grpc.Status;
import java.io.StringReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.PrivateKey;
import java.security.Signature;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Set;
import java.util.concurrent.Callable;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.bouncycastle.openssl.PEMKeyPair;
import org.bouncycastle.openssl.PEMParser;
import org.bouncycastle.openssl.jcajce.JcaPEMKeyConverter;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The secured xDS server against a real kube-apiserver: proxies' tokens are minted by the API
 * server's TokenRequest API and verified by its TokenReview API, the CA lives in a Secret, and
 * the trust bundle reaches each Gateway's namespace through the deployer. Clients connect as
 * agentgateway does: https, the published bundle as {@code XDS_ROOT_CA}, the token file as {@code
 * XDS_AUTH_TOKEN}.
 */
class XdsTokenReviewTest {

  private static final Duration WAIT = Duration.ofSeconds(30);
  private static final String AUDIENCE = "agentgateway-jcp";
  private static RealApiServer api;
  private static KubernetesClient client;
  private static KubernetesControlPlane controlPlane;

  @TempDir Path dir;
  private final List<ManagedChannel> channels = new ArrayList<>();
  private final List<AgentgatewayTestClient> clients = new ArrayList<>();

  @BeforeAll
  static void start() throws Exception {
    api = RealApiServer.startOrSkip();
    client = api.newClient();
    RealApiServer.apply(client, RealApiServer.CLASS_AND_ECHO + """
        ---
        apiVersion: v1
        kind: ServiceAccount
        metadata: {name: preexisting, namespace: default}
        ---
        apiVersion: gateway.networking.k8s.io/v1
        kind: Gateway
        metadata: {name: gw-a, namespace: default}
        spec:
          gatewayClassName: agentgateway-jcp
          listeners: [{name: http, port: 8080, protocol: HTTP}]
        ---
        apiVersion: gateway.networking.k8s.io/v1
        kind: Gateway
        metadata: {name: gw-b, namespace: default}
        spec:
          gatewayClassName: agentgateway-jcp
          listeners: [{name: http, port: 8081, protocol: HTTP}]
        ---
        apiVersion: gateway.networking.k8s.io/v1
        kind: Gateway
        metadata: {name: preexisting, namespace: default}
        spec:
          gatewayClassName: agentgateway-jcp
          listeners: [{name: http, port: 8082, protocol: HTTP}]
        """);
    controlPlane = new KubernetesControlPlane(
        client,
        TranslationSettings.defaults(Clock.systemUTC()),
        dev.agentgatewayjcp.controller.xds.XdsServerConfig.defaults().withHost("127.0.0.1").withPort(-1).withTlsPort(0),
        new java.net.InetSocketAddress("127.0.0.1", 0),
        new KubernetesControlPlane.Options("default", "xds-security-test", "replica-1", false,
            new ProxyDeploymentSettings(ProxyDeploymentSettings.DEFAULT_IMAGE, "https://localhost:15012", "ClusterIP",
                TranslationSettings.DEFAULT_CONTROLLER_NAME, "Kubernetes"),
            new KubernetesControlPlane.XdsSecurity("default", "xds-ca", List.of("localhost", "127.0.0.1"),
                Duration.ofHours(24), AUDIENCE, Duration.ofMinutes(1))),
        new io.prometheus.metrics.model.registry.PrometheusRegistry()).start(Duration.ofSeconds(60));
    // The deployer creates each Gateway's ServiceAccount and trust bundle.
    Await.until(WAIT, "the proxies' ServiceAccounts", () -> owned("gw-a") && owned("gw-b"));
  }

  private static boolean owned(String name) {
    ServiceAccount sa = client.serviceAccounts().inNamespace("default").withName(name).get();
    return sa != null && sa.getMetadata().getOwnerReferences() != null && !sa.getMetadata().getOwnerReferences().isEmpty();
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

  @AfterEach
  void closeClients() {
    clients.forEach(AgentgatewayTestClient::close);
    channels.forEach(ManagedChannel::shutdownNow);
  }

  /** A token from the API server's TokenRequest API, as the kubelet projects it. */
  private static String tokenFor(String serviceAccount, String audience) {
    return client.serviceAccounts().inNamespace("default").withName(serviceAccount)
        .tokenRequest(new TokenRequestBuilder().withNewSpec().withAudiences(audience).withExpirationSeconds(600L).endSpec().build())
        .getStatus().getToken();
  }

  /** The bundle the deployer published next to the Gateway, as the pod would mount it. */
  private Path trustBundle(String gateway) throws Exception {
    ConfigMap bundle = Await.value(WAIT, "trust bundle of " + gateway,
        () -> client.configMaps().inNamespace("default").withName(ProxyResources.trustBundleName(gateway)).get());
    return Files.writeString(dir.resolve(gateway + "-root-cert.pem"), bundle.getData().get(ProxyResources.XDS_CA_KEY));
  }

  private AgentgatewayTestClient proxy(String gateway, String token) throws Exception {
    Path tokenFile = token == null ? null : Files.writeString(Files.createTempFile(dir, "xds-token", ""), token);
    ManagedChannel channel = AgentgatewayXdsChannel.open("https://127.0.0.1:" + controlPlane.xdsTlsPort(),
        trustBundle("gw-a"), tokenFile, "Kubernetes", Duration.ofMinutes(1));
    channels.add(channel);
    AgentgatewayTestClient proxy = new AgentgatewayTestClient(channel, "default", gateway, gateway + "-pod");
    clients.add(proxy);
    return proxy.connect();
  }

  private static void awaitRefused(AgentgatewayTestClient proxy, Status.Code code) {
    proxy.await(WAIT, "the stream to be refused", p -> !p.isStreamOpen());
    assertThat(proxy.lastError().getCode()).isEqualTo(code);
    assertThat(proxy.responses()).isEmpty();
  }

  @Test
  void aProxyWithItsServiceAccountTokenGetsItsGatewaysConfiguration() throws Exception {
    AgentgatewayTestClient proxy = proxy("gw-a", tokenFor("gw-a", AUDIENCE));
    proxy.await(WAIT, "the listener of gw-a", p -> p.names(TypeUrls.RESOURCE).stream().anyMatch(n -> n.contains("gw-a")));
    assertThat(proxy.names(TypeUrls.RESOURCE)).noneMatch(n -> n.contains("gw-b"));
  }

  @Test
  void aTokenForGatewayACannotGetGatewayBsConfiguration() throws Exception {
    AgentgatewayTestClient proxy = proxy("gw-b", tokenFor("gw-a", AUDIENCE));
    awaitRefused(proxy, Status.Code.PERMISSION_DENIED);
    assertThat(proxy.lastError().getDescription()).contains("default/gw-a").contains("default/gw-b");
  }

  @Test
  void noTokenIsRejected() throws Exception {
    awaitRefused(proxy("gw-a", null), Status.Code.UNAUTHENTICATED);
  }

  @Test
  void aTokenForAnotherAudienceIsRejected() throws Exception {
    // A token meant for the API server itself, or for istiod, must not open our xDS.
    awaitRefused(proxy("gw-a", tokenFor("gw-a", "istio-ca")), Status.Code.UNAUTHENTICATED);
  }

  @Test
  void anExpiredTokenIsRejected() throws Exception {
    // TokenRequest will not issue tokens shorter than ten minutes, so take a real one and move its
    // lifetime into the past, re-signed with the API server's own key: everything but the expiry
    // is what the API server issued.
    String expired = resign(tokenFor("gw-a", AUDIENCE), -7200, -3600);
    awaitRefused(proxy("gw-a", expired), Status.Code.UNAUTHENTICATED);
    // The same re-signing with a current lifetime is accepted, so only the expiry was refused.
    String current = resign(tokenFor("gw-a", AUDIENCE), -60, 600);
    AgentgatewayTestClient proxy = proxy("gw-a", current);
    proxy.await(WAIT, "initial responses", AgentgatewayTestClient::hasInitialResponses);
  }

  @Test
  void aTamperedTokenIsRejected() throws Exception {
    String token = tokenFor("gw-a", AUDIENCE);
    String[] parts = token.split("\\.");
    ObjectNode claims = (ObjectNode) new ObjectMapper().readTree(Base64.getUrlDecoder().decode(parts[1]));
    ((ObjectNode) claims.get("kubernetes.io").get("serviceaccount")).put("name", "gw-b");
    String forged = parts[0] + "." + Base64.getUrlEncoder().withoutPadding()
        .encodeToString(new ObjectMapper().writeValueAsBytes(claims)) + "." + parts[2];
    awaitRefused(proxy("gw-b", forged), Status.Code.UNAUTHENTICATED);
  }

  @Test
  void anAccountNamedLikeAGatewayButNotCreatedForItIsRefused() throws Exception {
    // The Gateway 'preexisting' is named like an account that existed before it; the deployer will
    // not take that account over, and its tokens do not open the Gateway's configuration.
    AgentgatewayTestClient proxy = proxy("preexisting", tokenFor("preexisting", AUDIENCE));
    awaitRefused(proxy, Status.Code.PERMISSION_DENIED);
  }

  @Test
  void theDeploymentMountsTheTrustBundleAndAProjectedTokenWithOurAudience() {
    Deployment deployment = Await.value(WAIT, "gw-a's Deployment",
        () -> client.apps().deployments().inNamespace("default").withName("gw-a").get());
    var pod = deployment.getSpec().getTemplate().getSpec();
    assertThat(pod.getServiceAccountName()).isEqualTo("gw-a");
    assertThat(pod.getAutomountServiceAccountToken()).isFalse();
    assertThat(pod.getContainers().get(0).getEnv()).extracting(EnvVar::getName, EnvVar::getValue).contains(
        org.assertj.core.groups.Tuple.tuple("XDS_ADDRESS", "https://localhost:15012"),
        org.assertj.core.groups.Tuple.tuple("XDS_ROOT_CA", "/var/run/secrets/xds/ca.crt"),
        org.assertj.core.groups.Tuple.tuple("XDS_AUTH_TOKEN", "/var/run/secrets/xds-tokens/xds-token"));
    var token = pod.getVolumes().stream().filter(v -> v.getName().equals("xds-token")).findFirst().orElseThrow()
        .getProjected().getSources().get(0).getServiceAccountToken();
    assertThat(token.getAudience()).isEqualTo(AUDIENCE);
    assertThat(token.getPath()).isEqualTo("xds-token");
  }

  @Test
  void everyReplicaUsesTheOneStoredCaEvenWhenTheyCreateItAtOnce() throws Exception {
    // The running control plane created 'xds-ca'; a replica starting later reads the same CA.
    String published = client.configMaps().inNamespace("default").withName(ProxyResources.trustBundleName("gw-a")).get()
        .getData().get(ProxyResources.XDS_CA_KEY);
    assertThat(new KubernetesCaStore(client, "default", "xds-ca", Clock.systemUTC()).loadOrCreate().certificatePem())
        .isEqualTo(published);
    // Eight replicas racing to create a new CA Secret all end up with the same CA.
    ExecutorService pool = Executors.newFixedThreadPool(8);
    try {
      List<Callable<String>> replicas = new ArrayList<>();
      for (int i = 0; i < 8; i++) {
        replicas.add(() -> new KubernetesCaStore(client, "default", "raced-ca", Clock.systemUTC()).loadOrCreate().certificatePem());
      }
      Set<String> cas = new java.util.HashSet<>();
      for (Future<String> f : pool.invokeAll(replicas)) {
        cas.add(f.get());
      }
      assertThat(cas).hasSize(1);
      String stored = new String(Base64.getDecoder().decode(
          client.secrets().inNamespace("default").withName("raced-ca").get().getData().get("ca.crt")), StandardCharsets.US_ASCII);
      assertThat(cas).containsExactly(stored);
      assertThat(CertificateAuthority.parseCertificates(stored).get(0).getBasicConstraints()).isGreaterThanOrEqualTo(0);
    } finally {
      pool.shutdownNow();
    }
  }

  /** Re-signs a real service-account token with new iat/nbf/exp offsets (seconds from now). */
  private static String resign(String token, long startOffset, long expiryOffset) throws Exception {
    String[] parts = token.split("\\.");
    ObjectMapper json = new ObjectMapper();
    ObjectNode header = (ObjectNode) json.readTree(Base64.getUrlDecoder().decode(parts[0]));
    assertThat(header.get("alg").asText()).isEqualTo("RS256");
    ObjectNode claims = (ObjectNode) json.readTree(Base64.getUrlDecoder().decode(parts[1]));
    long now = System.currentTimeMillis() / 1000;
    claims.put("iat", now + startOffset);
    claims.put("nbf", now + startOffset);
    claims.put("exp", now + expiryOffset);
    String signingInput = parts[0] + "." + Base64.getUrlEncoder().withoutPadding().encodeToString(json.writeValueAsBytes(claims));
    PrivateKey key;
    try (PEMParser parser = new PEMParser(new StringReader(Files.readString(api.serviceAccountSigningKey())))) {
      Object pem = parser.readObject();
      key = pem instanceof PEMKeyPair pair
          ? new JcaPEMKeyConverter().getKeyPair(pair).getPrivate()
          : new JcaPEMKeyConverter().getPrivateKey((org.bouncycastle.asn1.pkcs.PrivateKeyInfo) pem);
    }
    Signature rsa = Signature.getInstance("SHA256withRSA");
    rsa.initSign(key);
    rsa.update(signingInput.getBytes(StandardCharsets.US_ASCII));
    return signingInput + "." + Base64.getUrlEncoder().withoutPadding().encodeToString(rsa.sign());
  }
}
