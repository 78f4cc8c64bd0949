package dev.agentgatewayjcp.controller.security;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.agentgatewayjcp.controller.xds.ProxyIdentity;
import dev.agentgatewayjcp.controller.xds.XdsAuthenticator;
import dev.agentgatewayjcp.translator.output.GatewayKey;
import io.grpc.Metadata;
import io.grpc.Status;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Clock;
import java.time.Duration;
import java.util.Base64;
import java.util.HexFormat;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * TokenAuthenticator admits an xDS stream only if it carries {@code authorization: Bearer <token>}
 * (as agentgateway sends its {@code XDS_AUTH_TOKEN} file) proving a service account, and that
 * account is bound to the Gateway the proxy asks for.
 *
 * <p>No or an invalid token: UNAUTHENTICATED. A valid token for another Gateway's account:
 * PERMISSION_DENIED. Verifier unreachable: UNAVAILABLE, so the proxy retries. Verdicts are cached
 * per token and Gateway for a short time, never beyond the token's own expiry, so a reconnect storm
 * does not become a TokenReview storm.
 */
public final class TokenAuthenticator implements XdsAuthenticator {

  private static final Logger LOG = LoggerFactory.getLogger(TokenAuthenticator.class);
  private static final Metadata.Key<String> AUTHORIZATION =
      Metadata.Key.of("authorization", Metadata.ASCII_STRING_MARSHALLER);
  private static final ObjectMapper JSON = new ObjectMapper();
  /** Refused tokens are remembered only briefly: enough to absorb a retry loop. */
  private static final Duration NEGATIVE_TTL = Duration.ofSeconds(5);
  private static final int MAX_CACHE_ENTRIES = 10_000;

  private record Verdict(Status status, long expiresAtMillis) {}

  private final TokenVerifier verifier;
  private final GatewayBinding binding;
  private final Duration cacheTtl;
  private final Clock clock;
  private final Map<String, Verdict> cache = new ConcurrentHashMap<>();

  /**
   * @param cacheTtl how long an admitted token is trusted without asking again (bounded by its
   *     {@code exp}); zero disables caching
   */
  public TokenAuthenticator(TokenVerifier verifier, GatewayBinding binding, Duration cacheTtl, Clock clock) {
    this.verifier = verifier;
    this.binding = binding;
    this.cacheTtl = cacheTtl;
    this.clock = clock;
  }

  @Override
  public Status authenticate(ProxyIdentity identity, Metadata headers) {
    Optional<String> token = bearer(headers.get(AUTHORIZATION));
    if (token.isEmpty()) {
      return Status.UNAUTHENTICATED.withDescription(
          "no bearer token: agentgateway sends the file named by XDS_AUTH_TOKEN as 'authorization: Bearer <token>'");
    }
    GatewayKey gateway = identity.gateway();
    String key = sha256(token.get()) + "|" + gateway.namespace() + "/" + gateway.name();
    long now = clock.millis();
    Verdict cached = cache.get(key);
    if (cached != null && cached.expiresAtMillis() > now) {
      return cached.status();
    }
    Status status;
    long expiresAt;
    try {
      Optional<ServiceAccountIdentity> account = verifier.verify(token.get());
      if (account.isEmpty()) {
        status = Status.UNAUTHENTICATED.withDescription("the bearer token is invalid, expired or not meant for this control plane");
        expiresAt = now + NEGATIVE_TTL.toMillis();
      } else if (!binding.permits(account.get(), gateway)) {
        status = Status.PERMISSION_DENIED.withDescription("service account " + account.get()
            + " may not receive the configuration of Gateway " + gateway.namespace() + "/" + gateway.name()
            + ": only the service account named after a Gateway, in its namespace and created for it, may");
        expiresAt = now + NEGATIVE_TTL.toMillis();
      } else {
        status = Status.OK;
        expiresAt = Math.min(now + cacheTtl.toMillis(), expiryMillis(token.get()).orElse(Long.MAX_VALUE));
      }
    } catch (TokenVerifier.UnavailableException e) {
      LOG.warn("cannot verify the xDS token of {}: {}", identity, e.getMessage());
      return Status.UNAVAILABLE.withDescription("cannot verify the token now; retry");
    }
    if (!cacheTtl.isZero() && !cacheTtl.isNegative()) {
      if (cache.size() >= MAX_CACHE_ENTRIES) {
        cache.values().removeIf(v -> v.expiresAtMillis() <= now);
        if (cache.size() >= MAX_CACHE_ENTRIES) {
          cache.clear();
        }
      }
      cache.put(key, new Verdict(status, expiresAt));
    }
    return status;
  }

  /** The token after {@code Bearer }, with surrounding white space removed (a token file may end in a newline). */
  static Optional<String> bearer(String header) {
    if (header == null || header.length() <= 7 || !header.regionMatches(true, 0, "Bearer ", 0, 7)) {
      return Optional.empty();
    }
    String token = header.substring(7).strip();
    return token.isEmpty() ? Optional.empty() : Optional.of(token);
  }

  /**
   * The {@code exp} claim of a JWT, read without verifying it: it only shortens how long a
   * verdict is cached, and the verdict itself comes from the verifier.
   */
  static Optional<Long> expiryMillis(String token) {
    String[] parts = token.split("\\.");
    if (parts.length != 3) {
      return Optional.empty();
    }
    try {
      JsonNode claims = JSON.readTree(Base64.getUrlDecoder().decode(parts[1]));
      JsonNode exp = claims.get("exp");
      return exp != null && exp.canConvertToLong() ? Optional.of(exp.asLong() * 1000) : Optional.empty();
    } catch (Exception e) {
      return Optional.empty();
    }
  }

  private static String sha256(String token) {
    try {
      return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(token.getBytes(StandardCharsets.UTF_8)));
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException(e);
    }
  }
}
