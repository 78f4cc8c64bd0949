package dev.agentgatewayjcp.controller.xds;

import dev.agentgatewayjcp.api.wire.TypeUrls;
import dev.agentgatewayjcp.controller.xds.XdsCache.Change;
import dev.agentgatewayjcp.translator.output.GatewayKey;
import dev.agentgatewayjcp.translator.output.XdsResource;
import io.grpc.ManagedChannel;
import io.grpc.netty.shaded.io.grpc.netty.NettyChannelBuilder;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;

/**
 * XdsPropagationBenchmark measures how long one published change takes to reach the last of K
 * connected proxies, and how many bytes each proxy receives for it.
 *
 * <p>It is a benchmark, not a test: run it with {@code mvn -pl controller -Pbench
 * -Dbench.main=dev.agentgatewayjcp.controller.xds.XdsPropagationBenchmark} (see
 * docs/performance.md). Server and clients share one JVM and the machine's cores, so the figures
 * are an upper bound on what a proxy in another process would see.
 */
public final class XdsPropagationBenchmark {

  private static final GatewayKey GATEWAY = new GatewayKey("bench", "gw");
  private static final int BASE_ROUTES = 1000;

  private XdsPropagationBenchmark() {}

  public static void main(String[] args) throws Exception {
    int[] proxyCounts = args.length > 0 && !args[0].isBlank()
        ? Arrays.stream(args[0].split(",")).mapToInt(Integer::parseInt).toArray()
        : new int[] {100, 1000};
    int changes = args.length > 1 && !args[1].isBlank() ? Integer.parseInt(args[1]) : 200;
    System.out.printf(Locale.ROOT, "cores=%d, max heap=%d MiB, java=%s%n",
        Runtime.getRuntime().availableProcessors(), Runtime.getRuntime().maxMemory() >> 20,
        System.getProperty("java.version"));
    System.out.println("| proxies | changes | base routes | p50 ms | p90 ms | p99 ms | max ms | mean ms | bytes per proxy per change |");
    System.out.println("|---|---|---|---|---|---|---|---|---|");
    for (int proxies : proxyCounts) {
      run(proxies, changes);
    }
  }

  private static void run(int proxies, int changes) throws Exception {
    XdsCache cache = new XdsCache();
    List<XdsResource> base = new ArrayList<>();
    for (int i = 0; i < BASE_ROUTES; i++) {
      base.add(XdsTestFixtures.route("bench", "r" + i, 0));
    }
    cache.apply(List.of(Change.replace(GATEWAY, TypeUrls.RESOURCE, base)));
    cache.markReady();
    XdsServer server = new XdsServer(
        XdsServerConfig.defaults().withHost("127.0.0.1").withPort(0),
        cache, XdsAuthenticator.ALLOW_ALL, XdsServerCallbacks.NONE).start();
    List<ManagedChannel> channels = new ArrayList<>();
    List<AgentgatewayTestClient> clients = new ArrayList<>();
    try {
      for (int i = 0; i < Math.max(1, proxies / 50); i++) {
        channels.add(NettyChannelBuilder.forAddress("127.0.0.1", server.port()).usePlaintext().build());
      }
      for (int i = 0; i < proxies; i++) {
        clients.add(new AgentgatewayTestClient(channels.get(i % channels.size()), "bench", "gw", "p" + i).connect());
      }
      for (AgentgatewayTestClient c : clients) {
        c.await(Duration.ofMinutes(2), "initial state", x -> x.names(TypeUrls.RESOURCE).size() == BASE_ROUTES);
      }
      int warmup = Math.min(100, changes);
      measure(cache, clients, warmup, 0);
      double[] millis = new double[changes];
      long bytes = measure(cache, clients, changes, warmup, millis);
      Arrays.sort(millis);
      System.out.printf(Locale.ROOT, "| %d | %d | %d | %.2f | %.2f | %.2f | %.2f | %.2f | %d |%n",
          proxies, changes, BASE_ROUTES, pct(millis, 50), pct(millis, 90), pct(millis, 99),
          millis[millis.length - 1], Arrays.stream(millis).average().orElse(0),
          bytes / ((long) changes * proxies));
    } finally {
      clients.forEach(AgentgatewayTestClient::close);
      channels.forEach(ManagedChannel::shutdownNow);
      server.shutdown(Duration.ofSeconds(1));
    }
  }

  private static void measure(XdsCache cache, List<AgentgatewayTestClient> clients, int changes, int offset) {
    measure(cache, clients, changes, offset, new double[changes]);
  }

  /** Publishes one change at a time and waits for every proxy; returns the bytes they received. */
  private static long measure(
      XdsCache cache, List<AgentgatewayTestClient> clients, int changes, int offset, double[] millis) {
    long bytesBefore = clients.stream().mapToLong(AgentgatewayTestClient::bytesReceived).sum();
    for (int i = 0; i < changes; i++) {
      int revision = offset + i + 1;
      XdsResource changed = XdsTestFixtures.route("bench", "r" + (revision % BASE_ROUTES), revision);
      long published = System.nanoTime();
      cache.apply(List.of(Change.delta(GATEWAY, TypeUrls.RESOURCE, List.of(changed), List.of())));
      long last = 0;
      for (AgentgatewayTestClient c : clients) {
        c.await(Duration.ofSeconds(30), "change " + revision, x -> holds(x, changed));
        last = Math.max(last, c.held(TypeUrls.RESOURCE, changed.name()).receivedNanos());
      }
      millis[i] = (last - published) / 1e6;
    }
    return clients.stream().mapToLong(AgentgatewayTestClient::bytesReceived).sum() - bytesBefore;
  }

  private static boolean holds(AgentgatewayTestClient client, XdsResource resource) {
    AgentgatewayTestClient.Held held = client.held(TypeUrls.RESOURCE, resource.name());
    return held != null && held.version().equals(resource.version());
  }

  private static double pct(double[] sorted, int p) {
    int index = (int) Math.ceil(p / 100.0 * sorted.length) - 1;
    return sorted[Math.max(0, Math.min(sorted.length - 1, index))];
  }
}
