package dev.agentgatewayjcp.controller.jwks;

import static org.assertj.core.api.Assertions.assertThat;

import dev.agentgatewayjcp.api.istio.FetchedJwks;
import dev.agentgatewayjcp.api.istio.RequestAuthentication;
import dev.agentgatewayjcp.api.istio.RequestAuthenticationSpec;
import dev.agentgatewayjcp.controller.testing.Await;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** Fetches key sets from a real local HTTPS server with a test CA. */
class JwksFetcherTest {

  private static final Duration WAIT = Duration.ofSeconds(15);

  private TestKeyServer server;
  private JwksFetcher fetcher;
  private final Map<String, FetchedJwks> latest = new ConcurrentHashMap<>();
  private final List<FetchedJwks> published = new CopyOnWriteArrayList<>();
  private final List<String> withdrawn = new CopyOnWriteArrayList<>();
  private final JwksFetcher.Sink sink = new JwksFetcher.Sink() {
    @Override
    public void publish(FetchedJwks keys) {
      published.add(keys);
      latest.put(keys.source, keys);
    }

    @Override
    public void withdraw(FetchedJwks keys) {
      withdrawn.add(keys.source);
      latest.remove(keys.source);
    }
  };

  @BeforeEach
  void start() throws Exception {
    server = new TestKeyServer(true);
  }

  @AfterEach
  void stop() {
    if (fetcher != null) {
      fetcher.close();
    }
    server.close();
  }

  /** Settings for the test server: its CA, loopback allowed, quick retries. */
  private JwksFetchSettings local() throws Exception {
    return JwksFetchSettings.defaults()
        .withSslContext(server.clientContext())
        .withAddressRules(new AddressRules(true, List.of()))
        .withTimeout(Duration.ofSeconds(2))
        .withRetry(Duration.ofMillis(50), Duration.ofMillis(200));
  }

  private FetchedJwks await(String source, java.util.function.Predicate<FetchedJwks> what, String description) {
    return Await.value(WAIT, description, () -> {
      FetchedJwks f = latest.get(source);
      return f != null && what.test(f) ? f : null;
    });
  }

  private FetchedJwks fetchOnce(JwksFetchSettings settings, String source) {
    fetcher = new JwksFetcher(settings, sink);
    fetcher.setSources(Set.of(source));
    return await(source, f -> true, "a result for " + source);
  }

  @Test
  void fetchesAJwksUriOverHttpsTrustingTheConfiguredCa() throws Exception {
    String source = "jwks:" + server.base() + "/keys";
    FetchedJwks f = fetchOnce(local(), source);
    assertThat(f.error).isNull();
    assertThat(f.jwks).isEqualTo(TestKeyServer.KEYS_1);
    assertThat(f.getMetadata().getName()).isEqualTo(FetchedJwks.nameFor(source));
  }

  @Test
  void readsChunkedResponsesAndFollowsRedirects() throws Exception {
    fetcher = new JwksFetcher(local(), sink);
    String chunked = "jwks:" + server.base() + "/chunked-keys";
    String redirect = "jwks:" + server.base() + "/redirect";
    fetcher.setSources(Set.of(chunked, redirect));
    assertThat(await(chunked, f -> true, "chunked").jwks).isEqualTo(TestKeyServer.KEYS_1);
    assertThat(await(redirect, f -> true, "redirect").jwks).isEqualTo(TestKeyServer.KEYS_1);
  }

  @Test
  void findsTheKeysOfAnIssuerWithoutJwksThroughOidcDiscovery() throws Exception {
    RequestAuthentication ra = new RequestAuthentication();
    ra.getMetadata().setName("ra");
    ra.getMetadata().setNamespace("default");
    RequestAuthenticationSpec spec = new RequestAuthenticationSpec();
    RequestAuthenticationSpec.JwtRule discovered = new RequestAuthenticationSpec.JwtRule();
    discovered.issuer = server.base() + "/oidc";
    RequestAuthenticationSpec.JwtRule inline = new RequestAuthenticationSpec.JwtRule();
    inline.issuer = "https://inline.example.com";
    inline.jwks = TestKeyServer.KEYS_2;
    spec.jwtRules = List.of(discovered, inline);
    ra.setSpec(spec);
    assertThat(JwksFetcher.sourcesOf(List.of(ra))).containsExactly("issuer:" + server.base() + "/oidc");

    fetcher = new JwksFetcher(local(), sink);
    fetcher.sync(List.of(ra));
    FetchedJwks f = await("issuer:" + server.base() + "/oidc", x -> true, "discovery");
    assertThat(f.error).isNull();
    assertThat(f.jwks).isEqualTo(TestKeyServer.KEYS_1);
  }

  @Test
  void refusesLoopbackUnlessInternalAddressesAreAllowed() throws Exception {
    JwksFetchSettings strict = local().withAddressRules(new AddressRules(false, List.of()));
    FetchedJwks f = fetchOnce(strict, "jwks:" + server.base() + "/keys");
    assertThat(f.jwks).isNull();
    assertThat(f.error).contains("127.0.0.1 is loopback").contains("--jwks-allow-internal-addresses");
    assertThat(server.requests.get()).as("no request may reach the server").isZero();
    fetcher.close();

    FetchedJwks byName = fetchOnce(strict, "jwks:https://localhost:" + server.base().replaceAll(".*:", "") + "/keys");
    assertThat(byName.error).contains("loopback");
    assertThat(server.requests.get()).isZero();
  }

  @Test
  void refusesOperatorBlockedCidrsEvenWhenInternalAddressesAreAllowed() throws Exception {
    JwksFetchSettings blocked = local().withAddressRules(new AddressRules(true, List.of("127.0.0.0/8")));
    FetchedJwks f = fetchOnce(blocked, "jwks:" + server.base() + "/keys");
    assertThat(f.error).contains("blocked CIDR (127.0.0.0/8)");
    assertThat(server.requests.get()).isZero();
  }

  @Test
  void refusesResponsesAboveTheSizeCapWhetherLengthIsDeclaredOrChunked() throws Exception {
    fetcher = new JwksFetcher(local().withMaxResponseBytes(1000), sink);
    String declared = "jwks:" + server.base() + "/big";
    String chunked = "jwks:" + server.base() + "/big-chunked";
    fetcher.setSources(Set.of(declared, chunked));
    assertThat(await(declared, f -> true, "declared").error).contains("larger than 1000 bytes");
    assertThat(await(chunked, f -> true, "chunked").error).contains("larger than 1000 bytes");
    assertThat(latest.get(declared).jwks).isNull();
  }

  @Test
  void aSlowServerTimesOut() throws Exception {
    long started = System.nanoTime();
    FetchedJwks f = fetchOnce(local().withTimeout(Duration.ofMillis(300)), "jwks:" + server.base() + "/slow");
    assertThat(f.error).contains("timed out after 300 ms");
    assertThat(Duration.ofNanos(System.nanoTime() - started)).isLessThan(Duration.ofMillis(2500));
  }

  @Test
  void refusesAServerTheTrustedCasDoNotVouchFor() {
    FetchedJwks f = fetchOnce(JwksFetchSettings.defaults().withAddressRules(new AddressRules(true, List.of())),
        "jwks:" + server.base() + "/keys");
    assertThat(f.jwks).isNull();
    assertThat(f.error).startsWith("TLS with 127.0.0.1:");
  }

  @Test
  void refusesPlainHttpUnlessAllowed() throws Exception {
    try (TestKeyServer plain = new TestKeyServer(false)) {
      String source = "jwks:" + plain.base() + "/keys";
      FetchedJwks refused = fetchOnce(local(), source);
      assertThat(refused.error).contains("plain http is refused").contains("--jwks-allow-http");
      assertThat(plain.requests.get()).isZero();
      fetcher.close();
      latest.clear();

      FetchedJwks allowed = fetchOnce(local().withAllowHttp(true), source);
      assertThat(allowed.error).isNull();
      assertThat(allowed.jwks).isEqualTo(TestKeyServer.KEYS_1);
    }
  }

  @Test
  void refusesAResponseThatIsNotAKeySet() throws Exception {
    FetchedJwks f = fetchOnce(local(), "jwks:" + server.base() + "/html");
    assertThat(f.jwks).isNull();
    assertThat(f.error).contains("is not JSON").doesNotContain("internal admin page");
  }

  @Test
  void keepsTheLastGoodKeysWhenARefreshFailsAndPicksUpRotatedKeys() throws Exception {
    String source = "jwks:" + server.base() + "/keys";
    fetcher = new JwksFetcher(local().withRefresh(Duration.ofMillis(200)), sink);
    fetcher.setSources(Set.of(source));
    await(source, f -> TestKeyServer.KEYS_1.equals(f.jwks), "the first keys");

    server.status.set(503);
    FetchedJwks failed = await(source, f -> f.error != null, "a failed refresh");
    assertThat(failed.jwks).as("last good keys kept").isEqualTo(TestKeyServer.KEYS_1);
    assertThat(failed.error).contains("HTTP 503");

    server.keys.set(TestKeyServer.KEYS_2);
    server.status.set(200);
    FetchedJwks rotated = await(source, f -> TestKeyServer.KEYS_2.equals(f.jwks), "the rotated keys");
    assertThat(rotated.error).isNull();
    // Only changes are published: first keys, failure, rotated keys (retries of the same failure are not).
    int before = published.size();
    Thread.sleep(600);
    assertThat(published.size()).as("unchanged refreshes publish nothing").isEqualTo(before);
  }

  @Test
  void withdrawsSourcesNoRuleNamesAnyMore() throws Exception {
    String source = "jwks:" + server.base() + "/keys";
    fetcher = new JwksFetcher(local(), sink);
    fetcher.setSources(Set.of(source));
    await(source, f -> f.jwks != null, "keys");
    fetcher.setSources(Set.of());
    assertThat(withdrawn).containsExactly(source);
    assertThat(fetcher.sources()).isEmpty();
  }

  @Test
  void runsAtMostTheConfiguredNumberOfFetchesAtOnce() throws Exception {
    server.slowDelay.set(Duration.ofMillis(300));
    fetcher = new JwksFetcher(local().withConcurrency(2), sink);
    Set<String> sources = new java.util.TreeSet<>();
    for (int i = 0; i < 6; i++) {
      sources.add("jwks:" + server.base() + "/slow?n=" + i);
    }
    fetcher.setSources(sources);
    Await.until(WAIT, "every source fetched", () -> sources.stream().allMatch(s -> latest.containsKey(s) && latest.get(s).jwks != null));
    assertThat(server.maxInFlight.get()).isBetween(1, 2);
  }
}
