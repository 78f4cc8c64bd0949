package dev.agentgatewayjcp.translator.policy;

import dev.agentgatewayjcp.translator.input.ObjectRef;
import dev.agentgatewayjcp.translator.output.GatewayKey;
import java.util.Set;
import java.util.function.Function;

/**
 * PlacedTranslation is an object translated independently of the Gateways (a BackendTLSPolicy,
 * an InferencePool's or an XBackend's status) whose resources and status depend on which
 * Gateways' routes use the Service addresses it names (for an XBackend, the usage key routes
 * record); the translator places it once routes are known.
 */
public interface PlacedTranslation {

  /** The translated object. */
  ObjectRef object();

  /** The Service address names ({@code <ns>/<hostname>}) whose users it is placed on. */
  Set<String> serviceAddresses();

  /** Places it, given which Gateways use each Service address. */
  BackendTlsPolicyTranslation.Placement place(Function<String, Set<GatewayKey>> usersOfService);

  /**
   * Places it, also given the client certificate (PEM certificate and key) each Gateway's
   * proxies present to backends, or null; only translations that carry backend TLS use it.
   */
  default BackendTlsPolicyTranslation.Placement place(
      Function<String, Set<GatewayKey>> usersOfService,
      Function<GatewayKey, com.google.protobuf.ByteString[]> clientCertificates) {
    return place(usersOfService);
  }
}
