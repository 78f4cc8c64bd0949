package dev.agentgatewayjcp.controller.jwks;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.agentgatewayjcp.api.istio.FetchedJwks;
import dev.agentgatewayjcp.api.istio.RequestAuthentication;
import dev.agentgatewayjcp.api.istio.RequestAuthenticationSpec.JwtRule;
import dev.agentgatewayjcp.controller.jwks.JwksHttpClient.FetchException;
import io.fabric8.kubernetes.api.model.HasMetadata;
import java.net.URI;
import java.net.URISyntaxException;
import java.time.Duration;
import java.util.Collection;
import java.util.HashMap;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * JwksFetcher keeps a key set for every {@code jwksUri} (and, for rules with neither keys nor a
 * URI, every issuer's OIDC discovery) that the current RequestAuthentications name, and hands
 * each change to a {@link Sink} as a {@link FetchedJwks} input.
 *
 * <p>A key set is fetched when a rule first names it and again every refresh interval. A failed
 * fetch is retried with exponential backoff, and the last good key set is kept (published along
 * with the error), so a flaky issuer does not lock users out. Without any good copy the published
 * input has no keys and the translator refuses that issuer's tokens. At most {@code concurrency}
 * fetches run at once. Only changes are published, so a refresh that returns the same keys costs
 * no translation.
 */
public final class JwksFetcher implements AutoCloseable {

  /** Receives fetched key sets; called from fetch threads. */
  public interface Sink {
    /** A source's keys or error changed. */
    void publish(FetchedJwks keys);

    /** No rule names the source any more. */
    void withdraw(FetchedJwks keys);
  }

  private static final Logger LOG = LoggerFactory.getLogger(JwksFetcher.class);
  private static final ObjectMapper JSON = new ObjectMapper();

  private final JwksFetchSettings settings;
  private final JwksHttpClient http;
  private final Sink sink;
  private final ScheduledExecutorService timer;
  private final ExecutorService workers;
  private final Map<String, Entry> entries = new HashMap<>();

  /** One source's state; guarded by the fetcher's lock. */
  private static final class Entry {
    final String source;
    String jwks;
    String error;
    int failures;
    boolean removed;
    ScheduledFuture<?> next;
    FetchedJwks published;

    Entry(String source) {
      this.source = source;
    }
  }

  public JwksFetcher(JwksFetchSettings settings, Sink sink) {
    this.settings = settings;
    this.http = new JwksHttpClient(settings);
    this.sink = sink;
    this.timer = Executors.newSingleThreadScheduledExecutor(r -> daemon(r, "jwks-timer"));
    this.workers = Executors.newFixedThreadPool(Math.max(1, settings.concurrency()), r -> daemon(r, "jwks-fetch"));
  }

  private static Thread daemon(Runnable r, String name) {
    Thread t = new Thread(r, name);
    t.setDaemon(true);
    return t;
  }

  /** The sources the RequestAuthentications among {@code objects} need keys from. */
  public static Set<String> sourcesOf(Collection<? extends HasMetadata> objects) {
    Set<String> sources = new TreeSet<>();
    for (HasMetadata o : objects) {
      if (o instanceof RequestAuthentication ra && ra.getSpec() != null && ra.getSpec().jwtRules != null) {
        for (JwtRule rule : ra.getSpec().jwtRules) {
          String source = FetchedJwks.sourceFor(rule);
          if (source != null) {
            sources.add(source);
          }
        }
      }
    }
    return sources;
  }

  /** Follows the RequestAuthentications among {@code objects}: see {@link #setSources}. */
  public void sync(Collection<? extends HasMetadata> objects) {
    setSources(sourcesOf(objects));
  }

  /** Starts fetching new sources at once and forgets (and withdraws) those no longer named. */
  public synchronized void setSources(Set<String> sources) {
    for (var it = entries.values().iterator(); it.hasNext(); ) {
      Entry e = it.next();
      if (!sources.contains(e.source)) {
        it.remove();
        e.removed = true;
        if (e.next != null) {
          e.next.cancel(false);
        }
        sink.withdraw(FetchedJwks.of(e.source, null, null));
      }
    }
    for (String source : sources) {
      if (!entries.containsKey(source)) {
        Entry e = new Entry(source);
        entries.put(source, e);
        schedule(e, Duration.ZERO);
      }
    }
  }

  /** The sources being followed. */
  public synchronized Set<String> sources() {
    return new TreeSet<>(entries.keySet());
  }

  private void schedule(Entry e, Duration delay) {
    try {
      e.next = timer.schedule(() -> submit(e), delay.toMillis(), TimeUnit.MILLISECONDS);
    } catch (RejectedExecutionException closed) {
      // Shutting down.
    }
  }

  private void submit(Entry e) {
    try {
      workers.execute(() -> fetch(e));
    } catch (RejectedExecutionException closed) {
      // Shutting down.
    }
  }

  private void fetch(Entry e) {
    String keys = null;
    String error = null;
    try {
      keys = fetchKeys(e.source);
    } catch (FetchException ex) {
      error = ex.getMessage();
    } catch (RuntimeException ex) {
      error = "unexpected " + ex.getClass().getSimpleName() + ": " + ex.getMessage();
      LOG.warn("fetching keys for {} failed", e.source, ex);
    }
    FetchedJwks changed = null;
    synchronized (this) {
      if (e.removed) {
        return;
      }
      Duration next;
      if (error == null) {
        e.jwks = keys;
        e.error = null;
        e.failures = 0;
        next = settings.refreshInterval();
      } else {
        e.error = error;
        e.failures++;
        long delay = settings.minRetry().toMillis() << Math.min(e.failures - 1, 20);
        next = Duration.ofMillis(Math.min(Math.max(delay, 1), Math.min(settings.maxRetry().toMillis(), settings.refreshInterval().toMillis())));
        LOG.warn("keys for {}: {} (failure {}, retrying in {}{})", e.source, error, e.failures, next,
            e.jwks == null ? "" : "; keeping the last good keys");
      }
      FetchedJwks now = FetchedJwks.of(e.source, e.jwks, e.error);
      if (!Objects.equals(now, e.published)) {
        e.published = now;
        changed = now;
      }
      schedule(e, next);
      if (changed != null) {
        // Published under the lock, so a withdrawal can never overtake it.
        sink.publish(changed);
      }
    }
  }

  private String fetchKeys(String source) throws FetchException {
    URI uri;
    if (source.startsWith("jwks:")) {
      uri = parse(source.substring(5));
    } else {
      uri = discover(source.substring(7));
    }
    String body = http.get(uri);
    JsonNode root;
    try {
      root = JSON.readTree(body);
    } catch (Exception ex) {
      throw new FetchException("the response from " + uri + " is not JSON");
    }
    if (root == null || !root.isObject() || !root.path("keys").isArray()) {
      throw new FetchException("the response from " + uri + " is not a JSON Web Key Set (an object with a keys array)");
    }
    return body;
  }

  /** Istio's discovery: {@code <issuer>/.well-known/openid-configuration}, field {@code jwks_uri}. */
  private URI discover(String issuer) throws FetchException {
    String base = issuer.endsWith("/") ? issuer.substring(0, issuer.length() - 1) : issuer;
    URI config = parse(base + "/.well-known/openid-configuration");
    String body = http.get(config);
    JsonNode root;
    try {
      root = JSON.readTree(body);
    } catch (Exception ex) {
      throw new FetchException("the OIDC discovery document at " + config + " is not JSON");
    }
    JsonNode jwksUri = root == null ? null : root.get("jwks_uri");
    if (jwksUri == null || !jwksUri.isTextual() || jwksUri.asText().isEmpty()) {
      throw new FetchException("the OIDC discovery document at " + config + " has no jwks_uri");
    }
    return parse(jwksUri.asText());
  }

  private static URI parse(String text) throws FetchException {
    try {
      URI uri = new URI(text);
      if (!uri.isAbsolute() || uri.getHost() == null) {
        throw new FetchException("not an absolute URI with a host: " + text);
      }
      return uri;
    } catch (URISyntaxException e) {
      throw new FetchException("not a valid URI: " + text);
    }
  }

  @Override
  public void close() {
    timer.shutdownNow();
    workers.shutdownNow();
  }
}
