package dev.agentgatewayjcp.controller.jwks;

import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.KeyStore;
import java.security.cert.CertificateException;
import java.security.cert.CertificateFactory;
import java.security.cert.X509Certificate;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import javax.net.ssl.SSLContext;
import javax.net.ssl.TrustManager;
import javax.net.ssl.TrustManagerFactory;
import javax.net.ssl.X509TrustManager;

/**
 * JwksFetchSettings says how the controller fetches key sets: timeouts, size cap, concurrency,
 * refresh and retry timing, which addresses and schemes are allowed, and which CAs are trusted.
 *
 * @param refreshInterval how often a key set that was fetched is fetched again (Istio: 20 minutes)
 * @param timeout deadline of one request: connect, TLS handshake and the whole response
 * @param maxResponseBytes larger responses are refused
 * @param concurrency at most this many fetches run at once
 * @param minRetry delay before the first retry after a failure; doubled per failure
 * @param maxRetry longest delay between retries
 * @param allowHttp also fetch plain http URIs (keys fetched over http can be replaced in transit)
 * @param addressRules which addresses may be connected to
 * @param sslContext the TLS client context (trust anchors)
 */
public record JwksFetchSettings(
    Duration refreshInterval,
    Duration timeout,
    long maxResponseBytes,
    int concurrency,
    Duration minRetry,
    Duration maxRetry,
    boolean allowHttp,
    AddressRules addressRules,
    SSLContext sslContext) {

  public static final Duration DEFAULT_REFRESH = Duration.ofMinutes(20);
  public static final Duration DEFAULT_TIMEOUT = Duration.ofSeconds(5);
  public static final long DEFAULT_MAX_BYTES = 512 * 1024;
  public static final int DEFAULT_CONCURRENCY = 4;

  /** The defaults: Istio's timing, https only, internal addresses refused, the JDK's trusted CAs. */
  public static JwksFetchSettings defaults() {
    return new JwksFetchSettings(DEFAULT_REFRESH, DEFAULT_TIMEOUT, DEFAULT_MAX_BYTES, DEFAULT_CONCURRENCY,
        Duration.ofSeconds(1), Duration.ofMinutes(5), false, new AddressRules(false, List.of()), defaultContext());
  }

  public JwksFetchSettings withRefresh(Duration refresh) {
    return new JwksFetchSettings(refresh, timeout, maxResponseBytes, concurrency, minRetry, maxRetry, allowHttp, addressRules, sslContext);
  }

  public JwksFetchSettings withTimeout(Duration t) {
    return new JwksFetchSettings(refreshInterval, t, maxResponseBytes, concurrency, minRetry, maxRetry, allowHttp, addressRules, sslContext);
  }

  public JwksFetchSettings withMaxResponseBytes(long max) {
    return new JwksFetchSettings(refreshInterval, timeout, max, concurrency, minRetry, maxRetry, allowHttp, addressRules, sslContext);
  }

  public JwksFetchSettings withConcurrency(int n) {
    return new JwksFetchSettings(refreshInterval, timeout, maxResponseBytes, n, minRetry, maxRetry, allowHttp, addressRules, sslContext);
  }

  public JwksFetchSettings withRetry(Duration min, Duration max) {
    return new JwksFetchSettings(refreshInterval, timeout, maxResponseBytes, concurrency, min, max, allowHttp, addressRules, sslContext);
  }

  public JwksFetchSettings withAllowHttp(boolean allow) {
    return new JwksFetchSettings(refreshInterval, timeout, maxResponseBytes, concurrency, minRetry, maxRetry, allow, addressRules, sslContext);
  }

  public JwksFetchSettings withAddressRules(AddressRules rules) {
    return new JwksFetchSettings(refreshInterval, timeout, maxResponseBytes, concurrency, minRetry, maxRetry, allowHttp, rules, sslContext);
  }

  public JwksFetchSettings withSslContext(SSLContext context) {
    return new JwksFetchSettings(refreshInterval, timeout, maxResponseBytes, concurrency, minRetry, maxRetry, allowHttp, addressRules, context);
  }

  /** The JDK's default TLS client context. */
  public static SSLContext defaultContext() {
    try {
      return SSLContext.getDefault();
    } catch (GeneralSecurityException e) {
      throw new IllegalStateException("the JDK has no default TLS context", e);
    }
  }

  /**
   * A TLS client context that trusts the JDK's CAs and, in addition, the PEM certificates in
   * {@code caFile} (an issuer with a private CA).
   */
  public static SSLContext trusting(Path caFile) throws IOException {
    try {
      List<X509Certificate> extra = new ArrayList<>();
      try (InputStream in = Files.newInputStream(caFile)) {
        CertificateFactory cf = CertificateFactory.getInstance("X.509");
        cf.generateCertificates(in).forEach(c -> extra.add((X509Certificate) c));
      }
      if (extra.isEmpty()) {
        throw new IOException("no certificate in " + caFile);
      }
      KeyStore store = KeyStore.getInstance(KeyStore.getDefaultType());
      store.load(null, null);
      for (int i = 0; i < extra.size(); i++) {
        store.setCertificateEntry("extra-" + i, extra.get(i));
      }
      X509TrustManager custom = trustManager(store);
      X509TrustManager system = trustManager(null);
      X509TrustManager both = new X509TrustManager() {
        @Override
        public void checkClientTrusted(X509Certificate[] chain, String authType) throws CertificateException {
          throw new CertificateException("client certificates are not checked here");
        }

        @Override
        public void checkServerTrusted(X509Certificate[] chain, String authType) throws CertificateException {
          try {
            custom.checkServerTrusted(chain, authType);
          } catch (CertificateException e) {
            system.checkServerTrusted(chain, authType);
          }
        }

        @Override
        public X509Certificate[] getAcceptedIssuers() {
          List<X509Certificate> all = new ArrayList<>(List.of(system.getAcceptedIssuers()));
          all.addAll(extra);
          return all.toArray(new X509Certificate[0]);
        }
      };
      SSLContext context = SSLContext.getInstance("TLS");
      context.init(null, new TrustManager[] {both}, null);
      return context;
    } catch (GeneralSecurityException e) {
      throw new IOException("cannot use " + caFile + " as a CA bundle: " + e.getMessage(), e);
    }
  }

  private static X509TrustManager trustManager(KeyStore store) throws GeneralSecurityException {
    TrustManagerFactory tmf = TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
    tmf.init(store);
    for (TrustManager tm : tmf.getTrustManagers()) {
      if (tm instanceof X509TrustManager x) {
        return x;
      }
    }
    throw new GeneralSecurityException("no X.509 trust manager");
  }
}
