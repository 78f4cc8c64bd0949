package dev.agentgatewayjcp.controller.xds;

import com.google.protobuf.InvalidProtocolBufferException;
import com.google.protobuf.Struct;
import com.google.protobuf.Value;
import dev.agentgatewayjcp.api.discovery.AggregatedDiscoveryServiceGrpc;
import dev.agentgatewayjcp.api.discovery.DeltaDiscoveryRequest;
import dev.agentgatewayjcp.api.discovery.DeltaDiscoveryResponse;
import dev.agentgatewayjcp.api.discovery.Node;
import dev.agentgatewayjcp.api.discovery.Resource;
import dev.agentgatewayjcp.api.discovery.Status;
import dev.agentgatewayjcp.api.wire.TypeUrls;
import dev.agentgatewayjcp.api.workload.Address;
import io.grpc.Channel;
import io.grpc.stub.ClientCallStreamObserver;
import io.grpc.stub.ClientResponseObserver;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.function.BiFunction;
import java.util.function.Predicate;

/**
 * AgentgatewayTestClient is a Delta ADS client that behaves as agentgateway v1.4.1's xDS client
 * does, so server tests exercise exactly what the real proxy sends.
 *
 * <p>What it copies from the proxy (crates/xds/src/client.rs at v1.4.1): the node id format and
 * metadata keys; one initial request per type, Address first, then Resource, each with the node, an
 * empty (wildcard) subscription and the versions it still holds; resources applied before removals;
 * exactly one reply per response, an ACK with the nonce or a NACK whose {@code error_detail.message}
 * is a JSON list of {@code {key, error|warn}}; rejected resources are not remembered; state kept
 * across reconnects and advertised through {@code initial_resource_versions}.
 */
public final class AgentgatewayTestClient implements AutoCloseable {

  /** What the client decides about one received resource, like the proxy's validation. */
  public enum Verdict {
    ACCEPT,
    WARN,
    REJECT
  }

  /** One accepted resource as the proxy would store it. */
  public record Held(String version, com.google.protobuf.Message payload, long receivedNanos) {}

  /** Told of every accepted resource as it arrives (benchmarks record arrival times with it). */
  public interface ArrivalListener {
    void onResource(String typeUrl, String name, long receivedNanos);
  }

  public static final List<String> SUBSCRIPTION_ORDER = List.of(TypeUrls.ADDRESS, TypeUrls.RESOURCE);

  private final Channel channel;
  private final String namespace;
  private final String gateway;
  private final String podName;
  private final String instanceIp;
  private final String nodeName;
  private volatile BiFunction<String, Resource, Verdict> validator = (t, r) -> Verdict.ACCEPT;
  private volatile ArrivalListener arrivals = (t, n, at) -> {};
  /** False in benchmarks with thousands of clients: keep no responses, requests or payloads. */
  private volatile boolean retaining = true;

  private final Object lock = new Object();
  private final Map<String, Map<String, Held>> store = new HashMap<>();
  private final List<DeltaDiscoveryResponse> responses = new ArrayList<>();
  private final List<DeltaDiscoveryRequest> sentRequests = new ArrayList<>();
  private final Map<String, Long> removedAtNanos = new HashMap<>();
  private final Set<String> typesAnswered = new java.util.HashSet<>();
  private long bytesReceived;
  private io.grpc.Status lastError;
  private boolean streamOpen;
  private ClientCallStreamObserver<DeltaDiscoveryRequest> requests;

  public AgentgatewayTestClient(Channel channel, String namespace, String gateway, String podName) {
    this(channel, namespace, gateway, podName, "1.1.1.1", "");
  }

  public AgentgatewayTestClient(
      Channel channel,
      String namespace,
      String gateway,
      String podName,
      String instanceIp,
      String nodeName) {
    this.channel = channel;
    this.namespace = namespace;
    this.gateway = gateway;
    this.podName = podName;
    this.instanceIp = instanceIp;
    this.nodeName = nodeName;
    for (String type : SUBSCRIPTION_ORDER) {
      store.put(type, new TreeMap<>());
    }
  }

  /** The node agentgateway builds from INSTANCE_IP, POD_NAME, NAMESPACE, NODE_NAME and GATEWAY. */
  public Node node() {
    Struct metadata =
        Struct.newBuilder()
            .putFields("NAME", string(podName))
            .putFields("NAMESPACE", string(namespace))
            .putFields("INSTANCE_IPS", string(instanceIp))
            .putFields("NODE_NAME", string(nodeName))
            .putFields("role", string(namespace + "~" + gateway))
            .putFields("GATEWAY_NAME", string(gateway))
            .build();
    return Node.newBuilder()
        .setId(
            "agentgateway~"
                + instanceIp
                + "~"
                + podName
                + "."
                + namespace
                + "~"
                + namespace
                + ".svc.cluster.local")
        .setMetadata(metadata)
        .build();
  }

  /** Decides, per received resource, whether to accept, warn about or reject it. */
  public void validator(BiFunction<String, Resource, Verdict> newValidator) {
    this.validator = newValidator;
  }

  /** Registers the one listener told of every accepted resource. */
  public AgentgatewayTestClient onArrival(ArrivalListener listener) {
    this.arrivals = listener;
    return this;
  }

  /**
   * Stops keeping responses, sent requests and decoded payloads, so that a thousand clients
   * holding thousands of resources fit in one JVM. What goes on the wire does not change; only
   * versions are kept, as the proxy keeps them for reconnects.
   */
  public AgentgatewayTestClient lightweight() {
    this.retaining = false;
    return this;
  }

  /** Opens a stream and sends the initial subscriptions, Address first. */
  public AgentgatewayTestClient connect() {
    var stub = AggregatedDiscoveryServiceGrpc.newStub(channel);
    synchronized (lock) {
      lastError = null;
      streamOpen = true;
    }
    stub.deltaAggregatedResources(
        new ClientResponseObserver<DeltaDiscoveryRequest, DeltaDiscoveryResponse>() {
          @Override
          public void beforeStart(ClientCallStreamObserver<DeltaDiscoveryRequest> stream) {
            synchronized (lock) {
              requests = stream;
            }
          }

          @Override
          public void onNext(DeltaDiscoveryResponse response) {
            handle(response);
          }

          @Override
          public void onError(Throwable t) {
            synchronized (lock) {
              lastError = io.grpc.Status.fromThrowable(t);
              streamOpen = false;
              lock.notifyAll();
            }
          }

          @Override
          public void onCompleted() {
            synchronized (lock) {
              lastError = io.grpc.Status.OK;
              streamOpen = false;
              lock.notifyAll();
            }
          }
        });
    synchronized (lock) {
      for (String type : SUBSCRIPTION_ORDER) {
        Map<String, String> versions = new LinkedHashMap<>();
        store.get(type).forEach((name, held) -> versions.put(name, held.version()));
        send(
            DeltaDiscoveryRequest.newBuilder()
                .setNode(node())
                .setTypeUrl(type)
                .putAllInitialResourceVersions(versions)
                .build());
      }
    }
    return this;
  }

  /** Drops the stream as a network failure would, keeping all state, and connects again. */
  public AgentgatewayTestClient reconnect() {
    disconnect();
    return connect();
  }

  /** Cancels the stream; the held state stays, as in the proxy. */
  public void disconnect() {
    ClientCallStreamObserver<DeltaDiscoveryRequest> stream;
    synchronized (lock) {
      stream = requests;
      requests = null;
      streamOpen = false;
    }
    if (stream != null) {
      stream.cancel("test disconnect", null);
    }
  }

  private void handle(DeltaDiscoveryResponse response) {
    long now = System.nanoTime();
    synchronized (lock) {
      if (retaining) {
        responses.add(response);
      }
      typesAnswered.add(response.getTypeUrl());
      bytesReceived += response.getSerializedSize();
      Map<String, Held> held = store.get(response.getTypeUrl());
      List<String> entries = new ArrayList<>();
      if (held == null) {
        // The proxy logs an unknown type and still ACKs it.
        send(ack(response, entries));
        lock.notifyAll();
        return;
      }
      for (Resource resource : response.getResourcesList()) {
        Verdict verdict;
        com.google.protobuf.Message payload;
        try {
          payload = retaining ? decode(response.getTypeUrl(), resource) : null;
          verdict = validator.apply(response.getTypeUrl(), resource);
        } catch (InvalidProtocolBufferException | RuntimeException e) {
          payload = null;
          verdict = Verdict.REJECT;
        }
        switch (verdict) {
          case ACCEPT -> {
            held.put(resource.getName(), new Held(resource.getVersion(), payload, now));
            arrivals.onResource(response.getTypeUrl(), resource.getName(), now);
          }
          case WARN -> {
            held.put(resource.getName(), new Held(resource.getVersion(), payload, now));
            entries.add(jsonEntry(resource.getName(), "warn", "test warning"));
          }
          case REJECT -> entries.add(jsonEntry(resource.getName(), "error", "test rejection"));
        }
      }
      for (String name : response.getRemovedResourcesList()) {
        held.remove(name);
        removedAtNanos.put(name, now);
      }
      send(ack(response, entries));
      lock.notifyAll();
    }
  }

  private static com.google.protobuf.Message decode(String typeUrl, Resource resource)
      throws InvalidProtocolBufferException {
    if (!resource.hasResource()) {
      throw new InvalidProtocolBufferException("XDS payload without resource");
    }
    // Like the proxy: decode as the response's type, whatever the Any says.
    return TypeUrls.ADDRESS.equals(typeUrl)
        ? Address.parseFrom(resource.getResource().getValue())
        : dev.agentgatewayjcp.api.resource.Resource.parseFrom(resource.getResource().getValue());
  }

  private static DeltaDiscoveryRequest ack(DeltaDiscoveryResponse response, List<String> entries) {
    DeltaDiscoveryRequest.Builder request =
        DeltaDiscoveryRequest.newBuilder()
            .setTypeUrl(response.getTypeUrl())
            .setResponseNonce(response.getNonce());
    if (!entries.isEmpty()) {
      request.setErrorDetail(Status.newBuilder().setMessage("[" + String.join(",", entries) + "]"));
    }
    return request.build();
  }

  private static String jsonEntry(String key, String kind, String text) {
    return "{\"key\":\"" + key + "\",\"" + kind + "\":\"" + text + "\"}";
  }

  private void send(DeltaDiscoveryRequest request) {
    if (retaining) {
      sentRequests.add(request);
    }
    if (requests != null) {
      requests.onNext(request);
    }
  }

  /** Names and versions held for one type. */
  public Map<String, String> versions(String typeUrl) {
    synchronized (lock) {
      Map<String, String> result = new TreeMap<>();
      store.get(typeUrl).forEach((name, held) -> result.put(name, held.version()));
      return result;
    }
  }

  public Set<String> names(String typeUrl) {
    return versions(typeUrl).keySet();
  }

  public Held held(String typeUrl, String name) {
    synchronized (lock) {
      return store.get(typeUrl).get(name);
    }
  }

  public Long removedAt(String name) {
    synchronized (lock) {
      return removedAtNanos.get(name);
    }
  }

  public List<DeltaDiscoveryResponse> responses() {
    synchronized (lock) {
      return List.copyOf(responses);
    }
  }

  public List<DeltaDiscoveryRequest> sentRequests() {
    synchronized (lock) {
      return List.copyOf(sentRequests);
    }
  }

  public long bytesReceived() {
    synchronized (lock) {
      return bytesReceived;
    }
  }

  public io.grpc.Status lastError() {
    synchronized (lock) {
      return lastError;
    }
  }

  public boolean isStreamOpen() {
    synchronized (lock) {
      return streamOpen;
    }
  }

  /** Waits until {@code condition} holds for this client, or fails after {@code timeout}. */
  public void await(Duration timeout, String what, Predicate<AgentgatewayTestClient> condition) {
    long deadline = System.nanoTime() + timeout.toNanos();
    synchronized (lock) {
      while (!condition.test(this)) {
        long left = deadline - System.nanoTime();
        if (left <= 0) {
          throw new AssertionError(
              "timed out after " + timeout + " waiting for " + what + "; holding " + store);
        }
        try {
          lock.wait(Math.max(1, left / 1_000_000));
        } catch (InterruptedException e) {
          Thread.currentThread().interrupt();
          throw new AssertionError("interrupted", e);
        }
      }
    }
  }

  /** True once it has one response per subscribed type, as the proxy's readiness requires. */
  public boolean hasInitialResponses() {
    synchronized (lock) {
      return typesAnswered.containsAll(SUBSCRIPTION_ORDER);
    }
  }

  @Override
  public void close() {
    disconnect();
  }

  private static Value string(String s) {
    return Value.newBuilder().setStringValue(s).build();
  }
}
