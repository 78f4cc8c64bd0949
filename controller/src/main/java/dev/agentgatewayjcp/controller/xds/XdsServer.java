package dev.agentgatewayjcp.controller.xds;

import dev.agentgatewayjcp.controller.security.ServingCertificates;
import io.grpc.Server;
import io.grpc.ServerInterceptors;
import io.grpc.netty.shaded.io.grpc.netty.GrpcSslContexts;
import io.grpc.netty.shaded.io.grpc.netty.NettyServerBuilder;
import io.grpc.netty.shaded.io.netty.handler.ssl.SslContext;
import io.grpc.netty.shaded.io.netty.handler.ssl.SslContextBuilder;
import io.grpc.netty.shaded.io.netty.handler.ssl.SslProvider;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ThreadFactory;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import javax.net.ssl.SSLException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * XdsServer runs the gRPC servers that host {@link DeltaAdsService}: a plaintext port, a TLS port,
 * or both, sharing one service and one authenticator, with keepalive, a maximum connection age and
 * a graceful shutdown.
 */
public final class XdsServer implements AutoCloseable {

  private static final Logger LOG = LoggerFactory.getLogger(XdsServer.class);

  private final XdsServerConfig config;
  private final DeltaAdsService service;
  private final ExecutorService pushExecutor;
  private final Server plaintext;
  private final Server tls;
  private final ServingCertificates certificates;
  private final ScheduledExecutorService renewal;

  public XdsServer(
      XdsServerConfig config,
      XdsCache cache,
      XdsAuthenticator authenticator,
      XdsServerCallbacks callbacks) {
    this(config, cache, authenticator, callbacks, null);
  }

  /**
   * @param certificates the TLS port's certificates; required when {@code config.tlsPort()} is not
   *     -1
   */
  public XdsServer(
      XdsServerConfig config,
      XdsCache cache,
      XdsAuthenticator authenticator,
      XdsServerCallbacks callbacks,
      ServingCertificates certificates) {
    if (config.port() < 0 && config.tlsPort() < 0) {
      throw new IllegalArgumentException("the xDS server needs a plaintext or a TLS port");
    }
    if (config.tlsPort() >= 0 && certificates == null) {
      throw new IllegalArgumentException("a TLS port needs serving certificates");
    }
    this.config = config;
    this.certificates = certificates;
    this.pushExecutor = Executors.newFixedThreadPool(config.pushThreads(), daemonThreads("xds-push"));
    this.service =
        new DeltaAdsService(cache, authenticator, callbacks, pushExecutor, config.maxResponseBytes());
    this.plaintext = config.port() < 0 ? null : builder(config.port()).build();
    if (config.tlsPort() >= 0) {
      this.tls = builder(config.tlsPort()).sslContext(sslContext(certificates)).build();
      this.renewal = Executors.newSingleThreadScheduledExecutor(daemonThreads("xds-cert-renewal"));
    } else {
      this.tls = null;
      this.renewal = null;
    }
  }

  private NettyServerBuilder builder(int port) {
    return NettyServerBuilder.forAddress(new InetSocketAddress(config.host(), port))
        .addService(ServerInterceptors.intercept(service, DeltaAdsService.headerInterceptor()))
        .keepAliveTime(config.keepAliveTime().toMillis(), TimeUnit.MILLISECONDS)
        .keepAliveTimeout(config.keepAliveTimeout().toMillis(), TimeUnit.MILLISECONDS)
        // Be lenient with proxies' own HTTP/2 pings rather than close their streams.
        .permitKeepAliveTime(5, TimeUnit.SECONDS)
        .permitKeepAliveWithoutCalls(true)
        .maxConnectionAge(config.maxConnectionAge().toMillis(), TimeUnit.MILLISECONDS)
        .maxConnectionAgeGrace(config.maxConnectionAgeGrace().toMillis(), TimeUnit.MILLISECONDS)
        .maxInboundMessageSize(16 * 1024 * 1024);
  }

  /** TLS 1.2 and 1.3 with ALPN h2, as agentgateway's rustls client offers; server authentication only. */
  private static SslContext sslContext(ServingCertificates certificates) {
    try {
      // The JDK provider asks the key manager on every handshake, so renewed certificates apply
      // without a restart.
      return GrpcSslContexts.configure(SslContextBuilder.forServer(certificates), SslProvider.JDK)
          .protocols("TLSv1.3", "TLSv1.2")
          .build();
    } catch (SSLException e) {
      throw new IllegalStateException("cannot build the xDS TLS context", e);
    }
  }

  /** Starts listening. */
  public XdsServer start() throws IOException {
    if (plaintext != null) {
      plaintext.start();
      LOG.info("xDS server listening on {}:{} (plaintext)", config.host(), port());
    }
    if (tls != null) {
      tls.start();
      renewal.scheduleWithFixedDelay(this::renewCertificate, 1, 1, TimeUnit.MINUTES);
      LOG.info("xDS server listening on {}:{} (TLS, certificate for {})", config.host(), tlsPort(), certificates.names());
    }
    return this;
  }

  private void renewCertificate() {
    try {
      certificates.renewIfDue();
    } catch (RuntimeException e) {
      LOG.error("cannot renew the xDS serving certificate; the current one stays in use", e);
    }
  }

  /** The bound plaintext port (useful when the configured port is 0), or -1 when plaintext is off. */
  public int port() {
    return plaintext == null ? -1 : plaintext.getPort();
  }

  /** The bound TLS port, or -1 when TLS is off. */
  public int tlsPort() {
    return tls == null ? -1 : tls.getPort();
  }

  public DeltaAdsService service() {
    return service;
  }

  /**
   * Stops accepting streams, lets open streams end within {@code grace}, then cancels the rest.
   * Proxies reconnect to another replica and keep their configuration meanwhile.
   */
  public void shutdown(Duration grace) {
    List<Server> servers = new ArrayList<>();
    if (plaintext != null) {
      servers.add(plaintext);
    }
    if (tls != null) {
      servers.add(tls);
      renewal.shutdownNow();
    }
    servers.forEach(Server::shutdown);
    try {
      long deadline = System.nanoTime() + grace.toNanos();
      for (Server server : servers) {
        long left = Math.max(0, deadline - System.nanoTime());
        if (!server.awaitTermination(left, TimeUnit.NANOSECONDS)) {
          server.shutdownNow();
          server.awaitTermination(5, TimeUnit.SECONDS);
        }
      }
    } catch (InterruptedException e) {
      servers.forEach(Server::shutdownNow);
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
