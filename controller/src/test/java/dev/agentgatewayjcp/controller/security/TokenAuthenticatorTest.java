package dev.agentgatewayjcp.controller.security;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.agentgatewayjcp.controller.xds.ProxyIdentity;
import dev.agentgatewayjcp.translator.output.GatewayKey;
import io.grpc.Metadata;
import io.grpc.Status;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.Base64;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.Test;

class TokenAuthenticatorTest {

  private static final Instant T0 = Instant.parse("2026-01-01T00:00:00Z");
  private static final ProxyIdentity GW_A = new ProxyIdentity(new GatewayKey("ns", "a"), "node", "a-1", "");

  private final AtomicReference<Instant> now = new AtomicReference<>(T0);
  private final Clock clock = new Clock() {
    @Override public ZoneOffset getZone() { return ZoneOffset.UTC; }
    @Override public Clock withZone(java.time.ZoneId zone) { return this; }
    @Override public Instant instant() { return now.get(); }
  };
  private final AtomicInteger reviews = new AtomicInteger();

  private TokenVerifier countingVerifier() {
    return token -> {
      reviews.incrementAndGet();
      return token.startsWith("good") ? Optional.of(new ServiceAccountIdentity("ns", "a", "uid")) : Optional.empty();
    };
  }

  private static Metadata bearer(String value) {
    Metadata headers = new Metadata();
    headers.put(Metadata.Key.of("authorization", Metadata.ASCII_STRING_MARSHALLER), value);
    return headers;
  }

  /** An unsigned JWT-shaped token whose only meaningful claim is exp. */
  private static String goodJwt(Instant exp) {
    Base64.Encoder b64 = Base64.getUrlEncoder().withoutPadding();
    return "good." + b64.encodeToString(("{\"exp\":" + exp.getEpochSecond() + "}").getBytes(StandardCharsets.UTF_8)) + ".sig";
  }

  @Test
  void admittedTokensAreCachedForTheTtlButNeverPastTheirExpiry() {
    TokenAuthenticator auth = new TokenAuthenticator(countingVerifier(), GatewayBinding.BY_NAME, Duration.ofMinutes(1), clock);
    String longLived = goodJwt(T0.plus(Duration.ofHours(1)));
    assertThat(auth.authenticate(GW_A, bearer("Bearer " + longLived)).isOk()).isTrue();
    assertThat(auth.authenticate(GW_A, bearer("Bearer " + longLived)).isOk()).isTrue();
    assertThat(reviews).hasValue(1);
    now.set(T0.plusSeconds(61));
    auth.authenticate(GW_A, bearer("Bearer " + longLived));
    assertThat(reviews).hasValue(2);

    String shortLived = goodJwt(now.get().plusSeconds(10));
    auth.authenticate(GW_A, bearer("Bearer " + shortLived));
    now.set(now.get().plusSeconds(11));
    auth.authenticate(GW_A, bearer("Bearer " + shortLived));
    assertThat(reviews).hasValue(4);
  }

  @Test
  void refusalsAreCachedBriefly() {
    TokenAuthenticator auth = new TokenAuthenticator(countingVerifier(), GatewayBinding.BY_NAME, Duration.ofMinutes(1), clock);
    assertThat(auth.authenticate(GW_A, bearer("Bearer bad")).getCode()).isEqualTo(Status.Code.UNAUTHENTICATED);
    assertThat(auth.authenticate(GW_A, bearer("Bearer bad")).getCode()).isEqualTo(Status.Code.UNAUTHENTICATED);
    assertThat(reviews).hasValue(1);
    now.set(T0.plusSeconds(6));
    auth.authenticate(GW_A, bearer("Bearer bad"));
    assertThat(reviews).hasValue(2);
  }

  @Test
  void theVerdictIsPerGateway() {
    TokenAuthenticator auth = new TokenAuthenticator(countingVerifier(), GatewayBinding.BY_NAME, Duration.ofMinutes(1), clock);
    String token = "Bearer " + goodJwt(T0.plus(Duration.ofHours(1)));
    assertThat(auth.authenticate(GW_A, bearer(token)).isOk()).isTrue();
    ProxyIdentity gwB = new ProxyIdentity(new GatewayKey("ns", "b"), "node", "b-1", "");
    assertThat(auth.authenticate(gwB, bearer(token)).getCode()).isEqualTo(Status.Code.PERMISSION_DENIED);
  }

  @Test
  void missingOrMalformedHeadersAreUnauthenticated() {
    TokenAuthenticator auth = new TokenAuthenticator(countingVerifier(), GatewayBinding.BY_NAME, Duration.ofMinutes(1), clock);
    for (Metadata headers : List.of(new Metadata(), bearer("Basic Zm9v"), bearer("Bearer "), bearer("good-but-no-scheme"))) {
      assertThat(auth.authenticate(GW_A, headers).getCode()).isEqualTo(Status.Code.UNAUTHENTICATED);
    }
    assertThat(reviews).hasValue(0);
    // The scheme is case-insensitive and surrounding white space (a file's newline) is ignored.
    assertThat(auth.authenticate(GW_A, bearer("bearer good-token ")).isOk()).isTrue();
  }

  @Test
  void anUnreachableVerifierMeansRetryNotRefusal() {
    TokenAuthenticator auth = new TokenAuthenticator(token -> {
      throw new TokenVerifier.UnavailableException("API server down", null);
    }, GatewayBinding.BY_NAME, Duration.ofMinutes(1), clock);
    assertThat(auth.authenticate(GW_A, bearer("Bearer x")).getCode()).isEqualTo(Status.Code.UNAVAILABLE);
  }

  @Test
  void theBindingNeedsNamespaceAndNameAndThenTheExtraCheck() throws Exception {
    GatewayKey gateway = new GatewayKey("ns", "a");
    assertThat(GatewayBinding.BY_NAME.permits(new ServiceAccountIdentity("ns", "a", ""), gateway)).isTrue();
    assertThat(GatewayBinding.BY_NAME.permits(new ServiceAccountIdentity("other", "a", ""), gateway)).isFalse();
    assertThat(GatewayBinding.BY_NAME.permits(new ServiceAccountIdentity("ns", "b", ""), gateway)).isFalse();
    GatewayBinding never = (account, gw) -> false;
    assertThat(never.permits(new ServiceAccountIdentity("ns", "a", ""), gateway)).isFalse();
  }

  @Test
  void serviceAccountUserNamesParseStrictly() {
    assertThat(ServiceAccountIdentity.fromUsername("system:serviceaccount:ns:a", "u"))
        .contains(new ServiceAccountIdentity("ns", "a", "u"));
    assertThat(ServiceAccountIdentity.fromUsername("system:node:n1", "")).isEmpty();
    assertThat(ServiceAccountIdentity.fromUsername("system:serviceaccount:ns:a:b", "")).isEmpty();
    assertThat(ServiceAccountIdentity.fromUsername("system:serviceaccount::a", "")).isEmpty();
    assertThat(ServiceAccountIdentity.fromUsername(null, "")).isEmpty();
  }

  @Test
  void staticTokenFilesAreParsedWithLineNumbersInErrors() {
    StaticTokenVerifier verifier = StaticTokenVerifier.parse(List.of("# comment", "", "t1 ns/a", "  t2   ns/b  "), "tokens");
    assertThat(verifier.verify("t1")).contains(new ServiceAccountIdentity("ns", "a", ""));
    assertThat(verifier.verify("t2")).contains(new ServiceAccountIdentity("ns", "b", ""));
    assertThat(verifier.verify("t3")).isEmpty();
    assertThatThrownBy(() -> StaticTokenVerifier.parse(List.of("t1 ns/a", "t2 nsb"), "tokens"))
        .hasMessageContaining("tokens:2");
  }
}
