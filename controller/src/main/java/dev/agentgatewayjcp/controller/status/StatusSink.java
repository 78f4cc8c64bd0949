package dev.agentgatewayjcp.controller.status;

import dev.agentgatewayjcp.translator.input.ObjectRef;
import io.fabric8.kubernetes.api.model.KubernetesResource;
import java.util.Map;
import java.util.Set;

/** StatusSink receives the desired statuses that changed after a translation. */
public interface StatusSink {

  /**
   * Called from the translation thread with the statuses that changed and the objects that no
   * longer have one.
   */
  void onStatusChange(Map<ObjectRef, KubernetesResource> changed, Set<ObjectRef> removed);
}
