package dev.agentgatewayjcp.api.wire;

/** TypeUrls names the two xDS type URLs an agentgateway v1.4.1 proxy subscribes to, in its order. */
public final class TypeUrls {

  /** Services and Workloads; the proxy subscribes to this type first. */
  public static final String ADDRESS = "type.googleapis.com/istio.workload.Address";

  /** Binds, Listeners, Routes, Backends and Policies; subscribed second. */
  public static final String RESOURCE = "type.googleapis.com/agentgateway.dev.resource.Resource";

  private TypeUrls() {}
}
