package dev.agentgatewayjcp.controller.deploy;

/**
 * ProxyDeploymentSettings holds what every generated proxy Deployment and Service share.
 *
 * @param image the agentgateway image
 * @param xdsAddress the address proxies dial, e.g. {@code https://agentgateway-jcp.agentgateway-jcp-system.svc:15012}
 * @param defaultServiceType Service type when the Gateway does not say (LoadBalancer)
 * @param controllerName our controllerName; stamped, with '/' as '-', on the objects we manage
 * @param clusterId sent by the proxy as its cluster id
 * @param xdsTrustBundle PEM of the CA that signs the xDS server's certificate, published to each
 *     Gateway's namespace and mounted as {@code XDS_ROOT_CA}; null when xDS is plaintext
 * @param xdsTokenAudience audience of the projected service-account token mounted as {@code
 *     XDS_AUTH_TOKEN}; null when the xDS server does not authenticate proxies
 */
public record ProxyDeploymentSettings(
    String image,
    String xdsAddress,
    String defaultServiceType,
    String controllerName,
    String clusterId,
    String xdsTrustBundle,
    String xdsTokenAudience) {

  /** The agentgateway release this control plane speaks to. */
  public static final String DEFAULT_IMAGE = "ghcr.io/agentgateway/agentgateway:v1.4.1";

  /** Settings for a plaintext, unauthenticated xDS server. */
  public ProxyDeploymentSettings(
      String image, String xdsAddress, String defaultServiceType, String controllerName, String clusterId) {
    this(image, xdsAddress, defaultServiceType, controllerName, clusterId, null, null);
  }

  /** The same settings with the xDS trust bundle and token audience of a secured server. */
  public ProxyDeploymentSettings withXdsSecurity(String trustBundle, String tokenAudience) {
    return new ProxyDeploymentSettings(
        image, xdsAddress, defaultServiceType, controllerName, clusterId, trustBundle, tokenAudience);
  }
}
