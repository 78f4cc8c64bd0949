package dev.agentgatewayjcp.translator.gateway;

import dev.agentgatewayjcp.api.resource.Bind;
import dev.agentgatewayjcp.api.resource.Protocol;
import io.fabric8.kubernetes.api.model.gatewayapi.v1.Listener;
import java.util.List;

/**
 * ListenerProtocol says how a Gateway API listener protocol (and TLS mode) maps onto agentgateway:
 * the route kinds it serves, its Bind and Listener protocols, and whether it terminates TLS.
 *
 * @param kinds the route kinds the listener can serve, in the order status lists them
 * @param bind the protocol of the Bind (socket) it lives on
 * @param listener the protocol of its Listener resource
 * @param terminatesTls whether the proxy terminates TLS, so the listener needs a certificate
 * @param problem why the listener cannot be served, or null; it becomes Accepted=False
 * @param problemReason the Accepted=False reason for {@code problem}
 */
public record ListenerProtocol(
    List<String> kinds,
    Bind.Protocol bind,
    Protocol listener,
    boolean terminatesTls,
    String problem,
    String problemReason) {

  /** Route kinds a TLS listener in Passthrough mode serves. */
  public static final List<String> TLS_PASSTHROUGH_KINDS = List.of("TLSRoute");

  /**
   * Route kinds a TLS listener in Terminate mode serves: after termination the proxy forwards
   * the plaintext stream, which is exactly what a TCPRoute describes.
   */
  public static final List<String> TLS_TERMINATE_KINDS = List.of("TLSRoute", "TCPRoute");

  /** Route kinds a TCP listener serves. */
  public static final List<String> TCP_KINDS = List.of("TCPRoute");

  /** Whether the listener is usable at all. */
  public boolean supported() {
    return problem == null;
  }

  /** The mapping for one listener. */
  public static ListenerProtocol of(Listener listener) {
    String protocol = listener.getProtocol() == null ? "" : listener.getProtocol();
    switch (protocol) {
      case "HTTP":
        return ok(GatewayTranslator.HTTP_ROUTE_KINDS, Bind.Protocol.HTTP, Protocol.HTTP, false);
      case "HTTPS":
        return ok(GatewayTranslator.HTTP_ROUTE_KINDS, Bind.Protocol.TLS, Protocol.HTTPS, true);
      case "TCP":
        return ok(TCP_KINDS, Bind.Protocol.TCP, Protocol.TCP, false);
      case "TLS":
        if (listener.getTls() == null) {
          // The CRD rejects this; file mode can still say it.
          return unsupported(TLS_PASSTHROUGH_KINDS, "tls.mode must be set for protocol TLS", "UnsupportedValue");
        }
        // The CRD defaults an unset mode to Terminate.
        String mode = listener.getTls().getMode() == null ? "Terminate" : listener.getTls().getMode();
        return switch (mode) {
          case "Terminate" -> ok(TLS_TERMINATE_KINDS, Bind.Protocol.TLS, Protocol.TLS, true);
          case "Passthrough" -> ok(TLS_PASSTHROUGH_KINDS, Bind.Protocol.TLS, Protocol.TLS, false);
          default -> unsupported(TLS_PASSTHROUGH_KINDS, "TLS mode " + mode + " is not supported", "UnsupportedValue");
        };
      default:
        String message =
            protocol.equalsIgnoreCase("HTTP")
                    || protocol.equalsIgnoreCase("HTTPS")
                    || protocol.equalsIgnoreCase("TLS")
                    || protocol.equalsIgnoreCase("TCP")
                ? "Protocol " + protocol + " is not supported; use " + protocol.toUpperCase()
                : "Protocol " + protocol + " is not supported";
        return unsupported(List.of(), message, "UnsupportedProtocol");
    }
  }

  private static ListenerProtocol ok(
      List<String> kinds, Bind.Protocol bind, Protocol listener, boolean terminatesTls) {
    return new ListenerProtocol(kinds, bind, listener, terminatesTls, null, null);
  }

  private static ListenerProtocol unsupported(List<String> kinds, String problem, String reason) {
    return new ListenerProtocol(kinds, null, null, false, problem, reason);
  }
}
