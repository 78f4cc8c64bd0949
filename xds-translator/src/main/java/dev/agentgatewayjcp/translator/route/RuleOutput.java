package dev.agentgatewayjcp.translator.route;

import dev.agentgatewayjcp.api.resource.RouteBackend;
import dev.agentgatewayjcp.api.resource.RouteMatch;
import dev.agentgatewayjcp.api.resource.TrafficPolicySpec;
import java.util.List;

/**
 * RuleOutput is one translated route rule, independent of the listeners it will be attached to.
 *
 * @param index the rule's position in the route
 * @param name the rule's name, or null
 * @param matches its matches (never empty)
 * @param backends its weighted backends
 * @param policies its traffic policies
 */
record RuleOutput(
    int index,
    String name,
    List<RouteMatch> matches,
    List<RouteBackend> backends,
    List<TrafficPolicySpec> policies) {

  RuleOutput {
    matches = List.copyOf(matches);
    backends = List.copyOf(backends);
    policies = List.copyOf(policies);
  }
}
