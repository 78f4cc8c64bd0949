package dev.agentgatewayjcp.controller.kube;

import dev.agentgatewayjcp.controller.testing.Await;

import static org.assertj.core.api.Assertions.assertThat;

import dev.agentgatewayjcp.api.wire.TypeUrls;
import dev.agentgatewayjcp.controller.deploy.GatewayProxyReconciler;
import dev.agentgatewayjcp.controller.deploy.ProxyDeploymentSettings;
import dev.agentgatewayjcp.controller.deploy.ProxyResources;
import dev.agentgatewayjcp.controller.runtime.KubernetesControlPlane;
import dev.agentgatewayjcp.controller.source.KubernetesInputSource;
import dev.agentgatewayjcp.controller.status.RejectionReporter;
import dev.agentgatewayjcp.controller.xds.AgentgatewayTestClient;
import dev.agentgatewayjcp.translator.input.TranslationSettings;
import io.fabric8.kubernetes.api.model.Condition;
import io.fabric8.kubernetes.api.model.gatewayapi.v1.Gateway;
import io.fabric8.kubernetes.api.model.gatewayapi.v1.ListenerSet;
import io.fabric8.kubernetes.api.model.gatewayapi.v1.GatewayClass;
import io.fabric8.kubernetes.api.model.gatewayapi.v1.HTTPRoute;
import io.fabric8.kubernetes.api.model.gatewayapi.v1.RouteParentStatus;
import io.fabric8.kubernetes.api.model.gatewayapi.v1.RouteParentStatusBuilder;
import io.fabric8.kubernetes.api.model.gatewayapi.v1.TLSRoute;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.grpc.ManagedChannel;
import io.grpc.netty.shaded.io.grpc.netty.NettyChannelBuilder;
import java.time.Duration;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Runs the control plane against a real kube-apiserver and etcd: objects applied with the client
 * come back as statuses and as xDS resources at a client that speaks as agentgateway does.
 */
class KubernetesControlPlaneTest {

  private static final Duration WAIT = Duration.ofSeconds(30);
  private static RealApiServer api;
  private static KubernetesClient client;
  private static KubernetesControlPlane controlPlane;
  private static ManagedChannel channel;

  private static final ch.qos.logback.core.read.ListAppender<ch.qos.logback.classic.spi.ILoggingEvent> SOURCE_LOG =
      new ch.qos.logback.core.read.ListAppender<>();

  @BeforeAll
  static void start() throws Exception {
    SOURCE_LOG.start();
    var sourceLogger = (ch.qos.logback.classic.Logger) org.slf4j.LoggerFactory.getLogger(KubernetesInputSource.class);
    sourceLogger.setLevel(ch.qos.logback.classic.Level.INFO);
    sourceLogger.addAppender(SOURCE_LOG);
    api = RealApiServer.startOrSkip();
    client = api.newClient();
    apply(RealApiServer.CLASS_AND_ECHO);
    controlPlane = RealApiServer.startControlPlane(client,
        new KubernetesControlPlane.Options("default", "agentgateway-jcp-test", "replica-1", false,
            new ProxyDeploymentSettings(ProxyDeploymentSettings.DEFAULT_IMAGE, "http://127.0.0.1:15010", "ClusterIP",
                TranslationSettings.DEFAULT_CONTROLLER_NAME, "Kubernetes")));
    channel = NettyChannelBuilder.forAddress("127.0.0.1", controlPlane.xdsPort()).usePlaintext().build();
  }

  @AfterAll
  static void stop() {
    if (channel != null) {
      channel.shutdownNow();
    }
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

  @Test
  void withoutTheIstioCrdsTheControllerSaysSoOnceAndKeepsWorking() {
    // This API server has the Gateway API CRDs only.
    apply("""
        apiVersion: gateway.networking.k8s.io/v1
        kind: Gateway
        metadata: {name: no-istio, namespace: default}
        spec:
          gatewayClassName: agentgateway-jcp
          listeners:
          - {name: http, port: 8081, protocol: HTTP}
        """);
    AgentgatewayTestClient proxy = new AgentgatewayTestClient(channel, "default", "no-istio", "");
    proxy.connect();
    proxy.await(WAIT, "the Gateway's listener", p -> p.names(TypeUrls.RESOURCE).contains("listener/default/no-istio.http"));
    java.util.List<String> absent = SOURCE_LOG.list.stream().map(ch.qos.logback.classic.spi.ILoggingEvent::getFormattedMessage)
        .filter(m -> m.contains("no Istio CRDs")).toList();
    assertThat(absent).hasSize(2);
    assertThat(absent).anySatisfy(m -> assertThat(m).contains("AuthorizationPolicy"));
    assertThat(absent).anySatisfy(m -> assertThat(m).contains("RequestAuthentication"));
  }

  private static void apply(String yaml) {
    RealApiServer.apply(client, yaml);
  }

  @Test
  void appliedGatewayAndRouteGetStatusesAndReachTheProxy() {
    // Another controller already reports on a parent of this route; its entry must survive.
    apply("""
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
          parentRefs: [{name: gw}, {name: elsewhere}]
          rules:
          - matches: [{path: {type: PathPrefix, value: /web}}]
            backendRefs: [{name: echo, port: 80}]
        """);
    HTTPRoute created = client.resources(HTTPRoute.class).inNamespace("default").withName("web").get();
    RouteParentStatus foreign = new RouteParentStatusBuilder()
        .withControllerName("example.com/other-controller")
        .withNewParentRef().withName("elsewhere").endParentRef()
        .withConditions(new io.fabric8.kubernetes.api.model.ConditionBuilder()
            .withType("Accepted").withStatus("True").withReason("Accepted").withMessage("theirs")
            .withLastTransitionTime("2026-01-01T00:00:00Z").withObservedGeneration(1L).build())
        .build();
    // The controller may write this route's status at the same moment: retry on a conflict.
    for (int attempt = 1; ; attempt++) {
      HTTPRoute latest = client.resources(HTTPRoute.class).inNamespace("default").withName("web").get();
      latest.setStatus(new io.fabric8.kubernetes.api.model.gatewayapi.v1.HTTPRouteStatusBuilder()
          .withParents(foreign).build());
      try {
        client.resource(latest).updateStatus();
        break;
      } catch (io.fabric8.kubernetes.client.KubernetesClientException e) {
        if (e.getCode() != 409 || attempt == 5) {
          throw e;
        }
      }
    }

    AgentgatewayTestClient proxy = new AgentgatewayTestClient(channel, "default", "gw", "");
    proxy.connect();
    proxy.await(WAIT, "bind, listener and route", p -> p.names(TypeUrls.RESOURCE).size() == 3);
    Set<String> names = proxy.names(TypeUrls.RESOURCE);
    assertThat(names).contains("bind/8080/default/gw", "listener/default/gw.http");
    String route = names.stream().filter(n -> n.startsWith("route/")).findFirst().orElseThrow();

    // The proxy's objects exist, owned by the Gateway, and the Service makes the Gateway Programmed.
    var deployment = client.apps().deployments().inNamespace("default").withName("gw")
        .waitUntilCondition(d -> d != null, WAIT.toSeconds(), TimeUnit.SECONDS);
    assertThat(deployment.getMetadata().getOwnerReferences()).extracting(o -> o.getKind() + "/" + o.getName())
        .containsExactly("Gateway/gw");
    assertThat(deployment.getSpec().getTemplate().getSpec().getContainers().get(0).getEnv())
        .extracting(e -> e.getName()).contains("XDS_ADDRESS", "GATEWAY", "NAMESPACE").doesNotContain("POD_NAME");
    var service = client.services().inNamespace("default").withName("gw")
        .waitUntilCondition(x -> x != null, WAIT.toSeconds(), TimeUnit.SECONDS);
    assertThat(service.getSpec().getPorts()).extracting(p -> p.getPort()).containsExactly(15021, 8080);
    assertThat(service.getMetadata().getLabels()).containsKey(ProxyResources.MANAGED_LABEL);
    assertThat(client.serviceAccounts().inNamespace("default").withName("gw").get()).isNotNull();
    assertThat(deployment.getMetadata().getAnnotations()).containsKey(GatewayProxyReconciler.RENDERED_HASH_ANNOTATION);

    // A deleted proxy Deployment is put back (the JOSDK reconciler watches what it owns), and
    // re-reconciling an unchanged Gateway writes nothing.
    client.apps().deployments().inNamespace("default").withName("gw").withTimeout(10, TimeUnit.SECONDS).delete();
    var recreated = client.apps().deployments().inNamespace("default").withName("gw")
        .waitUntilCondition(d -> d != null && !d.getMetadata().getUid().equals(deployment.getMetadata().getUid()),
            WAIT.toSeconds(), TimeUnit.SECONDS);
    String serviceVersion = client.services().inNamespace("default").withName("gw").get()
        .getMetadata().getResourceVersion();
    assertThat(serviceVersion).isEqualTo(service.getMetadata().getResourceVersion());
    assertThat(recreated.getMetadata().getAnnotations().get(GatewayProxyReconciler.RENDERED_HASH_ANNOTATION))
        .isEqualTo(deployment.getMetadata().getAnnotations().get(GatewayProxyReconciler.RENDERED_HASH_ANNOTATION));

    Gateway gateway = client.resources(Gateway.class).inNamespace("default").withName("gw")
        .waitUntilCondition(g -> g.getStatus() != null && g.getStatus().getListeners() != null
            && !g.getStatus().getListeners().isEmpty()
            && g.getStatus().getListeners().get(0).getAttachedRoutes() == 1, WAIT.toSeconds(), TimeUnit.SECONDS);
    assertThat(Await.condition(gateway.getStatus().getConditions(), "Accepted").getStatus()).isEqualTo("True");
    gateway = client.resources(Gateway.class).inNamespace("default").withName("gw")
        .waitUntilCondition(g -> "True".equals(Await.condition(g.getStatus().getConditions(), "Programmed").getStatus()),
            WAIT.toSeconds(), TimeUnit.SECONDS);
    assertThat(gateway.getStatus().getAddresses()).isNotEmpty();
    assertThat(Await.condition(gateway.getStatus().getConditions(), "Accepted").getObservedGeneration())
        .isEqualTo(gateway.getMetadata().getGeneration());
    assertThat(Await.condition(gateway.getStatus().getListeners().get(0).getConditions(), "ResolvedRefs").getStatus()).isEqualTo("True");

    HTTPRoute web = client.resources(HTTPRoute.class).inNamespace("default").withName("web")
        .waitUntilCondition(r -> r.getStatus() != null && r.getStatus().getParents().size() == 2, WAIT.toSeconds(), TimeUnit.SECONDS);
    RouteParentStatus ours = web.getStatus().getParents().stream()
        .filter(p -> p.getControllerName().equals(TranslationSettings.DEFAULT_CONTROLLER_NAME)).findFirst().orElseThrow();
    assertThat(Await.condition(ours.getConditions(), "Accepted").getStatus()).isEqualTo("True");
    assertThat(Await.condition(ours.getConditions(), "ResolvedRefs").getStatus()).isEqualTo("True");
    RouteParentStatus theirs = web.getStatus().getParents().stream()
        .filter(p -> p.getControllerName().equals("example.com/other-controller")).findFirst().orElseThrow();
    assertThat(theirs.getParentRef().getName()).isEqualTo("elsewhere");
    assertThat(theirs.getConditions()).isEqualTo(foreign.getConditions());

    GatewayClass gatewayClass = client.resources(GatewayClass.class).withName("agentgateway-jcp")
        .waitUntilCondition(c -> c.getStatus() != null && c.getStatus().getConditions() != null
            && !c.getStatus().getConditions().isEmpty(), WAIT.toSeconds(), TimeUnit.SECONDS);
    assertThat(Await.condition(gatewayClass.getStatus().getConditions(), "Accepted").getStatus()).isEqualTo("True");

    // An invalid route next to the good one gets a condition; the good one is untouched.
    apply("""
        apiVersion: gateway.networking.k8s.io/v1
        kind: HTTPRoute
        metadata: {name: broken, namespace: default}
        spec:
          parentRefs: [{name: gw}]
          rules:
          - backendRefs: [{name: nowhere, port: 80}]
        """);
    HTTPRoute broken = client.resources(HTTPRoute.class).inNamespace("default").withName("broken")
        .waitUntilCondition(r -> r.getStatus() != null && !r.getStatus().getParents().isEmpty(), WAIT.toSeconds(), TimeUnit.SECONDS);
    Condition resolved = Await.condition(broken.getStatus().getParents().get(0).getConditions(), "ResolvedRefs");
    assertThat(resolved.getStatus()).isEqualTo("False");
    assertThat(resolved.getReason()).isEqualTo("BackendNotFound");
    assertThat(proxy.names(TypeUrls.RESOURCE)).contains(route);

    // Deleting the route pushes its removal to the proxy.
    client.resources(HTTPRoute.class).inNamespace("default").withName("web").delete();
    proxy.await(WAIT, "route removed", p -> !p.names(TypeUrls.RESOURCE).contains(route));
    assertThat(proxy.removedAt(route)).isNotNull();
    proxy.close();
  }

  @Test
  void aRestartedControllerFindsItsStatusesInPlaceAndWritesNone() throws Exception {
    apply("""
        apiVersion: gateway.networking.k8s.io/v1
        kind: Gateway
        metadata: {name: gw-restart, namespace: default}
        spec:
          gatewayClassName: agentgateway-jcp
          listeners:
          - {name: http, port: 8082, protocol: HTTP}
        ---
        apiVersion: gateway.networking.k8s.io/v1
        kind: HTTPRoute
        metadata: {name: shared, namespace: default}
        spec:
          parentRefs: [{name: gw-restart}, {name: theirs}]
          rules:
          - backendRefs: [{name: echo, port: 80}]
        """);
    client.resources(HTTPRoute.class).inNamespace("default").withName("shared")
        .waitUntilCondition(r -> r.getStatus() != null && r.getStatus().getParents().size() == 1, WAIT.toSeconds(), TimeUnit.SECONDS);
    // Another controller appends its entry after ours, as a second implementation sharing the
    // route would.
    for (int attempt = 1; ; attempt++) {
      HTTPRoute latest = client.resources(HTTPRoute.class).inNamespace("default").withName("shared").get();
      latest.getStatus().getParents().add(new RouteParentStatusBuilder()
          .withControllerName("example.com/other-controller")
          .withNewParentRef().withName("theirs").endParentRef()
          .withConditions(new io.fabric8.kubernetes.api.model.ConditionBuilder()
              .withType("Accepted").withStatus("True").withReason("Accepted").withMessage("theirs")
              .withLastTransitionTime("2026-01-01T00:00:00Z").withObservedGeneration(1L).build())
          .build());
      try {
        client.resource(latest).updateStatus();
        break;
      } catch (io.fabric8.kubernetes.client.KubernetesClientException e) {
        if (e.getCode() != 409 || attempt == 5) {
          throw e;
        }
      }
    }
    Thread.sleep(1_000);
    String before = client.resources(HTTPRoute.class).inNamespace("default").withName("shared").get()
        .getMetadata().getResourceVersion();

    // A second replica starting up (a restart, or a new leader) checks every status it computes.
    int logged = SOURCE_LOG.list.size();
    try (KubernetesControlPlane restarted = RealApiServer.startControlPlane(client,
        new KubernetesControlPlane.Options("default", "agentgateway-jcp-test-restart", "replica-2", false, null))) {
      var writer = restarted.statusWriter();
      long deadline = System.nanoTime() + WAIT.toNanos();
      while (writer.unchanged() + writer.writes() < 3 && System.nanoTime() < deadline) {
        Thread.sleep(100);
      }
      Thread.sleep(1_000);
      assertThat(writer.unchanged()).isGreaterThanOrEqualTo(3);
      assertThat(writer.writes()).isZero();
    } finally {
      // Its start-up messages are not the ones the missing-CRD test counts.
      synchronized (SOURCE_LOG.list) {
        SOURCE_LOG.list.subList(logged, SOURCE_LOG.list.size()).clear();
      }
    }
    assertThat(client.resources(HTTPRoute.class).inNamespace("default").withName("shared").get()
        .getMetadata().getResourceVersion()).isEqualTo(before);
  }

  @Test
  void tlsAndTcpRoutesGetStatusesAndReachTheProxy() {
    apply("""
        apiVersion: gateway.networking.k8s.io/v1
        kind: Gateway
        metadata: {name: l4, namespace: default}
        spec:
          gatewayClassName: agentgateway-jcp
          listeners:
          - {name: tls, port: 8443, protocol: TLS, hostname: "*.example.com", tls: {mode: Passthrough}}
          - {name: tcp, port: 9000, protocol: TCP}
        ---
        apiVersion: gateway.networking.k8s.io/v1
        kind: TLSRoute
        metadata: {name: secure, namespace: default}
        spec:
          parentRefs: [{name: l4}]
          hostnames: [a.example.com]
          rules:
          - backendRefs: [{name: echo, port: 8080}]
        ---
        apiVersion: gateway.networking.k8s.io/v1alpha2
        kind: TCPRoute
        metadata: {name: plain, namespace: default}
        spec:
          parentRefs: [{name: l4, sectionName: tcp}]
          rules:
          - backendRefs: [{name: missing, port: 9000}]
        """);
    AgentgatewayTestClient proxy = new AgentgatewayTestClient(channel, "default", "l4", "");
    proxy.connect();
    proxy.await(WAIT, "binds, listeners and TCP routes",
        p -> p.names(TypeUrls.RESOURCE).stream().filter(n -> n.startsWith("tcp_route/")).count() == 2);
    assertThat(proxy.names(TypeUrls.RESOURCE))
        .contains("bind/8443/default/l4", "bind/9000/default/l4", "listener/default/l4.tls", "listener/default/l4.tcp");

    TLSRoute secure = client.resources(TLSRoute.class).inNamespace("default").withName("secure")
        .waitUntilCondition(r -> r.getStatus() != null && !r.getStatus().getParents().isEmpty(), WAIT.toSeconds(), TimeUnit.SECONDS);
    assertThat(Await.condition(secure.getStatus().getParents().get(0).getConditions(), "Accepted").getStatus()).isEqualTo("True");
    // Written through v1 and read back through the older version the route was created with.
    var plain = client.resources(io.fabric8.kubernetes.api.model.gatewayapi.v1alpha2.TCPRoute.class)
        .inNamespace("default").withName("plain")
        .waitUntilCondition(r -> r.getStatus() != null && !r.getStatus().getParents().isEmpty(), WAIT.toSeconds(), TimeUnit.SECONDS);
    Condition resolved = Await.condition(plain.getStatus().getParents().get(0).getConditions(), "ResolvedRefs");
    assertThat(resolved.getReason()).isEqualTo("BackendNotFound");
    Gateway gateway = client.resources(Gateway.class).inNamespace("default").withName("l4")
        .waitUntilCondition(g -> g.getStatus() != null && g.getStatus().getListeners() != null
            && g.getStatus().getListeners().size() == 2
            && g.getStatus().getListeners().stream().allMatch(l -> l.getAttachedRoutes() == 1), WAIT.toSeconds(), TimeUnit.SECONDS);
    assertThat(gateway.getStatus().getListeners()).extracting(l -> l.getSupportedKinds().get(0).getKind())
        .containsExactly("TLSRoute", "TCPRoute");
    proxy.close();
  }

  @Test
  void listenerSetListenersReachTheProxyAndTheServiceAndBothGetStatus() {
    apply("""
        apiVersion: gateway.networking.k8s.io/v1
        kind: Gateway
        metadata: {name: lsgw, namespace: default}
        spec:
          gatewayClassName: agentgateway-jcp
          allowedListeners: {namespaces: {from: Same}}
          listeners:
          - {name: http, port: 8080, protocol: HTTP, hostname: www.example.com}
        ---
        apiVersion: gateway.networking.k8s.io/v1
        kind: ListenerSet
        metadata: {name: extra, namespace: default}
        spec:
          parentRef: {name: lsgw}
          listeners:
          - {name: http, port: 9090, protocol: HTTP, hostname: api.example.com}
        ---
        apiVersion: gateway.networking.k8s.io/v1
        kind: HTTPRoute
        metadata: {name: via-ls, namespace: default}
        spec:
          parentRefs: [{kind: ListenerSet, name: extra, sectionName: http}]
          rules:
          - backendRefs: [{name: echo, port: 80}]
        """);
    AgentgatewayTestClient proxy = new AgentgatewayTestClient(channel, "default", "lsgw", "");
    proxy.connect();
    // The ListenerSet's listener shares the Gateway's name "http" and still has its own key.
    proxy.await(WAIT, "the ListenerSet's listener and its route",
        p -> p.names(TypeUrls.RESOURCE).contains("listener/default/lsgw.default/extra.http")
            && p.names(TypeUrls.RESOURCE).stream().anyMatch(n -> n.startsWith("route/")));
    assertThat(proxy.names(TypeUrls.RESOURCE))
        .contains("bind/8080/default/lsgw", "bind/9090/default/lsgw", "listener/default/lsgw.http");

    ListenerSet ls = client.resources(ListenerSet.class).inNamespace("default").withName("extra")
        .waitUntilCondition(x -> x.getStatus() != null && x.getStatus().getListeners() != null
            && x.getStatus().getListeners().size() == 1
            && x.getStatus().getListeners().get(0).getAttachedRoutes() == 1, WAIT.toSeconds(), TimeUnit.SECONDS);
    assertThat(Await.condition(ls.getStatus().getConditions(), "Accepted").getStatus()).isEqualTo("True");
    client.resources(Gateway.class).inNamespace("default").withName("lsgw")
        .waitUntilCondition(g -> g.getStatus() != null && Integer.valueOf(1).equals(g.getStatus().getAttachedListenerSets()),
            WAIT.toSeconds(), TimeUnit.SECONDS);
    client.services().inNamespace("default").withName("lsgw")
        .waitUntilCondition(x -> x != null && x.getSpec().getPorts().stream().anyMatch(p -> p.getPort() == 9090),
            WAIT.toSeconds(), TimeUnit.SECONDS);

    // Moving the ListenerSet's listener to another port re-renders the Gateway's Service.
    apply("""
        apiVersion: gateway.networking.k8s.io/v1
        kind: ListenerSet
        metadata: {name: extra, namespace: default}
        spec:
          parentRef: {name: lsgw}
          listeners:
          - {name: http, port: 9191, protocol: HTTP, hostname: api.example.com}
        """);
    var service = client.services().inNamespace("default").withName("lsgw")
        .waitUntilCondition(x -> x.getSpec().getPorts().stream().anyMatch(p -> p.getPort() == 9191),
            WAIT.toSeconds(), TimeUnit.SECONDS);
    assertThat(service.getSpec().getPorts()).extracting(p -> p.getPort()).containsExactly(15021, 8080, 9191);
    proxy.close();
  }

  @Test
  void aProxyRejectionBecomesAnEventAndAConditionOnTheGateway() {
    apply("""
        apiVersion: gateway.networking.k8s.io/v1
        kind: Gateway
        metadata: {name: picky, namespace: default}
        spec:
          gatewayClassName: agentgateway-jcp
          listeners:
          - {name: http, port: 8081, protocol: HTTP}
        ---
        apiVersion: gateway.networking.k8s.io/v1
        kind: HTTPRoute
        metadata: {name: rejected, namespace: default}
        spec:
          parentRefs: [{name: picky}]
          rules:
          - backendRefs: [{name: echo, port: 80}]
        """);
    AgentgatewayTestClient proxy = new AgentgatewayTestClient(channel, "default", "picky", "picky-pod-1");
    proxy.validator((type, r) -> r.getName().startsWith("route/")
        ? AgentgatewayTestClient.Verdict.REJECT : AgentgatewayTestClient.Verdict.ACCEPT);
    proxy.connect();

    Gateway gateway = client.resources(Gateway.class).inNamespace("default").withName("picky")
        .waitUntilCondition(g -> g.getStatus() != null && g.getStatus().getConditions().stream()
            .anyMatch(c -> c.getType().equals(RejectionReporter.CONDITION_TYPE)), WAIT.toSeconds(), TimeUnit.SECONDS);
    Condition rejected = Await.condition(gateway.getStatus().getConditions(), RejectionReporter.CONDITION_TYPE);
    assertThat(rejected.getStatus()).isEqualTo("False");
    assertThat(rejected.getReason()).isEqualTo("Rejected");
    assertThat(rejected.getMessage()).contains("route/").contains("picky-pod-1").contains("test rejection");
    assertThat(Await.condition(gateway.getStatus().getConditions(), "Accepted").getStatus()).isEqualTo("True");

    // The Event and the condition are written independently; wait for the Event too.
    java.util.function.Supplier<java.util.List<io.fabric8.kubernetes.api.model.Event>> rejections =
        () -> client.v1().events().inNamespace("default").list().getItems().stream()
            .filter(e -> "picky".equals(e.getInvolvedObject().getName()) && "ConfigRejected".equals(e.getReason()))
            .toList();
    Await.until(WAIT, "a ConfigRejected Event on Gateway picky", () -> !rejections.get().isEmpty());
    var events = rejections.get();
    assertThat(events.get(0).getType()).isEqualTo("Warning");
    assertThat(events.get(0).getMessage()).contains("picky-pod-1").contains("route/");

    // The proxy accepts the next version: the condition goes away.
    proxy.validator((type, r) -> AgentgatewayTestClient.Verdict.ACCEPT);
    apply("""
        apiVersion: gateway.networking.k8s.io/v1
        kind: HTTPRoute
        metadata: {name: rejected, namespace: default}
        spec:
          parentRefs: [{name: picky}]
          hostnames: [fixed.example.com]
          rules:
          - backendRefs: [{name: echo, port: 80}]
        """);
    client.resources(Gateway.class).inNamespace("default").withName("picky")
        .waitUntilCondition(g -> g.getStatus().getConditions().stream()
            .noneMatch(c -> c.getType().equals(RejectionReporter.CONDITION_TYPE)), WAIT.toSeconds(), TimeUnit.SECONDS);
    proxy.close();
  }

}
