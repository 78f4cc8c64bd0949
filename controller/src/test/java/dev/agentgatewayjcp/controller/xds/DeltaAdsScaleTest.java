package dev.agentgatewayjcp.controller.xds;

import static org.assertj.core.api.Assertions.assertThat;

import dev.agentgatewayjcp.api.discovery.AggregatedDiscoveryServiceGrpc;
import dev.agentgatewayjcp.api.discovery.DeltaDiscoveryRequest;
import dev.agentgatewayjcp.api.discovery.DeltaDiscoveryResponse;
import dev.agentgatewayjcp.api.wire.TypeUrls;
import dev.agentgatewayjcp.controller.xds.XdsCache.Change;
import dev.agentgatewayjcp.translator.output.GatewayKey;
import dev.agentgatewayjcp.translator.output.XdsResource;
import io.grpc.ManagedChannel;
import io.grpc.netty.shaded.io.grpc.netty.NettyChannelBuilder;
import io.grpc.stub.ClientCallStreamObserver;
import io.grpc.stub.ClientResponseObserver;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.TreeMap;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** Many proxies, many changes, and a proxy that never reads: nobody is lost or held up. */
class DeltaAdsScaleTest {

  private final XdsCache cache = new XdsCache();
  private final List<ManagedChannel> channels = new ArrayList<>();
  private final List<AgentgatewayTestClient> clients = new ArrayList<>();
  private XdsServer server;

  @AfterEach
  void stop() {
    clients.forEach(AgentgatewayTestClient::close);
    channels.forEach(ManagedChannel::shutdownNow);
    if (server != null) {
      server.shutdown(Duration.ofSeconds(1));
    }
  }

  private void start(XdsServerConfig config) throws Exception {
    cache.markReady();
    server =
        new XdsServer(
                config.withHost("127.0.0.1").withPort(0),
                cache,
                XdsAuthenticator.ALLOW_ALL,
                XdsServerCallbacks.NONE)
            .start();
  }

  private ManagedChannel channel() {
    ManagedChannel channel =
        NettyChannelBuilder.forAddress("127.0.0.1", server.port()).usePlaintext().build();
    channels.add(channel);
    return channel;
  }

  @Test
  void fiveHundredProxiesConvergeAfterAThousandChanges() throws Exception {
    start(XdsServerConfig.defaults());
    List<GatewayKey> gateways = new ArrayList<>();
    for (int g = 0; g < 5; g++) {
      gateways.add(new GatewayKey("ns" + g, "gw"));
    }
    for (int i = 0; i < 10; i++) {
      channel();
    }
    for (int i = 0; i < 500; i++) {
      GatewayKey gateway = gateways.get(i % gateways.size());
      AgentgatewayTestClient client =
          new AgentgatewayTestClient(
              channels.get(i % channels.size()), gateway.namespace(), gateway.name(), "pod-" + i);
      clients.add(client.connect());
    }
    for (AgentgatewayTestClient client : clients) {
      client.await(Duration.ofSeconds(60), "initial responses", AgentgatewayTestClient::hasInitialResponses);
    }

    Random random = new Random(42);
    for (int change = 0; change < 1000; change++) {
      GatewayKey gateway = gateways.get(random.nextInt(gateways.size()));
      int op = random.nextInt(10);
      if (op < 6) {
        XdsResource route = XdsTestFixtures.route(gateway.namespace(), "r" + random.nextInt(60), change);
        cache.apply(List.of(Change.delta(gateway, TypeUrls.RESOURCE, List.of(route), List.of())));
      } else if (op < 8) {
        String name = "route/" + gateway.namespace() + "/r" + random.nextInt(60) + ".00.00";
        cache.apply(List.of(Change.delta(gateway, TypeUrls.RESOURCE, List.of(), List.of(name))));
      } else {
        // A Service shared by two Gateways changes for both in one batch.
        XdsResource service = XdsTestFixtures.service("shared", "s" + random.nextInt(20), 1000 + change);
        GatewayKey other = gateways.get(random.nextInt(gateways.size()));
        cache.apply(List.of(
            Change.delta(gateway, TypeUrls.ADDRESS, List.of(service), List.of()),
            Change.delta(other, TypeUrls.ADDRESS, List.of(service), List.of())));
      }
    }

    for (int i = 0; i < clients.size(); i++) {
      AgentgatewayTestClient client = clients.get(i);
      GatewayKey gateway = gateways.get(i % gateways.size());
      for (String type : AgentgatewayTestClient.SUBSCRIPTION_ORDER) {
        Map<String, String> expected = versionsOf(cache.view(gateway, type));
        client.await(Duration.ofSeconds(60), "convergence of " + gateway + " " + type,
            c -> c.versions(type).equals(expected));
      }
    }
    assertThat(server.service().connectionCount()).isEqualTo(500);
    // Every connection is idle: nothing pending, nothing lost.
    assertThat(server.service().connections())
        .allSatisfy(c -> c.types().values().forEach(t -> assertThat(t.pendingNames()).isZero()));
  }

  @Test
  void aProxyThatNeverReadsHoldsUpNobodyAndStaysBounded() throws Exception {
    start(XdsServerConfig.defaults().withMaxResponseBytes(256 * 1024));
    GatewayKey gateway = new GatewayKey("ns", "gw");

    AtomicInteger stuckReceived = new AtomicInteger();
    ClientCallStreamObserver<DeltaDiscoveryRequest>[] stuckStream = new ClientCallStreamObserver[1];
    AggregatedDiscoveryServiceGrpc.newStub(channel()).deltaAggregatedResources(
        new ClientResponseObserver<DeltaDiscoveryRequest, DeltaDiscoveryResponse>() {
          @Override
          public void beforeStart(ClientCallStreamObserver<DeltaDiscoveryRequest> stream) {
            // Never asks for a message: the transport's flow-control window fills and stays full.
            stream.disableAutoRequestWithInitial(0);
            stuckStream[0] = stream;
          }

          @Override
          public void onNext(DeltaDiscoveryResponse value) {
            stuckReceived.incrementAndGet();
          }

          @Override
          public void onError(Throwable t) {}

          @Override
          public void onCompleted() {}
        });
    AgentgatewayTestClient template = new AgentgatewayTestClient(channels.get(0), "ns", "gw", "stuck");
    for (String type : AgentgatewayTestClient.SUBSCRIPTION_ORDER) {
      stuckStream[0].onNext(DeltaDiscoveryRequest.newBuilder().setNode(template.node()).setTypeUrl(type).build());
    }

    AgentgatewayTestClient healthy = new AgentgatewayTestClient(channel(), "ns", "gw", "healthy").connect();
    clients.add(healthy);
    healthy.await(Duration.ofSeconds(10), "initial", AgentgatewayTestClient::hasInitialResponses);

    // 2,000 changes of 20 KiB resources over 100 names: 40 MB if anything queued per change.
    for (int change = 0; change < 2000; change++) {
      XdsResource route = XdsTestFixtures.bigRoute("ns", "r" + (change % 100), change, 20 * 1024);
      cache.apply(List.of(Change.delta(gateway, TypeUrls.RESOURCE, List.of(route), List.of())));
    }
    Map<String, String> expected = versionsOf(cache.view(gateway, TypeUrls.RESOURCE));
    healthy.await(Duration.ofSeconds(60), "healthy proxy converges", c -> c.versions(TypeUrls.RESOURCE).equals(expected));

    ConnectionSnapshot stuck = server.service().connections().stream()
        .filter(c -> c.proxy().podName().equals("stuck")).findFirst().orElseThrow();
    assertThat(stuckReceived.get()).isZero();
    // What waits for the stuck proxy is a set of names, never more than the view holds...
    assertThat(stuck.types().get(TypeUrls.RESOURCE).pendingNames()).isLessThanOrEqualTo(100);
    // ...and the server stopped building responses once the transport said it was full.
    assertThat(stuck.bytesSent()).isLessThan(8L * 1024 * 1024);
    assertThat(stuck.bytesSent()).isLessThan(healthy.bytesReceived() / 4);
    stuckStream[0].cancel("done", null);
  }

  private static Map<String, String> versionsOf(Map<String, XdsResource> view) {
    Map<String, String> result = new TreeMap<>();
    view.forEach((name, resource) -> result.put(name, resource.version()));
    return result;
  }
}
