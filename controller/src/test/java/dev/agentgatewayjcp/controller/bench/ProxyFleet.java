package dev.agentgatewayjcp.controller.bench;

import dev.agentgatewayjcp.api.wire.TypeUrls;
import dev.agentgatewayjcp.controller.xds.AgentgatewayTestClient;
import io.grpc.ManagedChannel;
import io.grpc.netty.shaded.io.grpc.netty.NettyChannelBuilder;
import io.grpc.netty.shaded.io.netty.channel.nio.NioEventLoopGroup;
import io.grpc.netty.shaded.io.netty.channel.socket.nio.NioSocketChannel;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * ProxyFleet is K simulated agentgateway proxies of one Gateway, each on its own HTTP/2
 * connection, that record when a watched resource first reaches each of them.
 *
 * <p>Their threads are named {@code sim-proxy-*} so that the harness can count their CPU apart
 * from the controller's when both share one JVM.
 */
final class ProxyFleet implements AutoCloseable {

  /** When a watched name reached the first and the last of the proxies. */
  static final class Arrival {
    final AtomicInteger proxies = new AtomicInteger();
    volatile long firstNanos;
    volatile long lastNanos;
  }

  private final NioEventLoopGroup loop;
  private final List<ManagedChannel> channels = new ArrayList<>();
  private final List<AgentgatewayTestClient> clients = new ArrayList<>();
  /** Marker substring to the arrival record; a handful at a time, so scanning them is cheap. */
  private final Map<String, Arrival> watched = new ConcurrentHashMap<>();

  ProxyFleet(String host, int port, String namespace, String gateway, int proxies) {
    AtomicInteger threads = new AtomicInteger();
    loop = new NioEventLoopGroup(2, r -> {
      Thread t = new Thread(r, "sim-proxy-" + threads.incrementAndGet());
      t.setDaemon(true);
      return t;
    });
    for (int i = 0; i < proxies; i++) {
      ManagedChannel channel = NettyChannelBuilder.forAddress(host, port).usePlaintext()
          .eventLoopGroup(loop).channelType(NioSocketChannel.class).directExecutor()
          .maxInboundMessageSize(256 * 1024 * 1024).build();
      channels.add(channel);
      AgentgatewayTestClient client = new AgentgatewayTestClient(
          channel, namespace, gateway, "proxy-" + i, "10.250." + (i >> 8) + "." + (i & 255), "fake-node")
          .lightweight()
          .onArrival((type, name, at) -> arrived(name, at));
      clients.add(client);
    }
  }

  /**
   * Connects every proxy and returns once each holds at least {@code minRoutes} routes. A stream
   * the server refuses (agentgateway's controller listens before it is ready) is opened again
   * after a pause, as the proxy does.
   */
  ProxyFleet connect(int minRoutes, Duration timeout) throws InterruptedException {
    clients.forEach(AgentgatewayTestClient::connect);
    long deadline = System.nanoTime() + timeout.toNanos();
    for (AgentgatewayTestClient c : clients) {
      while (!(c.hasInitialResponses()
          && c.names(TypeUrls.RESOURCE).stream().filter(n -> n.startsWith("route/")).count() >= minRoutes)) {
        if (System.nanoTime() > deadline) {
          throw new IllegalStateException("a proxy holds " + c.names(TypeUrls.RESOURCE).size()
              + " resources after " + timeout + "; last stream error: " + c.lastError());
        }
        if (!c.isStreamOpen()) {
          Thread.sleep(500);
          c.connect();
        }
        Thread.sleep(20);
      }
    }
    return this;
  }

  private void arrived(String name, long at) {
    if (watched.isEmpty()) {
      return;
    }
    for (Map.Entry<String, Arrival> e : watched.entrySet()) {
      if (name.contains(e.getKey())) {
        Arrival a = e.getValue();
        synchronized (a) {
          if (a.proxies.get() == 0) {
            a.firstNanos = at;
          }
          a.lastNanos = Math.max(a.lastNanos, at);
        }
        // Count each proxy once per name family: the probe route has two rules.
        if (name.contains(e.getKey() + "00")) {
          a.proxies.incrementAndGet();
        }
      }
    }
  }

  /** Starts recording arrivals of names containing {@code marker}. */
  Arrival watch(String marker) {
    Arrival a = new Arrival();
    watched.put(marker, a);
    return a;
  }

  /** Waits until every proxy has a name containing {@code marker}; returns the last arrival time. */
  long awaitAll(String marker, Arrival a, Duration timeout) throws InterruptedException {
    long deadline = System.nanoTime() + timeout.toNanos();
    while (a.proxies.get() < clients.size()) {
      if (System.nanoTime() > deadline) {
        watched.remove(marker);
        throw new IllegalStateException("only " + a.proxies.get() + " of " + clients.size() + " proxies got " + marker);
      }
      Thread.sleep(0, 200_000);
    }
    watched.remove(marker);
    return a.lastNanos;
  }

  int size() {
    return clients.size();
  }

  long bytesReceived() {
    return clients.stream().mapToLong(AgentgatewayTestClient::bytesReceived).sum();
  }

  /** Resources of the Resource type held by the first proxy. */
  int heldByFirst() {
    return clients.get(0).names(TypeUrls.RESOURCE).size();
  }

  @Override
  public void close() {
    clients.forEach(AgentgatewayTestClient::close);
    channels.forEach(ManagedChannel::shutdownNow);
    loop.shutdownGracefully(0, 1, TimeUnit.SECONDS);
  }
}
