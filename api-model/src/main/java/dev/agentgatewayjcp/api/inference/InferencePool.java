package dev.agentgatewayjcp.api.inference;

import dev.agentgatewayjcp.api.extension.ExtensionResource;
import io.fabric8.kubernetes.model.annotation.Group;
import io.fabric8.kubernetes.model.annotation.Kind;
import io.fabric8.kubernetes.model.annotation.Plural;
import io.fabric8.kubernetes.model.annotation.Singular;
import io.fabric8.kubernetes.model.annotation.Version;

/**
 * InferencePool is the Gateway API Inference Extension's {@code inference.networking.k8s.io/v1}
 * InferencePool: model-server Pods chosen per request by an endpoint picker.
 */
@Group(InferencePool.GROUP)
@Version("v1")
@Kind("InferencePool")
@Plural("inferencepools")
@Singular("inferencepool")
public class InferencePool extends ExtensionResource<InferencePoolSpec, InferencePoolStatus> {
  public static final String GROUP = "inference.networking.k8s.io";
}
