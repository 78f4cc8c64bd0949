package dev.agentgatewayjcp.controller.jwks;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import com.sun.net.httpserver.HttpsConfigurator;
import com.sun.net.httpserver.HttpsServer;
import dev.agentgatewayjcp.controller.security.CertificateAuthority;
import dev.agentgatewayjcp.controller.security.ServingCertificates;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.security.KeyStore;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;
import javax.net.ssl.KeyManager;
import javax.net.ssl.SSLContext;
import javax.net.ssl.TrustManagerFactory;

/**
 * TestKeyServer is a real local HTTPS (or HTTP) server with a certificate from a test CA, serving
 * a key set that tests can change, an OIDC discovery document, and misbehaving endpoints.
 */
public final class TestKeyServer implements AutoCloseable {

  public static final String KEYS_1 = "{\"keys\":[{\"kty\":\"EC\",\"kid\":\"one\",\"crv\":\"P-256\",\"x\":\"AAAA\",\"y\":\"BBBB\"}]}";
  public static final String KEYS_2 = "{\"keys\":[{\"kty\":\"EC\",\"kid\":\"two\",\"crv\":\"P-256\",\"x\":\"CCCC\",\"y\":\"DDDD\"}]}";

  public final CertificateAuthority ca = CertificateAuthority.generate("jwks test CA", Clock.systemUTC());
  public final AtomicReference<String> keys = new AtomicReference<>(KEYS_1);
  final AtomicInteger status = new AtomicInteger(200);
  public final AtomicInteger requests = new AtomicInteger();
  final AtomicInteger inFlight = new AtomicInteger();
  final AtomicInteger maxInFlight = new AtomicInteger();
  final AtomicReference<Duration> slowDelay = new AtomicReference<>(Duration.ofSeconds(3));
  private final HttpServer server;
  private final boolean tls;

  public TestKeyServer(boolean tls) throws Exception {
    this.tls = tls;
    InetSocketAddress bind = new InetSocketAddress("127.0.0.1", 0);
    if (tls) {
      HttpsServer https = HttpsServer.create(bind, 0);
      SSLContext context = SSLContext.getInstance("TLS");
      context.init(new KeyManager[] {new ServingCertificates(ca, List.of("localhost", "127.0.0.1"), Duration.ofHours(1), Clock.systemUTC())},
          null, null);
      https.setHttpsConfigurator(new HttpsConfigurator(context));
      server = https;
    } else {
      server = HttpServer.create(bind, 0);
    }
    server.setExecutor(Executors.newCachedThreadPool());
    server.createContext("/keys", ex -> respond(ex, status.get(), keys.get(), true));
    server.createContext("/chunked-keys", ex -> respond(ex, status.get(), keys.get(), false));
    server.createContext("/big", ex -> respond(ex, 200, "{\"keys\":[],\"pad\":\"" + "x".repeat(5000) + "\"}", true));
    server.createContext("/big-chunked", ex -> respond(ex, 200, "{\"keys\":[],\"pad\":\"" + "x".repeat(5000) + "\"}", false));
    server.createContext("/html", ex -> respond(ex, 200, "<html>internal admin page</html>", true));
    server.createContext("/redirect", ex -> {
      ex.getResponseHeaders().add("Location", "/keys");
      respond(ex, 302, "", true);
    });
    server.createContext("/slow", ex -> {
      int now = inFlight.incrementAndGet();
      maxInFlight.accumulateAndGet(now, Math::max);
      try {
        Thread.sleep(slowDelay.get().toMillis());
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      }
      inFlight.decrementAndGet();
      respond(ex, 200, keys.get(), true);
    });
    server.createContext("/oidc/.well-known/openid-configuration", ex -> respond(ex, 200,
        "{\"issuer\":\"" + base() + "/oidc\",\"jwks_uri\":\"" + base() + "/keys\"}", true));
    server.start();
  }

  private void respond(HttpExchange ex, int code, String body, boolean withLength) throws IOException {
    requests.incrementAndGet();
    byte[] bytes = body.getBytes(StandardCharsets.UTF_8);
    ex.getResponseHeaders().add("Content-Type", "application/json");
    ex.sendResponseHeaders(code, withLength ? (bytes.length == 0 ? -1 : bytes.length) : 0);
    if (bytes.length > 0) {
      try (OutputStream out = ex.getResponseBody()) {
        out.write(bytes);
      }
    }
    ex.close();
  }

  public String base() {
    return (tls ? "https" : "http") + "://127.0.0.1:" + server.getAddress().getPort();
  }

  /** A client context that trusts only the test CA. */
  public SSLContext clientContext() throws Exception {
    KeyStore store = KeyStore.getInstance(KeyStore.getDefaultType());
    store.load(null, null);
    store.setCertificateEntry("ca", ca.certificate());
    TrustManagerFactory tmf = TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
    tmf.init(store);
    SSLContext context = SSLContext.getInstance("TLS");
    context.init(null, tmf.getTrustManagers(), null);
    return context;
  }

  @Override
  public void close() {
    server.stop(0);
    ((java.util.concurrent.ExecutorService) server.getExecutor()).shutdownNow();
  }
}
