package dev.agentgatewayjcp.controller.xds;

import static dev.agentgatewayjcp.controller.xds.XdsTestFixtures.bind;
import static dev.agentgatewayjcp.controller.xds.XdsTestFixtures.route;
import static dev.agentgatewayjcp.controller.xds.XdsTestFixtures.service;
import static org.assertj.core.api.Assertions.assertThat;

import dev.agentgatewayjcp.api.discovery.DeltaDiscoveryRequest;
import dev.agentgatewayjcp.api.discovery.DeltaDiscoveryResponse;
import dev.agentgatewayjcp.api.wire.TypeUrls;
import dev.agentgatewayjcp.controller.xds.AgentgatewayTestClient.Verdict;
import dev.agentgatewayjcp.controller.xds.RejectedResource.Severity;
import dev.agentgatewayjcp.controller.xds.XdsCache.Change;
import dev.agentgatewayjcp.translator.output.GatewayKey;
import dev.agentgatewayjcp.translator.output.XdsResource;
import io.grpc.ManagedChannel;
import io.grpc.Metadata;
import io.grpc.Status;
import io.grpc.netty.shaded.io.grpc.netty.NettyChannelBuilder;
import io.prometheus.metrics.expositionformats.PrometheusTextFormatWriter;
import io.prometheus.metrics.model.registry.PrometheusRegistry;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * Exercises the Delta ADS server over a real Netty gRPC server on loopback, with clients that
 * speak as agentgateway v1.4.1 does.
 */
class DeltaAdsServerTest {

  private static final Duration WAIT = Duration.ofSeconds(10);
  private static final GatewayKey GW_A = new GatewayKey("ns", "a");
  private static final GatewayKey GW_B = new GatewayKey("ns", "b");

  private final XdsCache cache = new XdsCache();
  private final List<List<RejectedResource>> nacks = new CopyOnWriteArrayList<>();
  private final PrometheusRegistry registry = new PrometheusRegistry();
  private final List<AgentgatewayTestClient> clients = new ArrayList<>();
  private XdsServer server;
  private ManagedChannel channel;

  private void start(XdsServerConfig config, XdsAuthenticator authenticator) throws IOException {
    XdsServerCallbacks recordNacks =
        new XdsServerCallbacks() {
          @Override
          public void onNack(
              ProxyIdentity proxy, String typeUrl, String nonce, List<RejectedResource> rejected) {
            nacks.add(rejected);
          }
        };
    server =
        new XdsServer(
                config.withHost("127.0.0.1").withPort(0),
                cache,
                authenticator,
                XdsServerCallbacks.compose(List.of(new XdsMetrics(registry), recordNacks)))
            .start();
    channel = NettyChannelBuilder.forAddress("127.0.0.1", server.port()).usePlaintext().build();
  }

  private void start() throws IOException {
    cache.markReady();
    start(XdsServerConfig.defaults(), XdsAuthenticator.ALLOW_ALL);
  }

  private AgentgatewayTestClient client(GatewayKey gateway, String pod) {
    AgentgatewayTestClient client =
        new AgentgatewayTestClient(channel, gateway.namespace(), gateway.name(), pod);
    clients.add(client);
    return client;
  }

  @AfterEach
  void stop() {
    clients.forEach(AgentgatewayTestClient::close);
    if (channel != null) {
      channel.shutdownNow();
    }
    if (server != null) {
      server.shutdown(Duration.ofSeconds(1));
    }
  }

  @Test
  void answersEachTypeOnConnectEvenWhenEmptyAddressFirst() throws IOException {
    start();
    AgentgatewayTestClient proxy = client(GW_A, "a-1").connect();

    proxy.await(WAIT, "both initial responses", AgentgatewayTestClient::hasInitialResponses);

    List<DeltaDiscoveryResponse> responses = proxy.responses();
    assertThat(responses).extracting(DeltaDiscoveryResponse::getTypeUrl)
        .containsExactly(TypeUrls.ADDRESS, TypeUrls.RESOURCE);
    assertThat(responses).allSatisfy(r -> {
      assertThat(r.getResourcesList()).isEmpty();
      assertThat(r.getRemovedResourcesList()).isEmpty();
      assertThat(r.getNonce()).isNotEmpty();
    });
    assertThat(responses.get(0).getNonce()).isNotEqualTo(responses.get(1).getNonce());
    // The proxy ACKs each response with its nonce.
    proxy.await(WAIT, "ACKs sent", p -> p.sentRequests().size() == 4);
    assertThat(proxy.sentRequests().subList(2, 4))
        .extracting(DeltaDiscoveryRequest::getResponseNonce)
        .containsExactly(responses.get(0).getNonce(), responses.get(1).getNonce());
  }

  @Test
  void unknownGatewayGetsEmptyViewAndIsUpdatedWhenItAppears() throws IOException {
    start();
    AgentgatewayTestClient proxy = client(GW_B, "b-1").connect();
    proxy.await(WAIT, "initial responses", AgentgatewayTestClient::hasInitialResponses);
    assertThat(proxy.names(TypeUrls.RESOURCE)).isEmpty();

    cache.apply(List.of(Change.replace(GW_B, TypeUrls.RESOURCE, List.of(bind("ns", "b", 80)))));

    proxy.await(WAIT, "the bind", p -> p.names(TypeUrls.RESOURCE).equals(java.util.Set.of("bind/80/ns/b")));
  }

  @Test
  void aChangeReachesExactlyTheProxiesWhoseViewHoldsIt() throws IOException {
    start();
    AgentgatewayTestClient a1 = client(GW_A, "a-1").connect();
    AgentgatewayTestClient a2 = client(GW_A, "a-2").connect();
    AgentgatewayTestClient b1 = client(GW_B, "b-1").connect();
    for (AgentgatewayTestClient c : List.of(a1, a2, b1)) {
      c.await(WAIT, "initial responses", AgentgatewayTestClient::hasInitialResponses);
    }
    int bResponsesBefore = b1.responses().size();

    // Add one route to Gateway A only.
    XdsResource r1 = route("ns", "r1", 1);
    cache.apply(List.of(Change.delta(GW_A, TypeUrls.RESOURCE, List.of(r1), List.of())));
    for (AgentgatewayTestClient c : List.of(a1, a2)) {
      c.await(WAIT, "r1", p -> p.names(TypeUrls.RESOURCE).contains(r1.name()));
      DeltaDiscoveryResponse last = lastOfType(c, TypeUrls.RESOURCE);
      assertThat(last.getResourcesList()).extracting(r -> r.getName()).containsExactly(r1.name());
      assertThat(last.getResourcesList().get(0).getVersion()).isEqualTo(r1.version());
      assertThat(last.getRemovedResourcesList()).isEmpty();
    }

    // Change it: only that name, new version.
    XdsResource r1v2 = route("ns", "r1", 2);
    cache.apply(List.of(Change.delta(GW_A, TypeUrls.RESOURCE, List.of(r1v2), List.of())));
    for (AgentgatewayTestClient c : List.of(a1, a2)) {
      c.await(WAIT, "r1 v2", p -> r1v2.version().equals(p.versions(TypeUrls.RESOURCE).get(r1.name())));
      DeltaDiscoveryResponse last = lastOfType(c, TypeUrls.RESOURCE);
      assertThat(last.getResourcesList()).extracting(r -> r.getName()).containsExactly(r1.name());
    }

    // Re-publishing identical content pushes nothing.
    int a1Before = a1.responses().size();
    assertThat(cache.apply(List.of(Change.delta(GW_A, TypeUrls.RESOURCE, List.of(route("ns", "r1", 2)), List.of()))))
        .isZero();

    // Remove it: exactly that name in removed_resources.
    cache.apply(List.of(Change.delta(GW_A, TypeUrls.RESOURCE, List.of(), List.of(r1.name()))));
    for (AgentgatewayTestClient c : List.of(a1, a2)) {
      c.await(WAIT, "r1 removed", p -> p.names(TypeUrls.RESOURCE).isEmpty());
      DeltaDiscoveryResponse last = lastOfType(c, TypeUrls.RESOURCE);
      assertThat(last.getResourcesList()).isEmpty();
      assertThat(last.getRemovedResourcesList()).containsExactly(r1.name());
    }
    assertThat(a1.responses()).hasSize(a1Before + 1);

    // An Address both Gateways need reaches both; B saw nothing of A's route.
    XdsResource svc = service("ns", "echo", 8080);
    cache.apply(List.of(
        Change.delta(GW_A, TypeUrls.ADDRESS, List.of(svc), List.of()),
        Change.delta(GW_B, TypeUrls.ADDRESS, List.of(svc), List.of())));
    for (AgentgatewayTestClient c : List.of(a1, a2, b1)) {
      c.await(WAIT, "the service", p -> p.names(TypeUrls.ADDRESS).equals(java.util.Set.of(svc.name())));
    }
    List<DeltaDiscoveryResponse> bAfter = b1.responses().subList(bResponsesBefore, b1.responses().size());
    assertThat(bAfter).extracting(DeltaDiscoveryResponse::getTypeUrl).containsExactly(TypeUrls.ADDRESS);
  }

  @Test
  void reconnectWithStaleVersionsGetsRemovalsAndChangedResourcesOnly() throws IOException {
    start();
    XdsResource r1 = route("ns", "r1", 1);
    XdsResource r2 = route("ns", "r2", 1);
    XdsResource r3 = route("ns", "r3", 1);
    cache.apply(List.of(Change.replace(GW_A, TypeUrls.RESOURCE, List.of(r1, r2, r3))));
    AgentgatewayTestClient proxy = client(GW_A, "a-1").connect();
    proxy.await(WAIT, "three routes", p -> p.names(TypeUrls.RESOURCE).size() == 3);

    proxy.disconnect();
    XdsResource r1v2 = route("ns", "r1", 2);
    XdsResource r4 = route("ns", "r4", 1);
    cache.apply(List.of(Change.replace(GW_A, TypeUrls.RESOURCE, List.of(r1v2, r3, r4))));
    int before = proxy.responses().size();
    proxy.connect();

    proxy.await(WAIT, "resync", p -> p.versions(TypeUrls.RESOURCE).equals(Map.of(
        r1.name(), r1v2.version(), r3.name(), r3.version(), r4.name(), r4.version())));
    DeltaDiscoveryRequest initial = proxy.sentRequests().stream()
        .filter(r -> r.hasNode() && r.getTypeUrl().equals(TypeUrls.RESOURCE))
        .reduce((first, second) -> second).orElseThrow();
    assertThat(initial.getInitialResourceVersionsMap()).containsOnlyKeys(r1.name(), r2.name(), r3.name());
    DeltaDiscoveryResponse resync = proxy.responses().subList(before, proxy.responses().size()).stream()
        .filter(r -> r.getTypeUrl().equals(TypeUrls.RESOURCE)).findFirst().orElseThrow();
    assertThat(resync.getResourcesList()).extracting(r -> r.getName())
        .containsExactlyInAnyOrder(r1.name(), r4.name());
    assertThat(resync.getRemovedResourcesList()).containsExactly(r2.name());
  }

  @Test
  void nacksAreParsedRecordedAndSurfaced() throws IOException {
    start();
    XdsResource bad = route("ns", "bad", 1);
    XdsResource odd = route("ns", "odd", 1);
    XdsResource good = route("ns", "good", 1);
    AgentgatewayTestClient proxy = client(GW_A, "a-1");
    proxy.validator((type, r) -> r.getName().equals(bad.name()) ? Verdict.REJECT
        : r.getName().equals(odd.name()) ? Verdict.WARN : Verdict.ACCEPT);
    proxy.connect();
    proxy.await(WAIT, "initial", AgentgatewayTestClient::hasInitialResponses);

    cache.apply(List.of(Change.delta(GW_A, TypeUrls.RESOURCE, List.of(bad, odd, good), List.of())));

    proxy.await(WAIT, "good and odd held", p -> p.names(TypeUrls.RESOURCE).equals(java.util.Set.of(good.name(), odd.name())));
    awaitTrue(() -> !nacks.isEmpty(), "NACK callback");
    assertThat(nacks.get(0)).containsExactlyInAnyOrder(
        new RejectedResource(TypeUrls.RESOURCE, bad.name(), bad.version(), Severity.ERROR, "test rejection"),
        new RejectedResource(TypeUrls.RESOURCE, odd.name(), odd.version(), Severity.WARNING, "test warning"));
    awaitTrue(() -> !server.service().connections().get(0).types().get(TypeUrls.RESOURCE).rejections().isEmpty(), "recorded");
    ConnectionSnapshot snapshot = server.service().connections().get(0);
    assertThat(snapshot.proxy().gateway()).isEqualTo(GW_A);
    assertThat(snapshot.types().get(TypeUrls.RESOURCE).rejections())
        .extracting(RejectedResource::name, RejectedResource::severity)
        .containsExactlyInAnyOrder(
            org.assertj.core.groups.Tuple.tuple(bad.name(), Severity.ERROR),
            org.assertj.core.groups.Tuple.tuple(odd.name(), Severity.WARNING));
    String metrics = scrape();
    assertThat(metrics).contains("agentgateway_jcp_xds_rejected_resources_total{severity=\"error\",type=\"Resource\"} 1.0");
    assertThat(metrics).contains("agentgateway_jcp_xds_rejected_resources_total{severity=\"warning\",type=\"Resource\"} 1.0");

    // A fixed version replaces the rejection.
    proxy.validator((type, r) -> Verdict.ACCEPT);
    XdsResource fixed = route("ns", "bad", 2);
    cache.apply(List.of(Change.delta(GW_A, TypeUrls.RESOURCE, List.of(fixed), List.of())));
    proxy.await(WAIT, "fixed", p -> p.names(TypeUrls.RESOURCE).contains(fixed.name()));
    assertThat(server.service().connections().get(0).types().get(TypeUrls.RESOURCE).rejections())
        .extracting(RejectedResource::name).containsExactly(odd.name());
  }

  @Test
  void refusesStreamsUntilTheFirstSnapshotIsReady() throws IOException {
    start(XdsServerConfig.defaults(), XdsAuthenticator.ALLOW_ALL);
    AgentgatewayTestClient early = client(GW_A, "a-1").connect();
    early.await(WAIT, "refusal", p -> p.lastError() != null);
    assertThat(early.lastError().getCode()).isEqualTo(Status.Code.UNAVAILABLE);

    cache.markReady();
    AgentgatewayTestClient later = client(GW_A, "a-2").connect();
    later.await(WAIT, "initial", AgentgatewayTestClient::hasInitialResponses);
    assertThat(scrape()).contains("agentgateway_jcp_xds_rejected_streams_total{reason=\"not ready\"} 1.0");
  }

  @Test
  void rejectsNodesWithoutGatewayAndUnauthenticatedStreams() throws IOException {
    cache.markReady();
    XdsAuthenticator onlyA = (identity, headers) -> identity.gateway().equals(GW_A)
        ? Status.OK : Status.PERMISSION_DENIED.withDescription("not yours");
    start(XdsServerConfig.defaults(), onlyA);

    AgentgatewayTestClient nameless = new AgentgatewayTestClient(channel, "", "", "x");
    clients.add(nameless);
    nameless.connect().await(WAIT, "refusal", p -> p.lastError() != null);
    assertThat(nameless.lastError().getCode()).isEqualTo(Status.Code.INVALID_ARGUMENT);

    AgentgatewayTestClient intruder = client(GW_B, "b-1").connect();
    intruder.await(WAIT, "refusal", p -> p.lastError() != null);
    assertThat(intruder.lastError().getCode()).isEqualTo(Status.Code.PERMISSION_DENIED);
    assertThat(intruder.responses()).isEmpty();

    client(GW_A, "a-1").connect().await(WAIT, "initial", AgentgatewayTestClient::hasInitialResponses);
  }

  @Test
  void authenticatorSeesRequestHeaders() throws IOException {
    cache.markReady();
    Metadata.Key<String> auth = Metadata.Key.of("authorization", Metadata.ASCII_STRING_MARSHALLER);
    List<String> seen = new CopyOnWriteArrayList<>();
    start(XdsServerConfig.defaults(), (identity, headers) -> {
      seen.add(String.valueOf(headers.get(auth)));
      return Status.OK;
    });
    ManagedChannel withToken = NettyChannelBuilder.forAddress("127.0.0.1", server.port()).usePlaintext()
        .intercept(io.grpc.stub.MetadataUtils.newAttachHeadersInterceptor(headersWith(auth, "Bearer t0ken")))
        .build();
    try {
      AgentgatewayTestClient proxy = new AgentgatewayTestClient(withToken, "ns", "a", "a-1");
      clients.add(proxy);
      proxy.connect().await(WAIT, "initial", AgentgatewayTestClient::hasInitialResponses);
      assertThat(seen).containsExactly("Bearer t0ken");
    } finally {
      withToken.shutdownNow();
    }
  }

  @Test
  void splitsLargeInitialStatesBelowTheConfiguredSize() throws IOException {
    cache.markReady();
    start(XdsServerConfig.defaults().withMaxResponseBytes(4096), XdsAuthenticator.ALLOW_ALL);
    List<XdsResource> routes = new ArrayList<>();
    for (int i = 0; i < 200; i++) {
      routes.add(XdsTestFixtures.bigRoute("ns", "r" + i, 1, 200));
    }
    cache.apply(List.of(Change.replace(GW_A, TypeUrls.RESOURCE, routes)));

    AgentgatewayTestClient proxy = client(GW_A, "a-1").connect();
    proxy.await(WAIT, "all routes", p -> p.names(TypeUrls.RESOURCE).size() == 200);

    List<DeltaDiscoveryResponse> resourceResponses = proxy.responses().stream()
        .filter(r -> r.getTypeUrl().equals(TypeUrls.RESOURCE)).toList();
    assertThat(resourceResponses).hasSizeGreaterThan(5);
    assertThat(resourceResponses).allSatisfy(r -> assertThat(r.getSerializedSize()).isLessThanOrEqualTo(4096));
    assertThat(resourceResponses.stream().mapToInt(DeltaDiscoveryResponse::getResourcesCount).sum()).isEqualTo(200);
  }

  @Test
  void maxConnectionAgeEndsStreamsAndTheReconnectResendsNothing() throws IOException {
    cache.markReady();
    start(XdsServerConfig.defaults().withMaxConnectionAge(Duration.ofMillis(700), Duration.ofMillis(200)),
        XdsAuthenticator.ALLOW_ALL);
    XdsResource r1 = route("ns", "r1", 1);
    cache.apply(List.of(Change.replace(GW_A, TypeUrls.RESOURCE, List.of(r1))));
    AgentgatewayTestClient proxy = client(GW_A, "a-1").connect();
    proxy.await(WAIT, "r1", p -> p.names(TypeUrls.RESOURCE).contains(r1.name()));

    proxy.await(WAIT, "the server to end the aged connection", p -> !p.isStreamOpen());
    int before = proxy.responses().size();
    proxy.connect();
    proxy.await(WAIT, "initial responses after reconnect", p -> p.responses().size() >= before + 2);

    DeltaDiscoveryResponse resync = proxy.responses().subList(before, proxy.responses().size()).stream()
        .filter(r -> r.getTypeUrl().equals(TypeUrls.RESOURCE)).findFirst().orElseThrow();
    assertThat(resync.getResourcesList()).isEmpty();
    assertThat(resync.getRemovedResourcesList()).isEmpty();
    assertThat(proxy.names(TypeUrls.RESOURCE)).containsExactly(r1.name());
  }

  @Test
  void exposesPushMetrics() throws IOException {
    start();
    client(GW_A, "a-1").connect().await(WAIT, "initial", AgentgatewayTestClient::hasInitialResponses);
    cache.apply(List.of(Change.delta(GW_A, TypeUrls.RESOURCE, List.of(route("ns", "r", 1)), List.of())));
    clients.get(0).await(WAIT, "route", p -> p.names(TypeUrls.RESOURCE).size() == 1);
    awaitTrue(() -> scrape().contains("agentgateway_jcp_xds_pushes_total{type=\"Resource\"} 2.0"), "push counter");
    String metrics = scrape();
    assertThat(metrics).contains("agentgateway_jcp_xds_connected_proxies 1.0");
    assertThat(metrics).contains("agentgateway_jcp_xds_pushed_resources_total{op=\"upsert\",type=\"Resource\"} 1.0");
    assertThat(metrics).contains("agentgateway_jcp_xds_push_latency_seconds_count{type=\"Resource\"} 2");
    assertThat(metrics).contains("agentgateway_jcp_xds_pushed_bytes_total{type=\"Resource\"}");
  }

  private static Metadata headersWith(Metadata.Key<String> key, String value) {
    Metadata headers = new Metadata();
    headers.put(key, value);
    return headers;
  }

  private String scrape() {
    try {
      ByteArrayOutputStream out = new ByteArrayOutputStream();
      PrometheusTextFormatWriter.create().write(out, registry.scrape());
      return out.toString(StandardCharsets.UTF_8);
    } catch (IOException e) {
      throw new java.io.UncheckedIOException(e);
    }
  }

  static DeltaDiscoveryResponse lastOfType(AgentgatewayTestClient client, String typeUrl) {
    List<DeltaDiscoveryResponse> all = client.responses();
    for (int i = all.size() - 1; i >= 0; i--) {
      if (all.get(i).getTypeUrl().equals(typeUrl)) {
        return all.get(i);
      }
    }
    throw new AssertionError("no response of type " + typeUrl);
  }

  static void awaitTrue(java.util.function.BooleanSupplier condition, String what) {
    long deadline = System.nanoTime() + WAIT.toNanos();
    while (!condition.getAsBoolean()) {
      if (System.nanoTime() > deadline) {
        throw new AssertionError("timed out waiting for " + what);
      }
      try {
        Thread.sleep(5);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        throw new AssertionError(e);
      }
    }
  }
}
