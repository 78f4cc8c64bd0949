package dev.agentgatewayjcp.controller.runtime;

import dev.agentgatewayjcp.api.istio.FetchedJwks;
import dev.agentgatewayjcp.controller.admin.AdminServer;
import dev.agentgatewayjcp.controller.jwks.JwksFetchSettings;
import dev.agentgatewayjcp.controller.jwks.JwksFetcher;
import dev.agentgatewayjcp.controller.loop.TranslationLoop;
import dev.agentgatewayjcp.controller.security.ServingCertificates;
import dev.agentgatewayjcp.controller.source.DirectoryInputSource;
import dev.agentgatewayjcp.controller.source.InputProblem;
import dev.agentgatewayjcp.controller.status.StatusSink;
import dev.agentgatewayjcp.controller.xds.XdsAuthenticator;
import dev.agentgatewayjcp.controller.xds.XdsCache;
import dev.agentgatewayjcp.controller.xds.XdsMetrics;
import dev.agentgatewayjcp.controller.xds.XdsServer;
import dev.agentgatewayjcp.controller.xds.XdsServerConfig;
import dev.agentgatewayjcp.translator.input.TranslationSettings;
import io.fabric8.kubernetes.api.model.HasMetadata;
import io.prometheus.metrics.model.registry.PrometheusRegistry;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * FileModeControlPlane runs the control plane on a directory of YAML instead of a cluster: it
 * translates the directory, serves xDS and the admin endpoints, and follows edits.
 */
public final class FileModeControlPlane implements AutoCloseable {

  private static final Logger LOG = LoggerFactory.getLogger(FileModeControlPlane.class);

  private final XdsCache cache = new XdsCache();
  private final TranslationLoop loop;
  private final DirectoryInputSource source;
  private final XdsServer xds;
  private final AdminServer admin;
  // One thread: translations never overlap and their outputs stay in order.
  private final ExecutorService translationThread =
      Executors.newSingleThreadExecutor(r -> {
        Thread t = new Thread(r, "translation");
        t.setDaemon(true);
        return t;
      });
  private volatile List<InputProblem> problems = List.of();
  private volatile List<HasMetadata> objects = List.of();
  /** Key sets the fetcher holds, by source; they join the directory's objects in every translation. */
  private final Map<String, FetchedJwks> fetched = new ConcurrentHashMap<>();
  private final JwksFetcher jwks;

  public FileModeControlPlane(
      Path configDir,
      TranslationSettings settings,
      XdsServerConfig xdsConfig,
      InetSocketAddress adminAddress,
      Duration pollInterval,
      StatusSink statusSink,
      PrometheusRegistry registry)
      throws IOException {
    this(configDir, settings, xdsConfig, adminAddress, pollInterval, statusSink, registry, XdsAuthenticator.ALLOW_ALL, null);
  }

  /**
   * @param authenticator admits proxies (file mode: {@link XdsAuthenticator#ALLOW_ALL} or static tokens)
   * @param certificates the TLS port's certificates; null when {@code xdsConfig} has no TLS port
   */
  public FileModeControlPlane(
      Path configDir,
      TranslationSettings settings,
      XdsServerConfig xdsConfig,
      InetSocketAddress adminAddress,
      Duration pollInterval,
      StatusSink statusSink,
      PrometheusRegistry registry,
      XdsAuthenticator authenticator,
      ServingCertificates certificates)
      throws IOException {
    this(configDir, settings, xdsConfig, adminAddress, pollInterval, statusSink, registry, authenticator, certificates,
        JwksFetchSettings.defaults());
  }

  /**
   * @param jwksSettings how the keys of RequestAuthentication {@code jwksUri}s and issuers are
   *     fetched; null to fetch none (their tokens are then refused)
   */
  public FileModeControlPlane(
      Path configDir,
      TranslationSettings settings,
      XdsServerConfig xdsConfig,
      InetSocketAddress adminAddress,
      Duration pollInterval,
      StatusSink statusSink,
      PrometheusRegistry registry,
      XdsAuthenticator authenticator,
      ServingCertificates certificates,
      JwksFetchSettings jwksSettings)
      throws IOException {
    this.jwks = jwksSettings == null ? null : new JwksFetcher(jwksSettings, new JwksFetcher.Sink() {
      @Override
      public void publish(FetchedJwks keys) {
        fetched.put(keys.source, keys);
        retranslate();
      }

      @Override
      public void withdraw(FetchedJwks keys) {
        fetched.remove(keys.source);
        retranslate();
      }
    });
    this.loop = new TranslationLoop(settings, cache, statusSink);
    this.source = new DirectoryInputSource(configDir, pollInterval, Duration.ofMillis(100));
    this.xds = new XdsServer(xdsConfig, cache, authenticator, new XdsMetrics(registry), certificates);
    this.admin = new AdminServer(adminAddress, registry, cache, xds.service(), loop::last, cache::isReady);
  }

  /** Translates the directory once, then starts serving and watching. */
  public FileModeControlPlane start() throws IOException {
    // The first translation completes before the server accepts streams, so no proxy ever sees a
    // partial view; later ones run on the translation thread.
    source.watch(load -> {
      problems = load.problems();
      load.problems().forEach(p -> LOG.warn("skipped {}", p));
      objects = load.objects();
      if (jwks != null) {
        jwks.sync(load.objects());
      }
      var translated = translationThread.submit(this::translateSafely);
      if (!cache.isReady()) {
        try {
          translated.get();
        } catch (InterruptedException e) {
          Thread.currentThread().interrupt();
        } catch (java.util.concurrent.ExecutionException e) {
          LOG.error("translation failed", e.getCause());
        }
      }
    });
    xds.start();
    admin.start();
    return this;
  }

  private void retranslate() {
    try {
      translationThread.execute(this::translateSafely);
    } catch (java.util.concurrent.RejectedExecutionException e) {
      // Closing.
    }
  }

  private void translateSafely() {
    List<HasMetadata> all = new java.util.ArrayList<>(objects);
    all.addAll(fetched.values());
    try {
      loop.translate(all);
    } catch (RuntimeException e) {
      // Keep serving the last good configuration.
      LOG.error("translation failed; proxies keep their last configuration", e);
    }
  }

  public int xdsPort() {
    return xds.port();
  }

  /** The bound TLS xDS port, or -1 when TLS is off. */
  public int xdsTlsPort() {
    return xds.tlsPort();
  }

  public int adminPort() {
    return admin.port();
  }

  public XdsCache cache() {
    return cache;
  }

  public TranslationLoop loop() {
    return loop;
  }

  public XdsServer xdsServer() {
    return xds;
  }

  /** Documents skipped in the latest read of the directory. */
  public List<InputProblem> problems() {
    return problems;
  }

  @Override
  public void close() {
    source.close();
    if (jwks != null) {
      jwks.close();
    }
    xds.shutdown(Duration.ofSeconds(5));
    admin.close();
    translationThread.shutdownNow();
    try {
      translationThread.awaitTermination(5, TimeUnit.SECONDS);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }
}
