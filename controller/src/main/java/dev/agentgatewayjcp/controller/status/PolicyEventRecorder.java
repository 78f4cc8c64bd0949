package dev.agentgatewayjcp.controller.status;

import dev.agentgatewayjcp.api.istio.IstioStatus;
import dev.agentgatewayjcp.controller.source.InputStore;
import dev.agentgatewayjcp.translator.input.ObjectRef;
import io.fabric8.kubernetes.api.model.Condition;
import io.fabric8.kubernetes.api.model.EventBuilder;
import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.KubernetesResource;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientException;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.HexFormat;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executors;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.function.BooleanSupplier;
import java.util.regex.Pattern;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * PolicyEventRecorder turns the reports on Istio AuthorizationPolicies and RequestAuthentications
 * into Warning Events on those objects, since their status belongs to istiod and we never write it.
 *
 * <p>A report warns when the policy is not accepted (rejected, unsupported, failing closed), or
 * when a RequestAuthentication is accepted with problems (keys that cannot be fetched, rules
 * whose issuers' tokens are refused, features agentgateway lacks). Only the leader records.
 *
 * <p>Not spamming: a report must persist for a delay before it is recorded, so the short
 * "keys not fetched yet" state at startup is not one; each distinct report on an object is recorded
 * once; and the Event's name is derived from the object's uid and the report, so another replica
 * or a restarted controller that records the same report finds it already there and adds nothing.
 */
public final class PolicyEventRecorder implements StatusSink, AutoCloseable {

  /** How long a report must persist before it becomes an Event. */
  public static final Duration DEFAULT_DELAY = Duration.ofSeconds(10);
  /** Kinds whose reports become Events. */
  public static final Set<String> KINDS = Set.of("AuthorizationPolicy", "RequestAuthentication");

  private static final Logger LOG = LoggerFactory.getLogger(PolicyEventRecorder.class);
  private static final Pattern PLAIN_JWT_SUCCESS = Pattern.compile("translated \\d+ JWT rule\\(s\\)");
  private static final int MAX_MESSAGE = 1024;

  /** A report worth an Event. */
  record Warning(String reason, String message) {}

  private final KubernetesClient client;
  private final InputStore store;
  private final BooleanSupplier leaderCheck;
  private final Duration delay;
  private final Clock clock;
  private final Map<ObjectRef, Warning> current = new ConcurrentHashMap<>();
  private final Map<ObjectRef, Warning> recorded = new ConcurrentHashMap<>();
  private final ScheduledExecutorService timer = Executors.newSingleThreadScheduledExecutor(r -> {
    Thread t = new Thread(r, "policy-events");
    t.setDaemon(true);
    return t;
  });

  public PolicyEventRecorder(KubernetesClient client, InputStore store, BooleanSupplier leader, Duration delay, Clock clock) {
    this.client = client;
    this.store = store;
    this.leaderCheck = leader;
    this.delay = delay;
    this.clock = clock;
  }

  @Override
  public void onStatusChange(Map<ObjectRef, KubernetesResource> changed, Set<ObjectRef> removed) {
    changed.forEach((ref, status) -> {
      if (!KINDS.contains(ref.kind())) {
        return;
      }
      Warning w = warning(ref.kind(), status);
      if (w == null) {
        current.remove(ref);
        // A later recurrence is news again.
        recorded.remove(ref);
      } else {
        current.put(ref, w);
        schedule(ref, w);
      }
    });
    removed.forEach(ref -> {
      current.remove(ref);
      recorded.remove(ref);
    });
  }

  /** On gaining leadership, records the warnings that are current and not yet recorded. */
  public void setLeader(boolean leader) {
    if (leader) {
      current.forEach(this::schedule);
    }
  }

  /** The Warning a report calls for, or null when it is a plain success. */
  static Warning warning(String kind, KubernetesResource status) {
    if (!(status instanceof IstioStatus s) || s.conditions == null) {
      return null;
    }
    for (Condition c : s.conditions) {
      if (!"Accepted".equals(c.getType())) {
        continue;
      }
      String message = c.getMessage() == null ? "" : c.getMessage();
      if ("False".equals(c.getStatus())) {
        return new Warning(c.getReason() == null ? "NotAccepted" : c.getReason(), message);
      }
      if ("RequestAuthentication".equals(kind) && !PLAIN_JWT_SUCCESS.matcher(message).matches()) {
        return new Warning("AcceptedWithProblems", message);
      }
    }
    return null;
  }

  private void schedule(ObjectRef ref, Warning w) {
    try {
      timer.schedule(() -> recordIfStill(ref, w), delay.toMillis(), TimeUnit.MILLISECONDS);
    } catch (RejectedExecutionException closed) {
      // Shutting down.
    }
  }

  private void recordIfStill(ObjectRef ref, Warning w) {
    if (!leaderCheck.getAsBoolean() || !w.equals(current.get(ref)) || w.equals(recorded.get(ref))) {
      return;
    }
    HasMetadata object = store.get(ref).orElse(null);
    if (object == null) {
      return;
    }
    try {
      record(object, w);
      recorded.put(ref, w);
    } catch (KubernetesClientException e) {
      if (e.getCode() == 409) {
        recorded.put(ref, w); // recorded already, by us before a restart or by another replica
      } else {
        LOG.warn("cannot record the report on {} as an Event: {}", ref, e.getMessage());
      }
    }
  }

  private void record(HasMetadata object, Warning w) {
    String namespace = object.getMetadata().getNamespace();
    String uid = object.getMetadata().getUid();
    String now = Instant.now(clock).truncatedTo(ChronoUnit.SECONDS).toString();
    String message = w.message().length() > MAX_MESSAGE ? w.message().substring(0, MAX_MESSAGE - 3) + "..." : w.message();
    LOG.warn("{} {}/{}: {}: {}", object.getKind(), namespace, object.getMetadata().getName(), w.reason(), message);
    client.v1().events().inNamespace(namespace).resource(new EventBuilder()
        .withNewMetadata().withName(eventName(object.getMetadata().getName(), uid, w)).withNamespace(namespace).endMetadata()
        .withNewInvolvedObject()
        .withApiVersion(object.getApiVersion()).withKind(object.getKind())
        .withName(object.getMetadata().getName()).withNamespace(namespace).withUid(uid)
        .endInvolvedObject()
        .withType("Warning")
        .withReason(w.reason())
        .withMessage(message)
        .withNewSource().withComponent("agentgateway-jcp").endSource()
        .withReportingComponent("agentgateway-jcp")
        .withFirstTimestamp(now).withLastTimestamp(now).withCount(1)
        .build()).create();
  }

  /** The same object, uid and report always give the same name; the API server refuses a second. */
  static String eventName(String objectName, String uid, Warning w) {
    try {
      MessageDigest sha = MessageDigest.getInstance("SHA-256");
      byte[] digest = sha.digest((uid + "\n" + w.reason() + "\n" + w.message()).getBytes(StandardCharsets.UTF_8));
      String prefix = objectName.length() > 200 ? objectName.substring(0, 200) : objectName;
      return prefix + "." + HexFormat.of().formatHex(digest, 0, 8);
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException("every JVM provides SHA-256", e);
    }
  }

  @Override
  public void close() {
    timer.shutdownNow();
  }
}
