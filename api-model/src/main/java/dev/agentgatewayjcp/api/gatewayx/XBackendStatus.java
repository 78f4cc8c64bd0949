package dev.agentgatewayjcp.api.gatewayx;

import dev.agentgatewayjcp.api.extension.ModelPart;
import java.util.List;
import java.util.Map;

/**
 * XBackendStatus is an XBackend's status. This controller does not write it yet; the entries of
 * other controllers are kept as read.
 */
public class XBackendStatus extends ModelPart implements io.fabric8.kubernetes.api.model.KubernetesResource {
  public List<Map<String, Object>> parents;
}
