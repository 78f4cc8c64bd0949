package dev.agentgatewayjcp.translator.policy;

import dev.agentgatewayjcp.api.istio.PolicyTargetReference;
import dev.agentgatewayjcp.api.istio.WorkloadSelector;
import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.gatewayapi.v1.Gateway;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * PolicyAttachment decides, with Istio's rules for Gateway API gateways, whether an Istio security
 * policy applies to one of our Gateways: through {@code targetRefs} (a Gateway in the policy's
 * namespace, or from the root namespace a GatewayClass), else through a {@code selector} matched
 * against the labels our deployer puts on the Gateway's pods, else namespace-wide (the root
 * namespace meaning every namespace).
 */
final class PolicyAttachment {

  static final String GATEWAY_API_GROUP = "gateway.networking.k8s.io";
  static final String GATEWAY_NAME_LABEL = "gateway.networking.k8s.io/gateway-name";
  static final String GATEWAY_CLASS_LABEL = "gateway.networking.k8s.io/gateway-class-name";

  private PolicyAttachment() {}

  /** The targetRef and targetRefs of a spec together. */
  static List<PolicyTargetReference> targets(PolicyTargetReference single, List<PolicyTargetReference> many) {
    List<PolicyTargetReference> out = new ArrayList<>();
    if (single != null) {
      out.add(single);
    }
    if (many != null) {
      out.addAll(many);
    }
    return out;
  }

  /** Problems with the attachment fields themselves, or null. */
  static String invalid(WorkloadSelector selector, List<PolicyTargetReference> targets) {
    if (!targets.isEmpty() && selector != null) {
      return "selector and targetRefs cannot both be set";
    }
    for (PolicyTargetReference t : targets) {
      if (t == null || t.name == null || t.name.isEmpty() || t.kind == null) {
        return "every targetRef needs a kind and a name";
      }
      if (!t.getUnknownFields().isEmpty()) {
        return "targetRef field(s) " + String.join(", ", t.getUnknownFields().keySet()) + " not supported";
      }
    }
    if (selector != null && !selector.getUnknownFields().isEmpty()) {
      return "selector field(s) " + String.join(", ", selector.getUnknownFields().keySet()) + " not supported";
    }
    return null;
  }

  /** Whether the policy applies to the Gateway. */
  static boolean applies(
      HasMetadata policy,
      WorkloadSelector selector,
      List<PolicyTargetReference> targets,
      Gateway gw,
      String rootNamespace) {
    String ns = policy.getMetadata().getNamespace();
    String gwNs = gw.getMetadata().getNamespace();
    if (!targets.isEmpty()) {
      for (PolicyTargetReference t : targets) {
        String group = t.group == null ? "" : t.group;
        if (!GATEWAY_API_GROUP.equals(group)) {
          continue;
        }
        if ("Gateway".equals(t.kind)
            && ns.equals(gwNs)
            && (t.namespace == null || t.namespace.isEmpty() || t.namespace.equals(ns))
            && t.name.equals(gw.getMetadata().getName())) {
          return true;
        }
        if ("GatewayClass".equals(t.kind)
            && ns.equals(rootNamespace)
            && t.name.equals(gw.getSpec().getGatewayClassName())) {
          return true;
        }
      }
      return false;
    }
    if (!ns.equals(gwNs) && !ns.equals(rootNamespace)) {
      return false;
    }
    if (selector == null || selector.matchLabels == null || selector.matchLabels.isEmpty()) {
      return true;
    }
    Map<String, String> labels = podLabels(gw);
    return selector.matchLabels.entrySet().stream()
        .allMatch(e -> e.getValue() != null && e.getValue().equals(labels.get(e.getKey())));
  }

  /** Targets this controller never handles (Service, ServiceEntry, other groups), for status. */
  static List<String> foreignTargets(List<PolicyTargetReference> targets) {
    List<String> out = new ArrayList<>();
    for (PolicyTargetReference t : targets) {
      String group = t.group == null ? "" : t.group;
      if (!GATEWAY_API_GROUP.equals(group) || !("Gateway".equals(t.kind) || "GatewayClass".equals(t.kind))) {
        out.add((group.isEmpty() ? "" : group + "/") + t.kind + "/" + t.name);
      }
    }
    return out;
  }

  /**
   * The labels our proxy deployer puts on a Gateway's pods: the infrastructure labels plus the
   * Gateway API name and class labels. Computed from the Gateway, so file mode matches too.
   */
  static Map<String, String> podLabels(Gateway gw) {
    Map<String, String> labels = new TreeMap<>();
    if (gw.getSpec().getInfrastructure() != null && gw.getSpec().getInfrastructure().getLabels() != null) {
      gw.getSpec().getInfrastructure().getLabels().forEach((k, v) -> {
        if (!k.startsWith(GATEWAY_API_GROUP + "/")) {
          labels.put(k, v);
        }
      });
    }
    labels.put(GATEWAY_NAME_LABEL, gw.getMetadata().getName());
    labels.put(GATEWAY_CLASS_LABEL, gw.getSpec().getGatewayClassName());
    return labels;
  }
}
