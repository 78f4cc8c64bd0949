package dev.agentgatewayjcp.controller.status;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.fabric8.kubernetes.api.model.KubernetesResource;

/**
 * StatusComparison decides whether two statuses differ in anything but condition timestamps.
 *
 * <p>Every translation stamps conditions with the clock; a status whose conditions kept their
 * status, reason and message has not changed for its readers and must not cause a write.
 */
public final class StatusComparison {

  private static final ObjectMapper JSON = new ObjectMapper();

  private StatusComparison() {}

  /** True when {@code a} and {@code b} are equal once every lastTransitionTime is ignored. */
  public static boolean sameIgnoringTransitionTimes(KubernetesResource a, KubernetesResource b) {
    if (a == b) {
      return true;
    }
    if (a == null || b == null || a.getClass() != b.getClass()) {
      return false;
    }
    return strip(JSON.valueToTree(a)).equals(strip(JSON.valueToTree(b)));
  }

  private static JsonNode strip(JsonNode node) {
    if (node instanceof ObjectNode object) {
      object.remove("lastTransitionTime");
      object.fields().forEachRemaining(e -> strip(e.getValue()));
    } else if (node.isArray()) {
      node.forEach(StatusComparison::strip);
    }
    return node;
  }
}
