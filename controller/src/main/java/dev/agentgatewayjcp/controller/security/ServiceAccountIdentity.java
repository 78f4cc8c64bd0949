package dev.agentgatewayjcp.controller.security;

import java.util.Optional;

/**
 * ServiceAccountIdentity is the Kubernetes service account a verified token belongs to.
 *
 * @param namespace its namespace
 * @param name its name
 * @param uid its uid as the token review reports it (empty when unknown, e.g. static tokens)
 */
public record ServiceAccountIdentity(String namespace, String name, String uid) {

  private static final String PREFIX = "system:serviceaccount:";

  /** Parses a TokenReview user name {@code system:serviceaccount:<namespace>:<name>}. */
  public static Optional<ServiceAccountIdentity> fromUsername(String username, String uid) {
    if (username == null || !username.startsWith(PREFIX)) {
      return Optional.empty();
    }
    String rest = username.substring(PREFIX.length());
    int colon = rest.indexOf(':');
    if (colon <= 0 || colon == rest.length() - 1 || rest.indexOf(':', colon + 1) >= 0) {
      return Optional.empty();
    }
    return Optional.of(new ServiceAccountIdentity(rest.substring(0, colon), rest.substring(colon + 1), uid == null ? "" : uid));
  }

  @Override
  public String toString() {
    return namespace + "/" + name;
  }
}
