package dev.agentgatewayjcp.controller.xds;

import java.util.List;
import java.util.Map;

/**
 * ConnectionSnapshot describes one connected proxy at a point in time: what it holds and what it
 * last rejected.
 *
 * @param streamId the server's id for the stream
 * @param proxy who the proxy is
 * @param connectedAtMillis wall-clock time the stream was accepted
 * @param pushes responses sent so far
 * @param bytesSent serialized bytes of those responses
 * @param types per subscribed type URL
 */
public record ConnectionSnapshot(
    long streamId,
    ProxyIdentity proxy,
    long connectedAtMillis,
    long pushes,
    long bytesSent,
    Map<String, TypeSnapshot> types) {

  /**
   * TypeSnapshot describes one subscribed type of a connection.
   *
   * @param sentVersions name to version the proxy holds, as far as the server knows
   * @param pendingNames names changed but not yet compared and sent
   * @param lastNonceSent the nonce of the latest response
   * @param lastNonceAcked the latest nonce the proxy answered without a stale nonce
   * @param rejections the proxy's latest error or warning per resource, for versions still sent
   */
  public record TypeSnapshot(
      Map<String, String> sentVersions,
      int pendingNames,
      String lastNonceSent,
      String lastNonceAcked,
      List<RejectedResource> rejections) {}
}
