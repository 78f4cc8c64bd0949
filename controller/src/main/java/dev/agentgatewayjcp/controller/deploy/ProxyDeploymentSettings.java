package dev.agentgatewayjcp.controller.deploy;

/**
 * ProxyDeploymentSettings holds what every generated proxy Deployment and Service share.
 *
 * @param image the agentgateway image
 * @param xdsAddress the address proxies dial, e.g. {@code http://agentgateway-jcp.agentgateway-jcp-system.svc:15010}
 * @param defaultServiceType Service type when the Gateway does not say (LoadBalancer)
 * @param controllerName our controllerName; stamped, with '/' as '-', on the objects we manage
 * @param clusterId sent by the proxy as its cluster id
 */
public record ProxyDeploymentSettings(
    String image, String xdsAddress, String defaultServiceType, String controllerName, String clusterId) {

  /** The agentgateway release this control plane speaks to. */
  public static final String DEFAULT_IMAGE = "ghcr.io/agentgateway/agentgateway:v1.4.1";
}
