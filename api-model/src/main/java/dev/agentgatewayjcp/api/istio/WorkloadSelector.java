package dev.agentgatewayjcp.api.istio;

import java.util.Map;

/** WorkloadSelector selects the workloads (here: gateway pods) a policy applies to by labels. */
public class WorkloadSelector extends IstioSpecPart {
  public Map<String, String> matchLabels;
}
