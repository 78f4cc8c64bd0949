package dev.agentgatewayjcp.controller.xds;

import io.grpc.CallOptions;
import io.grpc.Channel;
import io.grpc.ClientCall;
import io.grpc.ClientInterceptor;
import io.grpc.ClientInterceptors;
import io.grpc.ForwardingClientCall;
import io.grpc.ManagedChannel;
import io.grpc.Metadata;
import io.grpc.MethodDescriptor;
import io.grpc.netty.shaded.io.grpc.netty.GrpcSslContexts;
import io.grpc.netty.shaded.io.grpc.netty.NettyChannelBuilder;
import io.grpc.netty.shaded.io.netty.handler.ssl.SslContextBuilder;
import io.grpc.netty.shaded.io.netty.handler.ssl.SslProvider;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.TimeUnit;

/**
 * AgentgatewayXdsChannel opens the gRPC channel to the control plane as agentgateway v1.4.1 does
 * from {@code XDS_ADDRESS}, {@code XDS_ROOT_CA}, {@code XDS_AUTH_TOKEN} and {@code CLUSTER_ID}
 * (crates/agentgateway/src/config.rs and control/mod.rs at v1.4.1):
 *
 * <ul>
 *   <li>an address without a scheme gets {@code https://}; {@code http://} is plaintext h2c;
 *   <li>TLS 1.2/1.3 with ALPN {@code h2}, the server name checked against the address's host (an
 *       IP literal against IP SANs); the root file, if it exists, is the only trust anchor, and
 *       a missing file falls back to the system roots;
 *   <li>a token file that must exist, is read at start and re-read every minute (here: every
 *       {@code reload}); its bytes are sent verbatim after {@code Bearer } in {@code authorization},
 *       with {@code clusterid}, on every call, plaintext or not. A token file ending in a newline
 *       yields an invalid header and the call fails, as in the proxy.
 * </ul>
 */
public final class AgentgatewayXdsChannel {

  private AgentgatewayXdsChannel() {}

  /**
   * @param rootCa the {@code XDS_ROOT_CA} file (may not exist)
   * @param tokenFile the {@code XDS_AUTH_TOKEN} file, or null for no authentication
   */
  public static ManagedChannel open(String xdsAddress, Path rootCa, Path tokenFile, String clusterId, Duration reload) {
    URI uri = URI.create(xdsAddress.contains("://") ? xdsAddress : "https://" + xdsAddress);
    NettyChannelBuilder builder = NettyChannelBuilder.forAddress(uri.getHost(), uri.getPort());
    switch (uri.getScheme()) {
      case "http" -> builder.usePlaintext();
      case "https" -> {
        try {
          SslContextBuilder tls = GrpcSslContexts.configure(SslContextBuilder.forClient(), SslProvider.JDK)
              .protocols("TLSv1.3", "TLSv1.2");
          if (rootCa != null && Files.exists(rootCa)) {
            tls.trustManager(rootCa.toFile());
          }
          builder.sslContext(tls.build());
        } catch (IOException e) {
          throw new UncheckedIOException(e);
        }
      }
      default -> throw new IllegalArgumentException("Unsupported scheme: " + uri.getScheme());
    }
    ManagedChannel channel = builder.build();
    if (tokenFile == null) {
      return channel;
    }
    if (!Files.exists(tokenFile)) {
      throw new IllegalArgumentException("invalid XDS_AUTH_TOKEN/config.xdsAuthToken: file " + tokenFile + " not found");
    }
    return new TokenChannel(channel, new TokenHeaders(tokenFile, clusterId, reload));
  }

  /** Plaintext channel with a token, as agentgateway sends it even without TLS. */
  public static ManagedChannel open(String xdsAddress, Path tokenFile) {
    return open(xdsAddress, null, tokenFile, "Kubernetes", Duration.ofMinutes(1));
  }

  /** Adds the token headers to every call, re-reading the file at most every {@code reload}. */
  private static final class TokenHeaders implements ClientInterceptor {
    private static final Metadata.Key<String> AUTHORIZATION = Metadata.Key.of("authorization", Metadata.ASCII_STRING_MARSHALLER);
    private static final Metadata.Key<String> CLUSTER = Metadata.Key.of("clusterid", Metadata.ASCII_STRING_MARSHALLER);
    private final Path file;
    private final String clusterId;
    private final long reloadNanos;
    private String token;
    private long readAtNanos;

    TokenHeaders(Path file, String clusterId, Duration reload) {
      this.file = file;
      this.clusterId = clusterId;
      this.reloadNanos = reload.toNanos();
      this.token = read();
      this.readAtNanos = System.nanoTime();
    }

    private String read() {
      try {
        String t = Files.readString(file);
        if (t.isEmpty()) {
          throw new IllegalStateException("token file exists, but was empty");
        }
        return t;
      } catch (IOException e) {
        throw new UncheckedIOException(e);
      }
    }

    synchronized String current() {
      if (System.nanoTime() - readAtNanos >= reloadNanos) {
        try {
          token = read();
        } catch (RuntimeException e) {
          // The proxy logs the failure and keeps the previous token.
        }
        readAtNanos = System.nanoTime();
      }
      return token;
    }

    @Override
    public <Q, R> ClientCall<Q, R> interceptCall(MethodDescriptor<Q, R> method, CallOptions options, Channel next) {
      String value = "Bearer " + current();
      return new ForwardingClientCall.SimpleForwardingClientCall<>(next.newCall(method, options)) {
        @Override
        public void start(Listener<R> listener, Metadata headers) {
          for (char c : value.toCharArray()) {
            if (c < 0x20 && c != '\t' || c == 0x7f) {
              throw new IllegalArgumentException("failed to parse header value: control character in the token file");
            }
          }
          headers.put(AUTHORIZATION, value);
          headers.put(CLUSTER, clusterId);
          super.start(listener, headers);
        }
      };
    }
  }

  /** A managed channel whose calls carry the token headers. */
  private static final class TokenChannel extends ManagedChannel {
    private final ManagedChannel delegate;
    private final Channel intercepted;

    TokenChannel(ManagedChannel delegate, ClientInterceptor headers) {
      this.delegate = delegate;
      this.intercepted = ClientInterceptors.intercept(delegate, headers);
    }

    @Override
    public <Q, R> ClientCall<Q, R> newCall(MethodDescriptor<Q, R> method, CallOptions options) {
      return intercepted.newCall(method, options);
    }

    @Override
    public String authority() {
      return delegate.authority();
    }

    @Override
    public ManagedChannel shutdown() {
      delegate.shutdown();
      return this;
    }

    @Override
    public boolean isShutdown() {
      return delegate.isShutdown();
    }

    @Override
    public boolean isTerminated() {
      return delegate.isTerminated();
    }

    @Override
    public ManagedChannel shutdownNow() {
      delegate.shutdownNow();
      return this;
    }

    @Override
    public boolean awaitTermination(long timeout, TimeUnit unit) throws InterruptedException {
      return delegate.awaitTermination(timeout, unit);
    }
  }
}
