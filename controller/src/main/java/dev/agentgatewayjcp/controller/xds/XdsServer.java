package dev.agentgatewayjcp.controller.xds;

import io.grpc.Server;
import io.grpc.ServerInterceptors;
import io.grpc.netty.shaded.io.grpc.netty.NettyServerBuilder;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.time.Duration;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.ThreadFactory;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * XdsServer runs the gRPC server that hosts {@link DeltaAdsService}, with keepalive, a maximum
 * connection age and a graceful shutdown.
 */
public final class XdsServer implements AutoCloseable {

  private static final Logger LOG = LoggerFactory.getLogger(XdsServer.class);

  private final XdsServerConfig config;
  private final DeltaAdsService service;
  private final ExecutorService pushExecutor;
  private final Server server;

  public XdsServer(
      XdsServerConfig config,
      XdsCache cache,
      XdsAuthenticator authenticator,
      XdsServerCallbacks callbacks) {
    this.config = config;
    this.pushExecutor = Executors.newFixedThreadPool(config.pushThreads(), daemonThreads("xds-push"));
    this.service =
        new DeltaAdsService(cache, authenticator, callbacks, pushExecutor, config.maxResponseBytes());
    this.server =
        NettyServerBuilder.forAddress(new InetSocketAddress(config.host(), config.port()))
            .addService(ServerInterceptors.intercept(service, DeltaAdsService.headerInterceptor()))
            .keepAliveTime(config.keepAliveTime().toMillis(), TimeUnit.MILLISECONDS)
            .keepAliveTimeout(config.keepAliveTimeout().toMillis(), TimeUnit.MILLISECONDS)
            // Be lenient with proxies' own HTTP/2 pings rather than close their streams.
            .permitKeepAliveTime(5, TimeUnit.SECONDS)
            .permitKeepAliveWithoutCalls(true)
            .maxConnectionAge(config.maxConnectionAge().toMillis(), TimeUnit.MILLISECONDS)
            .maxConnectionAgeGrace(config.maxConnectionAgeGrace().toMillis(), TimeUnit.MILLISECONDS)
            .maxInboundMessageSize(16 * 1024 * 1024)
            .build();
  }

  /** Starts listening. */
  public XdsServer start() throws IOException {
    server.start();
    LOG.info("xDS server listening on {}:{}", config.host(), port());
    return this;
  }

  /** The bound port (useful when the configured port is 0). */
  public int port() {
    return server.getPort();
  }

  public DeltaAdsService service() {
    return service;
  }

  /**
   * Stops accepting streams, lets open streams end within {@code grace}, then cancels the rest.
   * Proxies reconnect to another replica and keep their configuration meanwhile.
   */
  public void shutdown(Duration grace) {
    server.shutdown();
    try {
      if (!server.awaitTermination(grace.toMillis(), TimeUnit.MILLISECONDS)) {
        server.shutdownNow();
        server.awaitTermination(5, TimeUnit.SECONDS);
      }
    } catch (InterruptedException e) {
      server.shutdownNow();
      Thread.currentThread().interrupt();
    } finally {
      pushExecutor.shutdownNow();
    }
  }

  @Override
  public void close() {
    shutdown(Duration.ofSeconds(5));
  }

  private static ThreadFactory daemonThreads(String prefix) {
    AtomicInteger counter = new AtomicInteger();
    return r -> {
      Thread t = new Thread(r, prefix + "-" + counter.incrementAndGet());
      t.setDaemon(true);
      return t;
    };
  }
}
