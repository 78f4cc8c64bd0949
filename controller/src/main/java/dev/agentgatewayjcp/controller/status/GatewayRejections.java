package dev.agentgatewayjcp.controller.status;

import dev.agentgatewayjcp.controller.xds.ConnectionSnapshot;
import dev.agentgatewayjcp.controller.xds.ProxyIdentity;
import dev.agentgatewayjcp.controller.xds.RejectedResource;
import dev.agentgatewayjcp.controller.xds.XdsServerCallbacks;
import dev.agentgatewayjcp.translator.output.GatewayKey;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.BiConsumer;
import java.util.function.Supplier;

/**
 * GatewayRejections tracks, per Gateway, which resources its proxies currently reject, and tells
 * a listener when that set changes so it can raise an Event and a condition on the Gateway.
 *
 * <p>Warnings are not rejections: the proxy applied those resources.
 */
public final class GatewayRejections implements XdsServerCallbacks {

  /**
   * One rejection, as shown to users.
   *
   * @param proxy the proxy that rejected it
   * @param resource the xDS resource name
   * @param message the proxy's error
   */
  public record Rejection(String proxy, String resource, String message) {}

  private final Supplier<List<ConnectionSnapshot>> connections;
  private final BiConsumer<GatewayKey, List<Rejection>> onChange;
  private final Map<GatewayKey, List<Rejection>> current = new ConcurrentHashMap<>();

  /**
   * @param connections the xDS server's connected proxies
   * @param onChange told the new rejection list of a Gateway whenever it changes (empty once
   *     nothing is rejected any more)
   */
  public GatewayRejections(
      Supplier<List<ConnectionSnapshot>> connections, BiConsumer<GatewayKey, List<Rejection>> onChange) {
    this.connections = connections;
    this.onChange = onChange;
  }

  /** The current rejections of a Gateway's proxies, sorted. */
  public List<Rejection> of(GatewayKey gateway) {
    return current.getOrDefault(gateway, List.of());
  }

  @Override
  public void onNack(ProxyIdentity proxy, String typeUrl, String nonce, List<RejectedResource> rejected) {
    recompute(proxy.gateway());
  }

  @Override
  public void onAck(ProxyIdentity proxy, String typeUrl, String nonce) {
    if (current.containsKey(proxy.gateway())) {
      recompute(proxy.gateway());
    }
  }

  @Override
  public void onStreamClose(ProxyIdentity proxy) {
    if (current.containsKey(proxy.gateway())) {
      recompute(proxy.gateway());
    }
  }

  private synchronized void recompute(GatewayKey gateway) {
    TreeMap<String, Rejection> byKey = new TreeMap<>();
    for (ConnectionSnapshot c : connections.get()) {
      if (!c.proxy().gateway().equals(gateway)) {
        continue;
      }
      for (ConnectionSnapshot.TypeSnapshot type : c.types().values()) {
        for (RejectedResource r : type.rejections()) {
          if (r.severity() == RejectedResource.Severity.ERROR) {
            String proxyName = c.proxy().podName().isEmpty() ? c.proxy().nodeId() : c.proxy().podName();
            byKey.putIfAbsent(r.name() + "\u0000" + proxyName, new Rejection(proxyName, r.name(), r.message()));
          }
        }
      }
    }
    List<Rejection> now = new ArrayList<>(byKey.values());
    List<Rejection> before = current.getOrDefault(gateway, List.of());
    if (Objects.equals(before, now)) {
      return;
    }
    if (now.isEmpty()) {
      current.remove(gateway);
    } else {
      current.put(gateway, List.copyOf(now));
    }
    onChange.accept(gateway, List.copyOf(now));
  }
}
