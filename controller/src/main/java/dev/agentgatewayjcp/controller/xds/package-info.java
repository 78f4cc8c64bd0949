/**
 * The Delta ADS server that agentgateway proxies connect to.
 *
 * <p>{@link dev.agentgatewayjcp.controller.xds.XdsCache} holds, per Gateway and type URL, the
 * resources each proxy should have. {@link dev.agentgatewayjcp.controller.xds.DeltaAdsService}
 * speaks the incremental ADS protocol exactly as agentgateway v1.4.1 expects it: an answer per
 * subscribed type even when empty, content-hash versions, removals by name, {@code
 * initial_resource_versions} on reconnect, and NACKs parsed from the proxy's JSON error list.
 *
 * <p>Threads: the translation thread writes the cache; gRPC threads handle requests; a small push
 * pool sends responses. Each connection's state is guarded by its own lock, so a slow proxy only
 * ever holds up itself.
 */
package dev.agentgatewayjcp.controller.xds;
