package dev.agentgatewayjcp.controller.xds;

import dev.agentgatewayjcp.api.discovery.AggregatedDiscoveryServiceGrpc;
import dev.agentgatewayjcp.api.discovery.DeltaDiscoveryRequest;
import dev.agentgatewayjcp.api.discovery.DeltaDiscoveryResponse;
import io.grpc.Context;
import io.grpc.Contexts;
import io.grpc.Metadata;
import io.grpc.ServerCall;
import io.grpc.ServerCallHandler;
import io.grpc.ServerInterceptor;
import io.grpc.Status;
import io.grpc.stub.ServerCallStreamObserver;
import io.grpc.stub.StreamObserver;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executor;
import java.util.concurrent.atomic.AtomicLong;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * DeltaAdsService serves {@code DeltaAggregatedResources} to agentgateway proxies, each from the
 * view of its own Gateway.
 *
 * <p>The state-of-the-world RPC is not implemented: agentgateway never calls it, and gRPC answers
 * UNIMPLEMENTED for it.
 */
public final class DeltaAdsService extends AggregatedDiscoveryServiceGrpc.AggregatedDiscoveryServiceImplBase {

  private static final Logger LOG = LoggerFactory.getLogger(DeltaAdsService.class);

  /** Carries the request headers from {@link #headerInterceptor()} to the stream handler. */
  private static final Context.Key<Metadata> HEADERS = Context.key("xds-request-headers");

  private final XdsCache cache;
  private final XdsAuthenticator authenticator;
  private final XdsServerCallbacks callbacks;
  private final Executor pushExecutor;
  private final int maxResponseBytes;
  private final ProxyIdentityResolver identities = new ProxyIdentityResolver();
  private final AtomicLong streamIds = new AtomicLong();
  private final Map<Long, ProxyConnection> connections = new ConcurrentHashMap<>();

  public DeltaAdsService(
      XdsCache cache,
      XdsAuthenticator authenticator,
      XdsServerCallbacks callbacks,
      Executor pushExecutor,
      int maxResponseBytes) {
    this.cache = cache;
    this.authenticator = authenticator;
    this.callbacks = callbacks;
    this.pushExecutor = pushExecutor;
    this.maxResponseBytes = maxResponseBytes;
  }

  /** An interceptor that makes request headers (the bearer token) visible to authentication. */
  public static ServerInterceptor headerInterceptor() {
    return new ServerInterceptor() {
      @Override
      public <Q, R> ServerCall.Listener<Q> interceptCall(
          ServerCall<Q, R> call, Metadata headers, ServerCallHandler<Q, R> next) {
        return Contexts.interceptCall(Context.current().withValue(HEADERS, headers), call, headers, next);
      }
    };
  }

  @Override
  public StreamObserver<DeltaDiscoveryRequest> deltaAggregatedResources(
      StreamObserver<DeltaDiscoveryResponse> responseObserver) {
    ServerCallStreamObserver<DeltaDiscoveryResponse> out =
        (ServerCallStreamObserver<DeltaDiscoveryResponse>) responseObserver;
    long streamId = streamIds.incrementAndGet();
    Metadata headers = Optional.ofNullable(HEADERS.get()).orElseGet(Metadata::new);
    if (!cache.isReady()) {
      // A proxy that got a partial view would drop routes; it retries within milliseconds.
      callbacks.onStreamRejected("not ready");
      out.onError(Status.UNAVAILABLE.withDescription("control plane has no complete snapshot yet").asRuntimeException());
      return new DiscardingObserver();
    }
    StreamHandler handler = new StreamHandler(streamId, out, headers);
    // gRPC only accepts these handlers before this method returns.
    out.setOnReadyHandler(handler::onReady);
    out.setOnCancelHandler(handler::closed);
    return handler;
  }

  /** Handles the requests of one stream; the first one identifies the proxy. */
  private final class StreamHandler implements StreamObserver<DeltaDiscoveryRequest> {
      private final long streamId;
      private final ServerCallStreamObserver<DeltaDiscoveryResponse> out;
      private final Metadata headers;
      private volatile ProxyConnection connection;
      private boolean failed;

      StreamHandler(long streamId, ServerCallStreamObserver<DeltaDiscoveryResponse> out, Metadata headers) {
        this.streamId = streamId;
        this.out = out;
        this.headers = headers;
      }

      void onReady() {
        ProxyConnection c = connection;
        if (c != null) {
          c.schedule();
        }
      }

      @Override
      public void onNext(DeltaDiscoveryRequest request) {
        if (failed) {
          return;
        }
        if (connection == null) {
          if (!accept(request)) {
            failed = true;
            return;
          }
        }
        connection.onRequest(request);
      }

      private boolean accept(DeltaDiscoveryRequest request) {
        if (!request.hasNode()) {
          return reject(Status.INVALID_ARGUMENT.withDescription("the first request must carry a node"), "no node");
        }
        Optional<ProxyIdentity> identity = identities.resolve(request.getNode());
        if (identity.isEmpty()) {
          return reject(
              Status.INVALID_ARGUMENT.withDescription(
                  "node metadata names no Gateway: set role=<namespace>~<gateway> (agentgateway: GATEWAY and NAMESPACE)"),
              "no gateway");
        }
        Status auth;
        try {
          auth = authenticator.authenticate(identity.get(), headers);
        } catch (RuntimeException e) {
          LOG.warn("xDS authentication failed for {}", identity.get(), e);
          auth = Status.UNAUTHENTICATED.withDescription("authentication failed");
        }
        if (!auth.isOk()) {
          LOG.info("refusing xDS stream for {}: {}", identity.get(), auth);
          String reason = switch (auth.getCode()) {
            case PERMISSION_DENIED -> "unauthorized";
            case UNAVAILABLE -> "authentication unavailable";
            default -> "unauthenticated";
          };
          return reject(auth, reason);
        }
        connection =
            new ProxyConnection(
                streamId, identity.get(), cache, out, pushExecutor, callbacks, maxResponseBytes);
        connections.put(streamId, connection);
        // Register before the first view is read, so no change can fall between the two.
        cache.addListener(identity.get().gateway(), connection);
        LOG.info("proxy {} connected (node {})", identity.get(), identity.get().nodeId());
        callbacks.onStreamOpen(identity.get());
        return true;
      }

      private boolean reject(Status status, String reason) {
        callbacks.onStreamRejected(reason);
        out.onError(status.asRuntimeException());
        return false;
      }

      @Override
      public void onError(Throwable t) {
        closed();
      }

      @Override
      public void onCompleted() {
        closed();
        try {
          out.onCompleted();
        } catch (RuntimeException ignored) {
          // Already closed by the transport.
        }
      }

      void closed() {
        ProxyConnection c = connection;
        if (c != null && connections.remove(streamId) != null) {
          c.close();
          cache.removeListener(c.identity().gateway(), c);
          LOG.info("proxy {} disconnected", c.identity());
          callbacks.onStreamClose(c.identity());
        }
      }
  }

  /** The connected proxies, ordered by stream id. */
  public List<ConnectionSnapshot> connections() {
    List<ConnectionSnapshot> result = new ArrayList<>();
    for (ProxyConnection c : connections.values()) {
      result.add(c.snapshot());
    }
    result.sort(Comparator.comparingLong(ConnectionSnapshot::streamId));
    return result;
  }

  /** Number of connected proxies. */
  public int connectionCount() {
    return connections.size();
  }

  private static final class DiscardingObserver implements StreamObserver<DeltaDiscoveryRequest> {
    @Override
    public void onNext(DeltaDiscoveryRequest value) {}

    @Override
    public void onError(Throwable t) {}

    @Override
    public void onCompleted() {}
  }
}
