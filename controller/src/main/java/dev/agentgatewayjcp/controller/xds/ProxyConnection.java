package dev.agentgatewayjcp.controller.xds;

import com.google.protobuf.CodedOutputStream;
import dev.agentgatewayjcp.api.discovery.DeltaDiscoveryRequest;
import dev.agentgatewayjcp.api.discovery.DeltaDiscoveryResponse;
import dev.agentgatewayjcp.controller.xds.RejectedResource.Severity;
import dev.agentgatewayjcp.translator.output.XdsResource;
import io.grpc.stub.ServerCallStreamObserver;
import java.util.Collections;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.Executor;
import java.util.concurrent.atomic.AtomicBoolean;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * ProxyConnection is the server side of one proxy's Delta ADS stream: what the proxy holds, what
 * it still needs, and the last rejection it reported per resource.
 *
 * <p>Changes are not queued as messages. A change only adds names to a per-type pending set, and
 * the next response is built from the cache's current state when the stream can take it. So the
 * latest state wins, memory is bounded by the number of distinct names, and a proxy that stops
 * reading holds up only itself: gRPC flow control marks the stream not ready and nothing more is
 * built until it is.
 */
final class ProxyConnection implements XdsCache.ChangeListener {

  private static final Logger LOG = LoggerFactory.getLogger(ProxyConnection.class);

  /** Bytes kept free in each response for its type URL, nonce and version info. */
  private static final int RESPONSE_HEADER_BUDGET = 128;

  /** What the server knows of one subscribed type on this stream. */
  private static final class TypeState {
    final String typeUrl;
    /** Names the proxy subscribed to explicitly; null means a wildcard subscription. */
    Set<String> explicitNames;
    /** Name to version the proxy holds, as far as we know. */
    final Map<String, String> sent = new HashMap<>();
    /** Names whose state must be compared against the cache before the next response. */
    final TreeSet<String> pending = new TreeSet<>();
    /** The first response for this type is owed even if it turns out empty. */
    boolean initialOwed;
    /** When the oldest change not yet pushed was published, or 0. */
    long pendingSinceNanos;
    String lastNonceSent = "";
    String lastNonceAcked = "";
    /** The proxy's latest error or warning per resource name, for currently sent versions. */
    final Map<String, RejectedResource> rejections = new LinkedHashMap<>();

    TypeState(String typeUrl) {
      this.typeUrl = typeUrl;
    }

    boolean subscribed(String name) {
      return explicitNames == null || explicitNames.contains(name);
    }
  }

  private final long streamId;
  private final ProxyIdentity identity;
  private final XdsCache cache;
  private final ServerCallStreamObserver<DeltaDiscoveryResponse> out;
  private final Executor pushExecutor;
  private final XdsServerCallbacks callbacks;
  private final int maxResponseBytes;
  private final long connectedAtMillis = System.currentTimeMillis();

  private final Object lock = new Object();
  private final Map<String, TypeState> types = new LinkedHashMap<>();
  private final AtomicBoolean drainScheduled = new AtomicBoolean();
  private long nonceCounter;
  private boolean closed;
  private long pushes;
  private long bytesSent;

  ProxyConnection(
      long streamId,
      ProxyIdentity identity,
      XdsCache cache,
      ServerCallStreamObserver<DeltaDiscoveryResponse> out,
      Executor pushExecutor,
      XdsServerCallbacks callbacks,
      int maxResponseBytes) {
    this.streamId = streamId;
    this.identity = identity;
    this.cache = cache;
    this.out = out;
    this.pushExecutor = pushExecutor;
    this.callbacks = callbacks;
    this.maxResponseBytes = maxResponseBytes;
  }

  ProxyIdentity identity() {
    return identity;
  }

  long streamId() {
    return streamId;
  }

  /** Handles one request from the proxy: a subscription, an ACK or a NACK. */
  void onRequest(DeltaDiscoveryRequest request) {
    String typeUrl = request.getTypeUrl();
    List<RejectedResource> rejected = List.of();
    boolean ack = false;
    boolean work;
    String nonce = request.getResponseNonce();
    synchronized (lock) {
      if (closed) {
        return;
      }
      TypeState state = types.get(typeUrl);
      if (state == null || nonce.isEmpty()) {
        state = subscribe(typeUrl, request);
      } else {
        updateSubscription(state, request);
      }
      // A plain ACK changes nothing to send; only (re)subscriptions create work.
      work = state.initialOwed || !state.pending.isEmpty();
      if (!nonce.isEmpty()) {
        if (request.hasErrorDetail()) {
          rejected = NackParser.parse(typeUrl, request.getErrorDetail().getMessage(), state.sent);
          for (RejectedResource r : rejected) {
            state.rejections.put(r.name(), r);
          }
        } else {
          ack = true;
        }
        if (nonce.equals(state.lastNonceSent)) {
          state.lastNonceAcked = nonce;
        }
      }
    }
    if (!rejected.isEmpty()) {
      boolean errors = rejected.stream().anyMatch(r -> r.severity() == Severity.ERROR);
      if (errors) {
        LOG.warn("proxy {} rejected {} resources: {}", identity, typeUrl, rejected);
      } else {
        LOG.info("proxy {} accepted {} with warnings: {}", identity, typeUrl, rejected);
      }
      callbacks.onNack(identity, typeUrl, nonce, rejected);
    } else if (ack) {
      callbacks.onAck(identity, typeUrl, nonce);
    }
    if (work) {
      schedule();
    }
  }

  private TypeState subscribe(String typeUrl, DeltaDiscoveryRequest request) {
    // A request without a nonce for a type is a (re)subscription: the proxy sends one per type
    // when the stream opens, with the versions it still holds from an earlier stream.
    TypeState state = new TypeState(typeUrl);
    types.put(typeUrl, state);
    updateSubscription(state, request);
    state.sent.putAll(request.getInitialResourceVersionsMap());
    state.pending.addAll(cache.view(identity.gateway(), typeUrl).keySet());
    state.pending.addAll(state.sent.keySet());
    state.initialOwed = true;
    state.pendingSinceNanos = System.nanoTime();
    return state;
  }

  private static void updateSubscription(TypeState state, DeltaDiscoveryRequest request) {
    List<String> subscribe = request.getResourceNamesSubscribeList();
    // Empty or "*" is a wildcard; agentgateway always sends an empty list.
    if (subscribe.isEmpty() && state.explicitNames == null) {
      return;
    }
    if (subscribe.contains("*")) {
      state.explicitNames = null;
      return;
    }
    if (!subscribe.isEmpty()) {
      if (state.explicitNames == null) {
        state.explicitNames = new java.util.HashSet<>();
      }
      state.explicitNames.addAll(subscribe);
      state.pending.addAll(subscribe);
    }
    if (state.explicitNames != null) {
      state.explicitNames.removeAll(request.getResourceNamesUnsubscribeList());
      state.pending.addAll(request.getResourceNamesUnsubscribeList());
    }
  }

  @Override
  public void onChange(String typeUrl, Set<String> names, long publishedNanos) {
    synchronized (lock) {
      TypeState state = types.get(typeUrl);
      if (closed || state == null) {
        // Not subscribed yet: the subscription will read the whole view.
        return;
      }
      if (state.pending.isEmpty() && !state.initialOwed) {
        state.pendingSinceNanos = publishedNanos;
      }
      state.pending.addAll(names);
    }
    schedule();
  }

  /** Asks the push pool to send whatever is pending, unless a run is already queued. */
  void schedule() {
    if (drainScheduled.compareAndSet(false, true)) {
      pushExecutor.execute(this::drain);
    }
  }

  private void drain() {
    drainScheduled.set(false);
    while (true) {
      Push push;
      synchronized (lock) {
        if (closed || !out.isReady()) {
          // The on-ready handler schedules us again once the proxy has read enough.
          return;
        }
        push = cache.readConsistently(this::nextPush);
        if (push == null) {
          return;
        }
        try {
          out.onNext(push.response);
        } catch (RuntimeException e) {
          // The call was cancelled under us; the close callback cleans up.
          LOG.debug("proxy {} stream is gone: {}", identity, e.toString());
          closed = true;
          return;
        }
        pushes++;
        bytesSent += push.bytes;
      }
      callbacks.onPush(
          identity,
          push.response.getTypeUrl(),
          push.response.getResourcesCount(),
          push.response.getRemovedResourcesCount(),
          push.bytes,
          push.latencyNanos);
    }
  }

  private record Push(DeltaDiscoveryResponse response, long bytes, long latencyNanos) {}

  /** Builds the next response for the first type with work, or returns null. Holds the lock. */
  private Push nextPush() {
    for (TypeState state : types.values()) {
      if (!state.initialOwed && state.pending.isEmpty()) {
        continue;
      }
      Map<String, XdsResource> view = cache.view(identity.gateway(), state.typeUrl);
      DeltaDiscoveryResponse.Builder response =
          DeltaDiscoveryResponse.newBuilder().setTypeUrl(state.typeUrl);
      // Room for the type URL, nonce and version info, so the whole message stays in budget.
      long bytes = RESPONSE_HEADER_BUDGET + state.typeUrl.length();
      while (!state.pending.isEmpty()) {
        String name = state.pending.first();
        XdsResource resource = view.get(name);
        if (resource != null && state.subscribed(name)) {
          if (!resource.version().equals(state.sent.get(name))) {
            long size = CodedOutputStream.computeMessageSize(2, resource.envelope());
            if (bytes + size > maxResponseBytes && response.getResourcesCount() + response.getRemovedResourcesCount() > 0) {
              break;
            }
            response.addResources(resource.envelope());
            bytes += size;
            state.sent.put(name, resource.version());
            state.rejections.remove(name);
          }
        } else if (state.sent.containsKey(name)) {
          long size = CodedOutputStream.computeStringSize(6, name);
          if (bytes + size > maxResponseBytes && response.getResourcesCount() + response.getRemovedResourcesCount() > 0) {
            break;
          }
          state.sent.remove(name);
          response.addRemovedResources(name);
          bytes += size;
          state.rejections.remove(name);
        }
        state.pending.pollFirst();
      }
      if (response.getResourcesCount() == 0
          && response.getRemovedResourcesCount() == 0
          && !state.initialOwed) {
        // Everything pending turned out unchanged for this proxy: nothing to send.
        continue;
      }
      state.initialOwed = false;
      long latency = System.nanoTime() - state.pendingSinceNanos;
      if (!state.pending.isEmpty()) {
        // The rest goes in the next response; its latency still counts from the same change.
      } else {
        state.pendingSinceNanos = 0;
      }
      String nonce = Long.toHexString(streamId) + "-" + Long.toHexString(++nonceCounter);
      state.lastNonceSent = nonce;
      response.setNonce(nonce).setSystemVersionInfo(nonce);
      DeltaDiscoveryResponse built = response.build();
      return new Push(built, built.getSerializedSize(), latency);
    }
    return null;
  }

  void close() {
    synchronized (lock) {
      closed = true;
    }
  }

  /** A point-in-time description of this connection, for debug endpoints and tests. */
  ConnectionSnapshot snapshot() {
    synchronized (lock) {
      Map<String, ConnectionSnapshot.TypeSnapshot> byType = new LinkedHashMap<>();
      for (TypeState state : types.values()) {
        byType.put(
            state.typeUrl,
            new ConnectionSnapshot.TypeSnapshot(
                Collections.unmodifiableMap(new HashMap<>(state.sent)),
                state.pending.size(),
                state.lastNonceSent,
                state.lastNonceAcked,
                List.copyOf(state.rejections.values())));
      }
      return new ConnectionSnapshot(
          streamId, identity, connectedAtMillis, pushes, bytesSent, Map.copyOf(byType));
    }
  }
}
