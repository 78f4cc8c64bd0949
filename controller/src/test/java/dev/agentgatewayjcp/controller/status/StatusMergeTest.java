package dev.agentgatewayjcp.controller.status;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import org.junit.jupiter.api.Test;

/** Checks how our entries are merged into statuses other controllers share. */
class StatusMergeTest {

  private static final ObjectMapper JSON = new ObjectMapper();
  private static final String US = "agentgateway-jcp.dev/controller";

  private static JsonNode json(String text) throws Exception {
    return JSON.readTree(text.replace('\'', '"'));
  }

  @Test
  void policyAncestorsOfOtherControllersSurviveAndOursKeepTransitionTimes() throws Exception {
    JsonNode live = json("""
        {'ancestors': [
          {'ancestorRef': {'name': 'theirs'}, 'controllerName': 'example.com/other', 'conditions': []},
          {'ancestorRef': {'name': 'gw'}, 'controllerName': '%s', 'conditions': [
            {'type': 'Accepted', 'status': 'True', 'reason': 'Accepted', 'lastTransitionTime': '2025-01-01T00:00:00Z'}]}]}
        """.formatted(US));
    JsonNode desired = json("""
        {'ancestors': [
          {'ancestorRef': {'name': 'gw'}, 'controllerName': '%s', 'conditions': [
            {'type': 'Accepted', 'status': 'True', 'reason': 'Accepted', 'lastTransitionTime': '2026-01-01T00:00:00Z'}]}]}
        """.formatted(US));
    JsonNode merged = StatusMerge.merge("BackendTLSPolicy", live, desired, US);
    assertThat(merged.path("ancestors")).hasSize(2);
    assertThat(merged.path("ancestors").get(0).path("controllerName").asText()).isEqualTo("example.com/other");
    assertThat(merged.path("ancestors").get(1).path("conditions").get(0).path("lastTransitionTime").asText())
        .isEqualTo("2025-01-01T00:00:00Z");

    // No longer an ancestor of ours: only our entries go, and the required list stays.
    JsonNode removed = StatusMerge.merge("BackendTLSPolicy", live, null, US);
    assertThat(removed.path("ancestors")).hasSize(1);
    assertThat(StatusMerge.merge("BackendTLSPolicy", json("{}"), null, US).has("ancestors")).isTrue();
  }

  @Test
  void inferencePoolParentsDropThePlaceholderAndKeepOtherControllers() throws Exception {
    JsonNode live = json("""
        {'parents': [
          {'parentRef': {'kind': 'Status', 'name': 'default'}, 'conditions': []},
          {'parentRef': {'name': 'theirs'}, 'controllerName': 'example.com/other', 'conditions': []}]}
        """);
    JsonNode desired = json("""
        {'parents': [
          {'parentRef': {'group': 'gateway.networking.k8s.io', 'kind': 'Gateway', 'name': 'gw'},
           'controllerName': '%s', 'conditions': [{'type': 'Accepted', 'status': 'True'}]}]}
        """.formatted(US));
    JsonNode merged = StatusMerge.merge("InferencePool", live, desired, US);
    assertThat(merged.path("parents")).hasSize(2);
    assertThat(merged.path("parents").get(0).path("controllerName").asText()).isEqualTo("example.com/other");
    assertThat(merged.path("parents").get(1).path("parentRef").path("name").asText()).isEqualTo("gw");

    // Not ours any more: our entry goes, the others (and the placeholder we did not replace) stay.
    JsonNode removed = StatusMerge.merge("InferencePool", live, null, US);
    assertThat(removed.path("parents")).hasSize(2);
    assertThat(StatusMerge.merge("InferencePool", json("{}"), null, US).has("parents")).isFalse();
  }

  @Test
  void ourRouteEntriesKeepTheirPlaceSoAnUnchangedStatusIsNotRewritten() throws Exception {
    // Another controller appended its entry after ours; the live list is what we would write.
    JsonNode live = json("""
        {'parents': [
          {'parentRef': {'name': 'a'}, 'controllerName': '%1$s',
           'conditions': [{'type': 'Accepted', 'status': 'True', 'lastTransitionTime': '2026-01-01T00:00:00Z'}]},
          {'parentRef': {'name': 'peer'}, 'controllerName': 'example.com/other', 'conditions': []},
          {'parentRef': {'name': 'b'}, 'controllerName': '%1$s', 'conditions': []}]}
        """.formatted(US));
    JsonNode desired = json("""
        {'parents': [
          {'parentRef': {'name': 'a'}, 'controllerName': '%1$s',
           'conditions': [{'type': 'Accepted', 'status': 'True', 'lastTransitionTime': '2026-11-26T00:00:00Z'}]},
          {'parentRef': {'name': 'b'}, 'controllerName': '%1$s', 'conditions': []}]}
        """.formatted(US));
    assertThat(StatusMerge.merge("HTTPRoute", live, desired, US)).isEqualTo(live);

    // A parent we no longer report goes from its place; a new one is appended.
    JsonNode changed = json("""
        {'parents': [
          {'parentRef': {'name': 'b'}, 'controllerName': '%1$s', 'conditions': []},
          {'parentRef': {'name': 'c'}, 'controllerName': '%1$s', 'conditions': []}]}
        """.formatted(US));
    JsonNode merged = StatusMerge.merge("HTTPRoute", live, changed, US);
    assertThat(merged.path("parents")).extracting(p -> p.path("parentRef").path("name").asText())
        .containsExactly("peer", "b", "c");
  }

  @Test
  void xbackendParentsOfOtherControllersSurviveAndOursKeepTransitionTimes() throws Exception {
    // Istio reports a mesh parent (kind XBackend) and its Gateways; only our entries are ours.
    JsonNode live = json("""
        {'parents': [
          {'parentRef': {'group': 'gateway.networking.x-k8s.io', 'kind': 'XBackend', 'name': 'xb'},
           'controllerName': 'istio.io/mesh-controller', 'conditions': []},
          {'parentRef': {'group': 'gateway.networking.k8s.io', 'kind': 'Gateway', 'namespace': 'ns', 'name': 'gw'},
           'controllerName': '%s', 'conditions': [
             {'type': 'Accepted', 'status': 'True', 'reason': 'Accepted', 'lastTransitionTime': '2025-01-01T00:00:00Z'}]},
          {'parentRef': {'group': 'gateway.networking.k8s.io', 'kind': 'Gateway', 'namespace': 'ns', 'name': 'old'},
           'controllerName': '%s', 'conditions': []}]}
        """.formatted(US, US));
    JsonNode desired = json("""
        {'parents': [
          {'parentRef': {'group': 'gateway.networking.k8s.io', 'kind': 'Gateway', 'namespace': 'ns', 'name': 'gw'},
           'controllerName': '%s', 'conditions': [
             {'type': 'Accepted', 'status': 'True', 'reason': 'Accepted', 'lastTransitionTime': '2026-01-01T00:00:00Z'}]}]}
        """.formatted(US));
    JsonNode merged = StatusMerge.merge("XBackend", live, desired, US);
    assertThat(merged.path("parents")).hasSize(2);
    assertThat(merged.path("parents").get(0).path("controllerName").asText()).isEqualTo("istio.io/mesh-controller");
    assertThat(merged.path("parents").get(1).path("parentRef").path("name").asText()).isEqualTo("gw");
    assertThat(merged.path("parents").get(1).path("conditions").get(0).path("lastTransitionTime").asText())
        .isEqualTo("2025-01-01T00:00:00Z");

    // No route of ours uses it any more: our entries go, the list goes when it is empty.
    assertThat(StatusMerge.merge("XBackend", live, null, US).path("parents")).hasSize(1);
    assertThat(StatusMerge.merge("XBackend", json("{}"), null, US).has("parents")).isFalse();
    // The Inference Extension's placeholder means nothing on an XBackend: it is someone's entry.
    JsonNode placeholder = json("{'parents': [{'parentRef': {'kind': 'Status', 'name': 'default'}, 'conditions': []}]}");
    assertThat(StatusMerge.merge("XBackend", placeholder, desired, US).path("parents")).hasSize(2);

    // The schema allows 32 entries: other controllers' come first, ours fill what is left.
    StringBuilder many = new StringBuilder("{'parents': [");
    for (int i = 0; i < 40; i++) {
      many.append(i == 0 ? "" : ",").append("{'parentRef': {'name': 'gw-").append(i)
          .append("'}, 'controllerName': '").append(US).append("', 'conditions': []}");
    }
    JsonNode capped = StatusMerge.merge("XBackend", live, json(many + "]}"), US);
    assertThat(capped.path("parents")).hasSize(32);
    assertThat(capped.path("parents").get(0).path("controllerName").asText()).isEqualTo("istio.io/mesh-controller");
  }
}
