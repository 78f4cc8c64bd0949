package dev.agentgatewayjcp.controller.status;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.Set;

/**
 * StatusMerge combines the status we want with the status an object has now, so that a write
 * changes only what is ours.
 *
 * <p>Route {@code status.parents} is an atomic list shared by every controller that the route's
 * parents belong to: entries whose {@code controllerName} is not ours are kept as they are, ours
 * are replaced. Everywhere, a condition whose status did not change keeps its live {@code
 * lastTransitionTime}, so a translation does not rewrite timestamps. Pure: it works on JSON trees
 * and never mutates its arguments.
 */
public final class StatusMerge {

  /** Kinds whose status is a shared {@code parents} list. */
  public static final Set<String> ROUTE_KINDS = Set.of("HTTPRoute", "GRPCRoute", "TLSRoute", "TCPRoute", "UDPRoute");

  /**
   * Other kinds whose status is a shared {@code parents} list of {@code parentRef} entries (the
   * Inference Extension's InferencePool, Gateway API's XBackend).
   */
  public static final Set<String> PARENT_KINDS = Set.of("InferencePool", "XBackend");

  /** The most {@code parents} entries the InferencePool and XBackend schemas accept. */
  static final int MAX_PARENTS = 32;

  /** Policy kinds whose status is a list of ancestors shared with other controllers. */
  public static final Set<String> POLICY_KINDS = Set.of("BackendTLSPolicy");

  /** Whether several controllers share the object's status, each owning its own entries. */
  public static boolean isShared(String kind) {
    return ROUTE_KINDS.contains(kind) || POLICY_KINDS.contains(kind) || PARENT_KINDS.contains(kind);
  }

  private StatusMerge() {}

  /**
   * Returns the status to write.
   *
   * @param kind the object's kind
   * @param live the live status, or null/missing
   * @param desired our desired status; for routes only our parents' entries, or null to remove them
   * @param controllerName our controllerName
   */
  public static JsonNode merge(String kind, JsonNode live, JsonNode desired, String controllerName) {
    ObjectNode liveStatus = live instanceof ObjectNode o ? o.deepCopy() : JsonNodeFactory.instance.objectNode();
    if (isShared(kind)) {
      boolean parentList = ROUTE_KINDS.contains(kind) || PARENT_KINDS.contains(kind);
      String listField = parentList ? "parents" : "ancestors";
      String refField = parentList ? "parentRef" : "ancestorRef";
      ArrayNode parents = JsonNodeFactory.instance.arrayNode();
      ArrayNode liveParents = liveStatus.path(listField) instanceof ArrayNode a ? a : JsonNodeFactory.instance.arrayNode();
      java.util.List<JsonNode> wanted = new java.util.ArrayList<>();
      if (desired != null) {
        desired.path(listField).forEach(wanted::add);
      }
      // Our entries stay where they are in the live list: another controller may have appended
      // after us, and a reordered list is a write (and a conflict with that controller) for nothing.
      for (JsonNode entry : liveParents) {
        // The Inference Extension creates a pool with a placeholder parent (kind Status, name
        // default) meaning "no controller has reported yet"; it goes once we report.
        boolean placeholder =
            "InferencePool".equals(kind)
                && desired != null
                && "Status".equals(entry.path(refField).path("kind").asText())
                && "default".equals(entry.path(refField).path("name").asText());
        if (placeholder) {
          continue;
        }
        if (!controllerName.equals(entry.path("controllerName").asText())) {
          parents.add(entry.deepCopy());
          continue;
        }
        JsonNode replacement = takeParent(wanted, refField, entry.path(refField));
        if (replacement != null) {
          parents.add(withTransitionTimesOf(replacement, entry));
        }
      }
      for (JsonNode entry : wanted) {
        if (PARENT_KINDS.contains(kind) && parents.size() >= MAX_PARENTS) {
          // The schema caps the list; a longer one would be refused and retried forever.
          break;
        }
        parents.add(withTransitionTimesOf(entry, null));
      }
      ObjectNode result = liveStatus;
      if (parents.isEmpty() && parentList) {
        result.remove(listField);
      } else {
        // A policy's ancestors list is required by its schema, even when empty.
        result.set(listField, parents);
      }
      return result;
    }
    if (desired == null) {
      return liveStatus;
    }
    ObjectNode result = desired.deepCopy();
    keepTransitionTimes(result.path("conditions"), liveStatus.path("conditions"));
    JsonNode listeners = result.path("listeners");
    for (JsonNode listener : listeners) {
      JsonNode before = findByName(liveStatus.path("listeners"), listener.path("name").asText());
      if (before != null) {
        keepTransitionTimes(listener.path("conditions"), before.path("conditions"));
      }
    }
    return result;
  }

  /** Removes and returns the wanted entry for {@code parentRef}, or null when we want none. */
  private static JsonNode takeParent(java.util.List<JsonNode> wanted, String refField, JsonNode parentRef) {
    for (var it = wanted.iterator(); it.hasNext(); ) {
      JsonNode entry = it.next();
      if (entry.path(refField).equals(parentRef)) {
        it.remove();
        return entry;
      }
    }
    return null;
  }

  private static ObjectNode withTransitionTimesOf(JsonNode wanted, JsonNode before) {
    ObjectNode ours = wanted.deepCopy();
    keepTransitionTimes(ours.path("conditions"), before == null ? null : before.path("conditions"));
    return ours;
  }

  private static JsonNode findByName(JsonNode list, String name) {
    for (JsonNode entry : list) {
      if (name.equals(entry.path("name").asText())) {
        return entry;
      }
    }
    return null;
  }

  private static void keepTransitionTimes(JsonNode desired, JsonNode live) {
    if (live == null || !live.isArray()) {
      return;
    }
    for (JsonNode condition : desired) {
      for (JsonNode before : live) {
        if (before.path("type").equals(condition.path("type"))
            && before.path("status").equals(condition.path("status"))
            && before.hasNonNull("lastTransitionTime")
            && condition instanceof ObjectNode c) {
          c.set("lastTransitionTime", before.get("lastTransitionTime"));
        }
      }
    }
  }
}
