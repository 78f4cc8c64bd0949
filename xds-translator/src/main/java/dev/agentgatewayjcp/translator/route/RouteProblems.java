package dev.agentgatewayjcp.translator.route;

import dev.agentgatewayjcp.translator.backend.BackendResolver;
import dev.agentgatewayjcp.translator.output.XdsResource;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;

/**
 * RouteProblems collects, while one route is translated, its reference problems, its invalid
 * rules and the Service addresses it uses.
 */
final class RouteProblems {

  private String refsReason;
  private String refsMessage;
  private final List<String> invalidRules = new ArrayList<>();
  private String invalidReason;
  private String routeRejection;
  private final Set<String> serviceAddresses = new TreeSet<>();
  private final java.util.TreeMap<String, XdsResource> backendResources = new java.util.TreeMap<>();

  /** Records a backend resolution: its address when usable, its first problem otherwise. */
  void backend(BackendResolver.Resolved resolved) {
    if (resolved.serviceAddress() != null) {
      serviceAddresses.add(resolved.serviceAddress());
    }
    serviceAddresses.addAll(resolved.moreAddresses());
    resolved.resources().forEach(r -> backendResources.put(r.name(), r));
    if (!resolved.ok()) {
      resolvedRefs(resolved.reason(), resolved.message());
    }
  }

  /** Records a ResolvedRefs problem; the first one is reported. */
  void resolvedRefs(String reason, String message) {
    if (refsReason == null) {
      refsReason = reason;
      refsMessage = message;
    }
  }

  void invalidRule(int index, InvalidRuleException e) {
    invalidRules.add("rule " + index + ": " + e.getMessage());
    if (invalidReason == null) {
      invalidReason = e.reason();
    }
    if (e.wholeRoute() && routeRejection == null) {
      routeRejection = "rule " + index + ": " + e.getMessage();
      invalidReason = e.reason();
    }
  }

  /** Why the whole route is rejected, or null when only single rules (if any) are invalid. */
  String routeRejection() {
    return routeRejection;
  }

  String refsReason() {
    return refsReason;
  }

  String refsMessage() {
    return refsMessage;
  }

  int invalidRuleCount() {
    return invalidRules.size();
  }

  String invalidReason() {
    return invalidReason;
  }

  String invalidMessage() {
    return String.join("; ", invalidRules);
  }

  Set<String> serviceAddresses() {
    return serviceAddresses;
  }

  /** Resources the route's backends need (external Backends, endpoint-picker Policies), by name. */
  java.util.Collection<XdsResource> backendResources() {
    return backendResources.values();
  }
}
