package dev.agentgatewayjcp.controller.security;

import io.fabric8.kubernetes.api.model.authentication.TokenReview;
import io.fabric8.kubernetes.api.model.authentication.TokenReviewBuilder;
import io.fabric8.kubernetes.api.model.authentication.TokenReviewStatus;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientException;
import java.util.List;
import java.util.Optional;

/**
 * TokenReviewVerifier asks the API server, through a TokenReview with our audience, whether a
 * token is a valid service-account token meant for us.
 *
 * <p>The review names the audience, so a token minted for the API server, for istiod or for
 * agentgateway's own controller is refused; the returned audiences are checked as well, because an
 * API server that ignores {@code spec.audiences} would otherwise accept any of them.
 */
public final class TokenReviewVerifier implements TokenVerifier {

  private final KubernetesClient client;
  private final String audience;

  public TokenReviewVerifier(KubernetesClient client, String audience) {
    this.client = client;
    this.audience = audience;
  }

  @Override
  public Optional<ServiceAccountIdentity> verify(String token) throws UnavailableException {
    TokenReview review = new TokenReviewBuilder()
        .withNewSpec().withToken(token).withAudiences(audience).endSpec()
        .build();
    TokenReview result;
    try {
      result = client.resource(review).create();
    } catch (KubernetesClientException e) {
      throw new UnavailableException("TokenReview failed: " + e.getMessage(), e);
    }
    TokenReviewStatus status = result == null ? null : result.getStatus();
    if (status == null || !Boolean.TRUE.equals(status.getAuthenticated()) || status.getUser() == null) {
      return Optional.empty();
    }
    List<String> audiences = status.getAudiences();
    if (audiences == null || !audiences.contains(audience)) {
      return Optional.empty();
    }
    return ServiceAccountIdentity.fromUsername(status.getUser().getUsername(), status.getUser().getUid());
  }
}
