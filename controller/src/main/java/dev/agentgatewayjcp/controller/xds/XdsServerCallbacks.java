package dev.agentgatewayjcp.controller.xds;

import java.util.List;

/**
 * XdsServerCallbacks receives the events of the xDS server, for metrics, logs and Kubernetes
 * Events.
 *
 * <p>Callbacks run on gRPC or push threads and must return quickly.
 */
public interface XdsServerCallbacks {

  /** Does nothing. */
  XdsServerCallbacks NONE = new XdsServerCallbacks() {};

  /** A proxy was accepted and is about to get its first responses. */
  default void onStreamOpen(ProxyIdentity proxy) {}

  /** A proxy's stream ended, for whatever reason. */
  default void onStreamClose(ProxyIdentity proxy) {}

  /** A stream was refused before it was accepted (not ready, no identity, authentication). */
  default void onStreamRejected(String reason) {}

  /**
   * A response was handed to the transport.
   *
   * @param latencyNanos time from the cache change that caused it (or the subscription) to now
   */
  default void onPush(
      ProxyIdentity proxy, String typeUrl, int resources, int removed, long bytes, long latencyNanos) {}

  /** The proxy accepted a response without any error or warning. */
  default void onAck(ProxyIdentity proxy, String typeUrl, String nonce) {}

  /** The proxy reported errors or warnings for a response. Warnings alone mean it was accepted. */
  default void onNack(
      ProxyIdentity proxy, String typeUrl, String nonce, List<RejectedResource> rejected) {}

  /** Combines several callbacks into one, called in order. */
  static XdsServerCallbacks compose(List<XdsServerCallbacks> all) {
    List<XdsServerCallbacks> copy = List.copyOf(all);
    return new XdsServerCallbacks() {
      @Override
      public void onStreamOpen(ProxyIdentity proxy) {
        copy.forEach(c -> c.onStreamOpen(proxy));
      }

      @Override
      public void onStreamClose(ProxyIdentity proxy) {
        copy.forEach(c -> c.onStreamClose(proxy));
      }

      @Override
      public void onStreamRejected(String reason) {
        copy.forEach(c -> c.onStreamRejected(reason));
      }

      @Override
      public void onPush(
          ProxyIdentity proxy,
          String typeUrl,
          int resources,
          int removed,
          long bytes,
          long latencyNanos) {
        copy.forEach(c -> c.onPush(proxy, typeUrl, resources, removed, bytes, latencyNanos));
      }

      @Override
      public void onAck(ProxyIdentity proxy, String typeUrl, String nonce) {
        copy.forEach(c -> c.onAck(proxy, typeUrl, nonce));
      }

      @Override
      public void onNack(
          ProxyIdentity proxy, String typeUrl, String nonce, List<RejectedResource> rejected) {
        copy.forEach(c -> c.onNack(proxy, typeUrl, nonce, rejected));
      }
    };
  }
}
