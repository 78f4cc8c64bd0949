package dev.agentgatewayjcp.api.istio;

import io.fabric8.kubernetes.api.model.Condition;
import java.util.List;

/**
 * IstioStatus is the status of an Istio security object. This controller never writes it by
 * default (istiod owns it); the model exists so that the CRD has a status subresource.
 */
public class IstioStatus extends IstioSpecPart implements io.fabric8.kubernetes.api.model.KubernetesResource {
  public List<Condition> conditions;
  public Long observedGeneration;
}
