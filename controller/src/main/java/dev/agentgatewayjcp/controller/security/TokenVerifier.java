package dev.agentgatewayjcp.controller.security;

import java.util.Optional;

/** TokenVerifier tells whose service account a bearer token proves, if any. */
@FunctionalInterface
public interface TokenVerifier {

  /**
   * Returns the identity the token proves for our audience, or empty if the token is invalid,
   * expired, for another audience, or not a service-account token.
   *
   * @throws UnavailableException when the verdict cannot be obtained now (API server down)
   */
  Optional<ServiceAccountIdentity> verify(String token) throws UnavailableException;

  /** The verifier could not reach a verdict; the proxy should retry later. */
  final class UnavailableException extends Exception {
    public UnavailableException(String message, Throwable cause) {
      super(message, cause);
    }
  }
}
