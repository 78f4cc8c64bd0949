package dev.agentgatewayjcp.controller.security;

import dev.agentgatewayjcp.translator.output.GatewayKey;

/**
 * GatewayBinding decides which Gateway's configuration a service account may receive.
 *
 * <p>The rule: the service account named after the Gateway, in the Gateway's namespace. That is
 * the account our deployer creates for each Gateway's proxies (and the one agentgateway's own
 * controller expects). A binding may demand more, such as proof that the account really was created
 * for that Gateway.
 */
@FunctionalInterface
public interface GatewayBinding {

  /** Only the name and namespace rule. For file mode and for proxies that users deploy themselves. */
  GatewayBinding BY_NAME = (account, gateway) -> true;

  /**
   * Extra checks after the name rule matched.
   *
   * @throws TokenVerifier.UnavailableException when the answer cannot be obtained now
   */
  boolean confirms(ServiceAccountIdentity account, GatewayKey gateway) throws TokenVerifier.UnavailableException;

  /** The name rule, then {@link #confirms}. */
  default boolean permits(ServiceAccountIdentity account, GatewayKey gateway) throws TokenVerifier.UnavailableException {
    return account.namespace().equals(gateway.namespace())
        && account.name().equals(gateway.name())
        && confirms(account, gateway);
  }
}
