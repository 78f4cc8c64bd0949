package dev.agentgatewayjcp.controller.xds;

import dev.agentgatewayjcp.controller.xds.RejectedResource.Severity;
import io.prometheus.metrics.core.metrics.Counter;
import io.prometheus.metrics.core.metrics.Gauge;
import io.prometheus.metrics.core.metrics.Histogram;
import io.prometheus.metrics.model.registry.PrometheusRegistry;
import java.util.List;

/**
 * XdsMetrics turns xDS server events into Prometheus metrics: connected proxies, pushes, bytes,
 * NACKs and push latency.
 */
public final class XdsMetrics implements XdsServerCallbacks {

  private final Gauge connected;
  private final Counter rejectedStreams;
  private final Counter pushes;
  private final Counter pushedResources;
  private final Counter pushedBytes;
  private final Counter acks;
  private final Counter nacks;
  private final Histogram pushLatency;

  public XdsMetrics(PrometheusRegistry registry) {
    connected =
        Gauge.builder()
            .name("agentgateway_jcp_xds_connected_proxies")
            .help("Proxies with an open Delta ADS stream")
            .register(registry);
    rejectedStreams =
        Counter.builder()
            .name("agentgateway_jcp_xds_rejected_streams")
            .help("Streams refused before they were accepted")
            .labelNames("reason")
            .register(registry);
    pushes =
        Counter.builder()
            .name("agentgateway_jcp_xds_pushes")
            .help("Delta responses sent")
            .labelNames("type")
            .register(registry);
    pushedResources =
        Counter.builder()
            .name("agentgateway_jcp_xds_pushed_resources")
            .help("Resources and removals sent")
            .labelNames("type", "op")
            .register(registry);
    pushedBytes =
        Counter.builder()
            .name("agentgateway_jcp_xds_pushed_bytes")
            .help("Serialized bytes of delta responses sent")
            .labelNames("type")
            .register(registry);
    acks =
        Counter.builder()
            .name("agentgateway_jcp_xds_acks")
            .help("Responses the proxy accepted without errors or warnings")
            .labelNames("type")
            .register(registry);
    nacks =
        Counter.builder()
            .name("agentgateway_jcp_xds_rejected_resources")
            .help("Resources a proxy rejected (error) or accepted with a warning")
            .labelNames("type", "severity")
            .register(registry);
    pushLatency =
        Histogram.builder()
            .name("agentgateway_jcp_xds_push_latency_seconds")
            .help("Time from a configuration change to its response being handed to the transport")
            .labelNames("type")
            .classicUpperBounds(0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5)
            .register(registry);
  }

  @Override
  public void onStreamOpen(ProxyIdentity proxy) {
    connected.inc();
  }

  @Override
  public void onStreamClose(ProxyIdentity proxy) {
    connected.dec();
  }

  @Override
  public void onStreamRejected(String reason) {
    rejectedStreams.labelValues(reason).inc();
  }

  @Override
  public void onPush(
      ProxyIdentity proxy, String typeUrl, int resources, int removed, long bytes, long latencyNanos) {
    String type = shortType(typeUrl);
    pushes.labelValues(type).inc();
    pushedResources.labelValues(type, "upsert").inc(resources);
    pushedResources.labelValues(type, "remove").inc(removed);
    pushedBytes.labelValues(type).inc(bytes);
    pushLatency.labelValues(type).observe(latencyNanos / 1e9);
  }

  @Override
  public void onAck(ProxyIdentity proxy, String typeUrl, String nonce) {
    acks.labelValues(shortType(typeUrl)).inc();
  }

  @Override
  public void onNack(
      ProxyIdentity proxy, String typeUrl, String nonce, List<RejectedResource> rejected) {
    String type = shortType(typeUrl);
    for (RejectedResource r : rejected) {
      nacks.labelValues(type, r.severity() == Severity.ERROR ? "error" : "warning").inc();
    }
  }

  private static String shortType(String typeUrl) {
    int dot = typeUrl.lastIndexOf('.');
    return dot >= 0 ? typeUrl.substring(dot + 1) : typeUrl;
  }
}
