package dev.agentgatewayjcp.controller.xds;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.agentgatewayjcp.controller.xds.RejectedResource.Severity;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * NackParser reads the JSON error list agentgateway puts in {@code error_detail.message}.
 *
 * <p>The proxy sends {@code [{"key": <name>, "error": <text>}, {"key": <name>, "warn": <text>}]}
 * and leaves {@code code} at 0, so the presence of {@code error_detail} alone says nothing about
 * acceptance. Text that is not such a list (another client, a future format) becomes a single
 * error entry with an empty name, so that it is still surfaced and never silently dropped.
 */
final class NackParser {

  private static final ObjectMapper JSON = new ObjectMapper();

  private NackParser() {}

  static List<RejectedResource> parse(String typeUrl, String message, Map<String, String> sent) {
    List<RejectedResource> result = new ArrayList<>();
    JsonNode root;
    try {
      root = JSON.readTree(message);
    } catch (Exception e) {
      root = null;
    }
    if (root == null || !root.isArray()) {
      result.add(new RejectedResource(typeUrl, "", "", Severity.ERROR, message));
      return result;
    }
    for (JsonNode entry : root) {
      String key = entry.path("key").asText("");
      String version = sent.getOrDefault(key, "");
      if (entry.hasNonNull("error")) {
        result.add(
            new RejectedResource(typeUrl, key, version, Severity.ERROR, entry.get("error").asText()));
      } else if (entry.hasNonNull("warn")) {
        result.add(
            new RejectedResource(typeUrl, key, version, Severity.WARNING, entry.get("warn").asText()));
      } else {
        result.add(new RejectedResource(typeUrl, key, version, Severity.ERROR, entry.toString()));
      }
    }
    return result;
  }
}
