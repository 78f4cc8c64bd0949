package dev.agentgatewayjcp.controller.status;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.agentgatewayjcp.controller.source.InputStore;
import dev.agentgatewayjcp.controller.status.GatewayRejections.Rejection;
import dev.agentgatewayjcp.translator.input.InputKind;
import dev.agentgatewayjcp.translator.input.ObjectRef;
import dev.agentgatewayjcp.translator.output.GatewayKey;
import io.fabric8.kubernetes.api.model.EventBuilder;
import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientException;
import java.time.Clock;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.BooleanSupplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * RejectionReporter turns a Gateway's rejected resources into a Warning Event per new rejection
 * and a condition on the Gateway that names them.
 *
 * <p>The condition, {@value #CONDITION_TYPE}, is present with status False only while some proxy
 * rejects something; its message names the resources and the proxies' errors.
 */
public final class RejectionReporter {

  /** Implementation-specific condition type, prefixed with our domain as Gateway API requires. */
  public static final String CONDITION_TYPE = "agentgateway-jcp.dev/ProxyConfigAccepted";

  private static final Logger LOG = LoggerFactory.getLogger(RejectionReporter.class);
  private static final ObjectMapper JSON = new ObjectMapper();
  private static final int MAX_MESSAGE = 1024;

  private final KubernetesClient client;
  private final InputStore store;
  private final KubernetesStatusWriter statusWriter;
  private final BooleanSupplier leader;
  private final Clock clock;
  private final Map<GatewayKey, List<Rejection>> rejections = new ConcurrentHashMap<>();

  public RejectionReporter(
      KubernetesClient client, InputStore store, KubernetesStatusWriter statusWriter, BooleanSupplier leader, Clock clock) {
    this.client = client;
    this.store = store;
    this.statusWriter = statusWriter;
    this.leader = leader;
    this.clock = clock;
    statusWriter.setExtraConditions(this::conditionsFor);
  }

  /** Called by {@link GatewayRejections} with a Gateway's new rejection list. */
  public void onChange(GatewayKey gateway, List<Rejection> now) {
    List<Rejection> before = now.isEmpty() ? rejections.remove(gateway) : rejections.put(gateway, now);
    Set<Rejection> known = before == null ? Set.of() : new HashSet<>(before);
    for (Rejection r : now) {
      if (!known.contains(r)) {
        LOG.warn("Gateway {}: proxy {} rejected {}: {}", gateway, r.proxy(), r.resource(), r.message());
        event(gateway, r);
      }
    }
    statusWriter.refresh(InputKind.GATEWAY.ref(gateway.namespace(), gateway.name()));
  }

  private List<JsonNode> conditionsFor(ObjectRef ref) {
    if (!"Gateway".equals(ref.kind())) {
      return List.of();
    }
    List<Rejection> now = rejections.get(new GatewayKey(ref.namespace(), ref.name()));
    if (now == null || now.isEmpty()) {
      return List.of();
    }
    StringBuilder message = new StringBuilder("proxies rejected " + now.size() + " resource(s): ");
    for (Rejection r : now) {
      message.append(r.resource()).append(" (").append(r.proxy()).append(": ").append(r.message()).append("); ");
    }
    String text = message.length() > MAX_MESSAGE ? message.substring(0, MAX_MESSAGE - 3) + "..." : message.toString();
    Long generation = store.get(ref).map(o -> o.getMetadata().getGeneration()).orElse(null);
    ObjectNode condition = JSON.createObjectNode()
        .put("type", CONDITION_TYPE)
        .put("status", "False")
        .put("reason", "Rejected")
        .put("message", text.trim())
        .put("lastTransitionTime", Instant.now(clock).truncatedTo(ChronoUnit.SECONDS).toString());
    if (generation != null) {
      condition.put("observedGeneration", generation);
    }
    return List.of(condition);
  }

  private void event(GatewayKey gateway, Rejection r) {
    if (!leader.getAsBoolean()) {
      return;
    }
    HasMetadata gw = store.get(InputKind.GATEWAY.ref(gateway.namespace(), gateway.name())).orElse(null);
    if (gw == null) {
      return;
    }
    String now = Instant.now(clock).truncatedTo(ChronoUnit.SECONDS).toString();
    String message = "proxy " + r.proxy() + " rejected " + r.resource() + ": " + r.message();
    try {
      client.v1().events().inNamespace(gateway.namespace()).resource(new EventBuilder()
          .withNewMetadata().withGenerateName(gateway.name() + ".").withNamespace(gateway.namespace()).endMetadata()
          .withNewInvolvedObject()
          .withApiVersion("gateway.networking.k8s.io/v1").withKind("Gateway")
          .withName(gateway.name()).withNamespace(gateway.namespace()).withUid(gw.getMetadata().getUid())
          .endInvolvedObject()
          .withType("Warning")
          .withReason("ConfigRejected")
          .withMessage(message.length() > MAX_MESSAGE ? message.substring(0, MAX_MESSAGE) : message)
          .withNewSource().withComponent("agentgateway-jcp").endSource()
          .withFirstTimestamp(now).withLastTimestamp(now).withCount(1)
          .build()).create();
    } catch (KubernetesClientException e) {
      LOG.warn("cannot record the rejection event on Gateway {}: {}", gateway, e.getMessage());
    }
  }
}
