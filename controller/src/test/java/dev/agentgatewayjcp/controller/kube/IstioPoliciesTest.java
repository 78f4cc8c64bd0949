package dev.agentgatewayjcp.controller.kube;

import static org.assertj.core.api.Assertions.assertThat;

import dev.agentgatewayjcp.api.istio.AuthorizationPolicy;
import dev.agentgatewayjcp.api.istio.IstioStatus;
import dev.agentgatewayjcp.api.istio.RequestAuthentication;
import dev.agentgatewayjcp.api.resource.Resource;
import dev.agentgatewayjcp.api.resource.TrafficPolicySpec;
import dev.agentgatewayjcp.api.wire.TypeUrls;
import dev.agentgatewayjcp.controller.jwks.AddressRules;
import dev.agentgatewayjcp.controller.jwks.JwksFetchSettings;
import dev.agentgatewayjcp.controller.jwks.TestKeyServer;
import dev.agentgatewayjcp.controller.runtime.KubernetesControlPlane;
import dev.agentgatewayjcp.controller.source.InputStore;
import dev.agentgatewayjcp.controller.status.PolicyEventRecorder;
import dev.agentgatewayjcp.controller.testing.Await;
import dev.agentgatewayjcp.controller.xds.AgentgatewayTestClient;
import dev.agentgatewayjcp.translator.input.ObjectRef;
import io.fabric8.kubernetes.api.model.ConditionBuilder;
import io.fabric8.kubernetes.api.model.Event;
import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.KubernetesResource;
import io.fabric8.kubernetes.api.model.apiextensions.v1.CustomResourceDefinition;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.grpc.ManagedChannel;
import io.grpc.netty.shaded.io.grpc.netty.NettyChannelBuilder;
import java.io.InputStream;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Runs the control plane against a real kube-apiserver with the Istio security CRDs (generated
 * from our model) installed: v1 AuthorizationPolicies and RequestAuthentications reach the proxy,
 * jwksUri keys are fetched from a real HTTPS server, and reports become Warning Events on the
 * policies, once, while their status stays untouched.
 */
class IstioPoliciesTest {

  private static final Duration WAIT = Duration.ofSeconds(30);
  private static RealApiServer api;
  private static KubernetesClient client;
  private static KubernetesControlPlane controlPlane;
  private static ManagedChannel channel;
  private static TestKeyServer keys;
  private static AgentgatewayTestClient proxy;

  @BeforeAll
  static void start() throws Exception {
    api = RealApiServer.startOrSkip();
    client = api.newClient();
    try (InputStream crds = IstioPoliciesTest.class.getResourceAsStream("/crds/istio-security.yaml")) {
      assertThat(crds).as("crds/istio-security.yaml on the test classpath").isNotNull();
      for (HasMetadata crd : client.load(crds).items()) {
        client.resource(crd).forceConflicts().serverSideApply();
      }
    }
    for (String name : List.of("authorizationpolicies.security.istio.io", "requestauthentications.security.istio.io")) {
      client.apiextensions().v1().customResourceDefinitions().withName(name)
          .waitUntilCondition(IstioPoliciesTest::established, 60, TimeUnit.SECONDS);
    }
    RealApiServer.apply(client, RealApiServer.CLASS_AND_ECHO + """
        ---
        apiVersion: gateway.networking.k8s.io/v1
        kind: Gateway
        metadata: {name: gw, namespace: default}
        spec:
          gatewayClassName: agentgateway-jcp
          listeners:
          - {name: http, port: 8080, protocol: HTTP}
        """);
    keys = new TestKeyServer(true);
    JwksFetchSettings fetch = JwksFetchSettings.defaults()
        .withSslContext(keys.clientContext())
        .withAddressRules(new AddressRules(true, List.of()))
        .withRefresh(Duration.ofMillis(500));
    controlPlane = RealApiServer.startControlPlane(client,
        new KubernetesControlPlane.Options("default", "istio-policies-test", "replica-1", false, null, null)
            .withJwks(fetch)
            .withPolicyEventDelay(Duration.ofMillis(300)));
    channel = NettyChannelBuilder.forAddress("127.0.0.1", controlPlane.xdsPort()).usePlaintext().build();
    proxy = new AgentgatewayTestClient(channel, "default", "gw", "");
    proxy.connect();
  }

  private static boolean established(CustomResourceDefinition crd) {
    return crd != null && crd.getStatus() != null && crd.getStatus().getConditions() != null
        && crd.getStatus().getConditions().stream()
        .anyMatch(c -> "Established".equals(c.getType()) && "True".equals(c.getStatus()));
  }

  @AfterAll
  static void stop() {
    if (channel != null) {
      channel.shutdownNow();
    }
    if (controlPlane != null) {
      controlPlane.close();
    }
    if (keys != null) {
      keys.close();
    }
    if (client != null) {
      client.close();
    }
    if (api != null) {
      api.close();
    }
  }

  private static List<Event> warningsOn(String kind, String name) {
    return client.v1().events().inNamespace("default").list().getItems().stream()
        .filter(e -> kind.equals(e.getInvolvedObject().getKind()) && name.equals(e.getInvolvedObject().getName()))
        .filter(e -> "Warning".equals(e.getType()))
        .toList();
  }

  @Test
  void aV1AuthorizationPolicyReachesTheProxyAsAnAuthorizationPolicyResource() {
    RealApiServer.apply(client, """
        apiVersion: security.istio.io/v1
        kind: AuthorizationPolicy
        metadata: {name: allow-get, namespace: default}
        spec:
          targetRefs:
          - {group: gateway.networking.k8s.io, kind: Gateway, name: gw}
          action: ALLOW
          rules:
          - to:
            - operation: {methods: ["GET"]}
        """);
    String name = "policy/authz/default/allow-get@default/gw";
    proxy.await(WAIT, name, p -> p.names(TypeUrls.RESOURCE).contains(name));
    Resource held = (Resource) proxy.held(TypeUrls.RESOURCE, name).payload();
    TrafficPolicySpec traffic = held.getPolicy().getTraffic();
    assertThat(traffic.hasAuthorization()).isTrue();
    assertThat(traffic.getAuthorization().getAllowList()).singleElement().asString().contains("request.method");
    assertThat(held.getPolicy().getTarget().getGateway().getName()).isEqualTo("gw");

    // Accepted policies get no Event, and we never write status on Istio objects.
    sleep(1000);
    assertThat(warningsOn("AuthorizationPolicy", "allow-get")).isEmpty();
    assertThat(client.resources(AuthorizationPolicy.class).inNamespace("default").withName("allow-get").get().getStatus())
        .isNull();
  }

  @Test
  void aRejectedPolicyGetsOneWarningEventAndNoStatus() {
    RealApiServer.apply(client, """
        apiVersion: security.istio.io/v1
        kind: AuthorizationPolicy
        metadata: {name: custom, namespace: default}
        spec:
          targetRefs:
          - {group: gateway.networking.k8s.io, kind: Gateway, name: gw}
          action: CUSTOM
          provider: {name: ext-authz}
          rules:
          - to:
            - operation: {paths: ["/private*"]}
        """);
    Event event = Await.value(WAIT, "a Warning Event on the CUSTOM policy", () -> {
      List<Event> events = warningsOn("AuthorizationPolicy", "custom");
      return events.isEmpty() ? null : events.get(0);
    });
    assertThat(event.getReason()).isEqualTo("UnsupportedValue");
    assertThat(event.getMessage()).contains("action CUSTOM is not supported").contains("failing closed");
    assertThat(event.getInvolvedObject().getApiVersion()).isEqualTo("security.istio.io/v1");
    assertThat(event.getInvolvedObject().getUid()).isNotEmpty();

    // An edit that leaves the report as it is (a label) records nothing new.
    RealApiServer.apply(client, """
        apiVersion: security.istio.io/v1
        kind: AuthorizationPolicy
        metadata: {name: custom, namespace: default, labels: {touched: "yes"}}
        spec:
          targetRefs:
          - {group: gateway.networking.k8s.io, kind: Gateway, name: gw}
          action: CUSTOM
          provider: {name: ext-authz}
          rules:
          - to:
            - operation: {paths: ["/private*"]}
        """);
    sleep(1500);
    assertThat(warningsOn("AuthorizationPolicy", "custom")).hasSize(1);
    assertThat(client.resources(AuthorizationPolicy.class).inNamespace("default").withName("custom").get().getStatus())
        .isNull();

    // A second recorder (another replica, or this one after a restart) with the same report
    // finds the Event already there and adds none.
    InputStore store = new InputStore();
    store.upsert(client.resources(AuthorizationPolicy.class).inNamespace("default").withName("custom").get());
    ObjectRef ref = new ObjectRef("AuthorizationPolicy", "default", "custom");
    IstioStatus report = new IstioStatus();
    report.conditions = List.of(new ConditionBuilder().withType("Accepted").withStatus("False")
        .withReason(event.getReason()).withMessage(event.getMessage()).build());
    try (PolicyEventRecorder other = new PolicyEventRecorder(client, store, () -> true, Duration.ZERO, Clock.systemUTC())) {
      other.onStatusChange(Map.<ObjectRef, KubernetesResource>of(ref, report), Set.of());
      sleep(1000);
    }
    assertThat(warningsOn("AuthorizationPolicy", "custom")).hasSize(1);

    // A different report is news.
    RealApiServer.apply(client, """
        apiVersion: security.istio.io/v1
        kind: AuthorizationPolicy
        metadata: {name: custom, namespace: default, labels: {touched: "yes"}}
        spec:
          targetRefs:
          - {group: gateway.networking.k8s.io, kind: Gateway, name: gw}
          action: ALLOW
          rules:
          - to:
            - operation: {paths: ["/api/{*}"]}
        """);
    Await.until(WAIT, "a second Event for the new report", () -> warningsOn("AuthorizationPolicy", "custom").size() == 2);
    assertThat(warningsOn("AuthorizationPolicy", "custom")).extracting(Event::getMessage)
        .anySatisfy(m -> assertThat(m).contains("path template"));
  }

  @Test
  void aJwksUriIsFetchedAndItsKeysReachTheProxyWhileARefusedOneIsReported() {
    RealApiServer.apply(client, """
        apiVersion: security.istio.io/v1
        kind: RequestAuthentication
        metadata: {name: remote-keys, namespace: default}
        spec:
          targetRefs:
          - {group: gateway.networking.k8s.io, kind: Gateway, name: gw}
          jwtRules:
          - issuer: https://issuer.example.com
            jwksUri: %s/keys
          - issuer: https://plain.example.com
            jwksUri: http://127.0.0.1:1/keys
        """.formatted(keys.base()));
    proxy.await(WAIT, "the fetched keys in the JWT policy", p -> {
      var held = p.held(TypeUrls.RESOURCE, "policy/jwt@default/gw");
      return held != null && ((Resource) held.payload()).getPolicy().getTraffic().getJwt().getProvidersList().stream()
          .anyMatch(pr -> pr.getIssuer().equals("https://issuer.example.com") && pr.getInline().contains("\"kid\":\"one\""));
    });
    var providers = ((Resource) proxy.held(TypeUrls.RESOURCE, "policy/jwt@default/gw").payload())
        .getPolicy().getTraffic().getJwt().getProvidersList();
    assertThat(providers).filteredOn(pr -> pr.getIssuer().equals("https://plain.example.com"))
        .singleElement().satisfies(pr -> assertThat(pr.getInline()).isEqualTo("{\"keys\":[]}"));

    Event event = Await.value(WAIT, "a Warning Event on the RequestAuthentication naming the refusal", () ->
        warningsOn("RequestAuthentication", "remote-keys").stream()
            .filter(e -> e.getMessage().contains("plain http is refused")).findFirst().orElse(null));
    assertThat(event.getReason()).isEqualTo("AcceptedWithProblems");
    assertThat(event.getMessage()).contains("tokens of https://plain.example.com are rejected");
    assertThat(client.resources(RequestAuthentication.class).inNamespace("default").withName("remote-keys").get().getStatus())
        .isNull();
  }

  private static void sleep(long millis) {
    try {
      Thread.sleep(millis);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }
}
