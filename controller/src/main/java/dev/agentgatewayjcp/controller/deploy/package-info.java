/**
 * Provisions the agentgateway proxies of each Gateway: a ServiceAccount, a Deployment and a
 * Service, owned by the Gateway so that deleting it cleans them up. Rendering is pure ({@link
 * dev.agentgatewayjcp.controller.deploy.ProxyResources}); applying is leader-only.
 */
package dev.agentgatewayjcp.controller.deploy;
