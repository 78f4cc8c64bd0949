package dev.agentgatewayjcp.controller.bench;

import io.fabric8.kubernetes.api.model.HasMetadata;

/**
 * Target is where the harness writes objects: straight into an in-process controller's input
 * store, or through the API server.
 */
interface Target {

  /** Creates or replaces an object; returns when the write is done (for an API server: committed). */
  void apply(HasMetadata object);

  void delete(HasMetadata object);

  /** Replaces an app's pod by a new one with a new IP, as a rolling restart does, and its EndpointSlice. */
  default void replacePod(int app, int generation) {
    var pod = Workload.pod(app, generation);
    apply(pod);
    apply(Workload.endpointSlice(app, Workload.podIp(app, generation), pod.getMetadata().getName()));
    delete(Workload.pod(app, generation - 1));
  }
}
