package dev.agentgatewayjcp.controller.runtime;

import dev.agentgatewayjcp.api.istio.FetchedJwks;
import dev.agentgatewayjcp.controller.admin.AdminServer;
import dev.agentgatewayjcp.controller.jwks.JwksFetchSettings;
import dev.agentgatewayjcp.controller.jwks.JwksFetcher;
import dev.agentgatewayjcp.controller.deploy.ProxyDeployer;
import dev.agentgatewayjcp.controller.deploy.ProxyDeploymentSettings;
import dev.agentgatewayjcp.controller.loop.IncrementalTranslationLoop;
import dev.agentgatewayjcp.controller.security.CertificateAuthority;
import dev.agentgatewayjcp.controller.security.DeployedServiceAccounts;
import dev.agentgatewayjcp.controller.security.GatewayBinding;
import dev.agentgatewayjcp.controller.security.KubernetesCaStore;
import dev.agentgatewayjcp.controller.security.ServingCertificates;
import dev.agentgatewayjcp.controller.security.TokenAuthenticator;
import dev.agentgatewayjcp.controller.security.TokenReviewVerifier;
import dev.agentgatewayjcp.controller.source.InputStore;
import dev.agentgatewayjcp.controller.source.KubernetesInputSource;
import dev.agentgatewayjcp.controller.status.GatewayRejections;
import dev.agentgatewayjcp.controller.status.KubernetesStatusWriter;
import dev.agentgatewayjcp.controller.status.PolicyEventRecorder;
import dev.agentgatewayjcp.controller.status.RejectionReporter;
import dev.agentgatewayjcp.controller.status.StatusSink;
import dev.agentgatewayjcp.controller.xds.XdsServerCallbacks;
import dev.agentgatewayjcp.controller.xds.XdsAuthenticator;
import dev.agentgatewayjcp.controller.xds.XdsCache;
import dev.agentgatewayjcp.controller.xds.XdsMetrics;
import dev.agentgatewayjcp.controller.xds.XdsServer;
import dev.agentgatewayjcp.controller.xds.XdsServerConfig;
import dev.agentgatewayjcp.translator.input.InputKind;
import dev.agentgatewayjcp.translator.input.TranslationSettings;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.extended.leaderelection.LeaderCallbacks;
import io.fabric8.kubernetes.client.extended.leaderelection.LeaderElectionConfigBuilder;
import io.fabric8.kubernetes.client.extended.leaderelection.resourcelock.LeaseLock;
import io.prometheus.metrics.model.registry.PrometheusRegistry;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * KubernetesControlPlane runs the control plane against a cluster: informers feed the input
 * store, one thread translates after a short quiet period, every replica serves xDS, and only the
 * replica holding the Lease writes status.
 */
public final class KubernetesControlPlane implements AutoCloseable {

  private static final Logger LOG = LoggerFactory.getLogger(KubernetesControlPlane.class);
  /**
   * Changes that follow a translation within this time wait until they have been quiet this long
   * (agentgateway's own controller debounces every change by 10 ms); an isolated change is
   * translated at once.
   */
  private static final long QUIET_NANOS = Duration.ofMillis(10).toNanos();
  private static final long MAX_DELAY_NANOS = Duration.ofSeconds(1).toNanos();
  /** Status writes in flight at once: enough to write thousands of route statuses after a start in seconds. */
  private static final int STATUS_WRITERS = 4;

  /**
   * Settings of the Kubernetes mode.
   *
   * @param leaseNamespace namespace of the leader-election Lease
   * @param leaseName name of the Lease
   * @param identity this replica's name in the Lease
   * @param leaderElection false to write status unconditionally (a single replica, tests)
   * @param deployment how proxies are deployed; null to deploy none (the user runs them)
   * @param security how the xDS server is secured; null for plaintext without authentication
   * @param jwks how RequestAuthentication keys are fetched; null to fetch none
   * @param policyEventDelay how long a policy report must persist before it becomes an Event
   */
  public record Options(
      String leaseNamespace,
      String leaseName,
      String identity,
      boolean leaderElection,
      ProxyDeploymentSettings deployment,
      XdsSecurity security,
      JwksFetchSettings jwks,
      Duration policyEventDelay) {

    /** Options with the default key fetching and Event delay. */
    public Options(String leaseNamespace, String leaseName, String identity, boolean leaderElection,
        ProxyDeploymentSettings deployment, XdsSecurity security) {
      this(leaseNamespace, leaseName, identity, leaderElection, deployment, security,
          JwksFetchSettings.defaults(), PolicyEventRecorder.DEFAULT_DELAY);
    }

    public Options withJwks(JwksFetchSettings settings) {
      return new Options(leaseNamespace, leaseName, identity, leaderElection, deployment, security, settings, policyEventDelay);
    }

    public Options withPolicyEventDelay(Duration delay) {
      return new Options(leaseNamespace, leaseName, identity, leaderElection, deployment, security, jwks, delay);
    }

    /** Options of an unsecured xDS server. */
    public Options(String leaseNamespace, String leaseName, String identity, boolean leaderElection,
        ProxyDeploymentSettings deployment) {
      this(leaseNamespace, leaseName, identity, leaderElection, deployment, null);
    }
  }

  /**
   * How the xDS server is secured in Kubernetes mode.
   *
   * @param caNamespace namespace of the CA Secret (the controller's own)
   * @param caSecretName name of the CA Secret, shared by every replica
   * @param servingNames DNS names and IPs of the serving certificate: every host proxies dial
   * @param servingValidity lifetime of each serving certificate; renewed at half of it
   * @param tokenAudience audience proxies' tokens must carry; null turns authentication off
   * @param tokenCacheTtl how long an admitted token is trusted before it is reviewed again
   */
  public record XdsSecurity(
      String caNamespace,
      String caSecretName,
      java.util.List<String> servingNames,
      Duration servingValidity,
      String tokenAudience,
      Duration tokenCacheTtl) {}

  private final KubernetesClient client;
  private final Options options;
  private final InputStore store = new InputStore();
  private final XdsCache cache = new XdsCache();
  private final KubernetesInputSource source;
  private final KubernetesStatusWriter statusWriter;
  private final IncrementalTranslationLoop loop;
  private final XdsServer xds;
  private final AdminServer admin;
  private final ProxyDeployer deployer;
  private final RejectionReporter rejections;
  private final PolicyEventRecorder policyEvents;
  private final JwksFetcher jwks;
  private final ScheduledExecutorService translationThread = Executors.newSingleThreadScheduledExecutor(r -> {
    Thread t = new Thread(r, "translation");
    t.setDaemon(true);
    return t;
  });
  private final AtomicBoolean translationScheduled = new AtomicBoolean();
  private volatile long firstPendingNanos;
  private volatile long lastChangeNanos;
  /** When the last translation ended; Long.MAX_VALUE while one runs. */
  private volatile long lastTranslationEndNanos = System.nanoTime() - QUIET_NANOS;
  private CompletableFuture<?> election;

  public KubernetesControlPlane(
      KubernetesClient client,
      TranslationSettings settings,
      XdsServerConfig xdsConfig,
      InetSocketAddress adminAddress,
      Options options,
      PrometheusRegistry registry)
      throws IOException {
    this.client = client;
    this.options = options;
    this.statusWriter = new KubernetesStatusWriter(client, store, settings.controllerName(), STATUS_WRITERS);
    this.policyEvents = new PolicyEventRecorder(client, store, statusWriter::isLeader, options.policyEventDelay(),
        java.time.Clock.systemUTC());
    StatusSink statuses = (changed, removed) -> {
      statusWriter.onStatusChange(changed, removed);
      policyEvents.onStatusChange(changed, removed);
    };
    this.loop = new IncrementalTranslationLoop(settings, cache, statuses);
    this.jwks = options.jwks() == null ? null : new JwksFetcher(options.jwks(), new JwksFetcher.Sink() {
      @Override
      public void publish(FetchedJwks keys) {
        store.upsert(keys);
      }

      @Override
      public void withdraw(FetchedJwks keys) {
        store.delete(keys);
      }
    });
    this.source = new KubernetesInputSource(client, store);
    statusWriter.setServedTypes(source::servedType);
    this.rejections = new RejectionReporter(client, store, statusWriter, statusWriter::isLeader, java.time.Clock.systemUTC());
    // The rejection tracker reads the server's connections, which exist only once the server does.
    java.util.concurrent.atomic.AtomicReference<XdsServer> server = new java.util.concurrent.atomic.AtomicReference<>();
    GatewayRejections tracker = new GatewayRejections(
        () -> server.get() == null ? java.util.List.of() : server.get().service().connections(), rejections::onChange);
    XdsSecurity security = options.security();
    XdsAuthenticator authenticator = XdsAuthenticator.ALLOW_ALL;
    ServingCertificates certificates = null;
    ProxyDeploymentSettings deployment = options.deployment();
    if (security != null) {
      CertificateAuthority ca =
          new KubernetesCaStore(client, security.caNamespace(), security.caSecretName(), java.time.Clock.systemUTC()).loadOrCreate();
      certificates = new ServingCertificates(ca, security.servingNames(), security.servingValidity(), java.time.Clock.systemUTC());
      if (security.tokenAudience() != null) {
        // Proxies we deploy run under a service account we created for their Gateway; proxies
        // users run themselves only need the account's name and namespace to match.
        GatewayBinding binding = deployment != null ? new DeployedServiceAccounts(client) : GatewayBinding.BY_NAME;
        authenticator = new TokenAuthenticator(new TokenReviewVerifier(client, security.tokenAudience()),
            binding, security.tokenCacheTtl(), java.time.Clock.systemUTC());
      }
      if (deployment != null) {
        deployment = deployment.withXdsSecurity(xdsConfig.tlsPort() >= 0 ? ca.certificatePem() : null, security.tokenAudience());
      }
    }
    this.xds = new XdsServer(xdsConfig, cache, authenticator,
        XdsServerCallbacks.compose(java.util.List.of(new XdsMetrics(registry), tracker)), certificates);
    server.set(xds);
    this.admin = new AdminServer(adminAddress, registry, cache, xds.service(), this::snapshot, cache::isReady);
    this.deployer = deployment == null ? null : new ProxyDeployer(client, store, deployment);
  }

  /** Starts informers, waits for them to sync, translates once, then serves. */
  public KubernetesControlPlane start(Duration syncTimeout) throws IOException, InterruptedException {
    store.setListener(this::onInputChange);
    store.setUpsertObserver(statusWriter::onLiveChange);
    source.start();
    if (!source.awaitSynced(syncTimeout.toMillis(), TimeUnit.MILLISECONDS)) {
      throw new IOException("informers did not sync within " + syncTimeout);
    }
    // Never act on a partial view: the first translation sees every kind listed.
    translationThread.submit(this::translate);
    xds.start();
    admin.start();
    if (options.leaderElection()) {
      startElection();
    } else {
      setLeader(true);
    }
    return this;
  }

  private void onInputChange() {
    long now = System.nanoTime();
    lastChangeNanos = now;
    if (translationScheduled.compareAndSet(false, true)) {
      firstPendingNanos = now;
      long end = lastTranslationEndNanos;
      boolean idle = end != Long.MAX_VALUE && now - end >= QUIET_NANOS;
      try {
        if (idle) {
          // Nothing happened for a while: this change is most likely alone, so waiting for more
          // would only add latency. Whatever arrives while it translates is debounced.
          translationThread.execute(this::translateNow);
        } else {
          translationThread.schedule(this::translateWhenQuiet, QUIET_NANOS, TimeUnit.NANOSECONDS);
        }
      } catch (java.util.concurrent.RejectedExecutionException e) {
        // Shutting down: informers may still deliver events until the source is closed.
      }
    }
  }

  private void translateNow() {
    translationScheduled.set(false);
    translate();
  }

  private void translateWhenQuiet() {
    long now = System.nanoTime();
    long quietFor = now - lastChangeNanos;
    if (quietFor < QUIET_NANOS && now - firstPendingNanos < MAX_DELAY_NANOS) {
      translationThread.schedule(this::translateWhenQuiet, QUIET_NANOS - quietFor, TimeUnit.NANOSECONDS);
      return;
    }
    translationScheduled.set(false);
    translate();
  }

  private void translate() {
    if (!source.hasSynced()) {
      return;
    }
    lastTranslationEndNanos = Long.MAX_VALUE;
    try {
      var changes = store.drainChanges();
      if (jwks != null && changes.stream().anyMatch(c -> InputKind.REQUEST_AUTHENTICATION.kind().equals(c.ref().kind()))) {
        // The fetcher's results come back through the store and trigger another translation.
        jwks.sync(store.snapshot());
      }
      var touched = loop.apply(changes);
      if (deployer != null) {
        deployer.reconcile(touched);
      }
    } catch (RuntimeException e) {
      LOG.error("translation failed; proxies keep their last configuration", e);
    } finally {
      lastTranslationEndNanos = System.nanoTime();
    }
  }

  private void startElection() {
    var config = new LeaderElectionConfigBuilder()
        .withName(options.leaseName())
        .withLock(new LeaseLock(options.leaseNamespace(), options.leaseName(), options.identity()))
        .withLeaseDuration(Duration.ofSeconds(15))
        .withRenewDeadline(Duration.ofSeconds(10))
        .withRetryPeriod(Duration.ofSeconds(2))
        .withReleaseOnCancel(true)
        .withLeaderCallbacks(new LeaderCallbacks(
            () -> setLeader(true),
            () -> {
              setLeader(false);
              // Keep serving xDS, and try to become leader again.
              if (!translationThread.isShutdown()) {
                translationThread.schedule(this::startElection, 1, TimeUnit.SECONDS);
              }
            },
            leader -> LOG.info("status leader is {}", leader)))
        .build();
    election = client.leaderElector().withConfig(config).build().start();
  }

  private void setLeader(boolean leader) {
    statusWriter.setLeader(leader);
    policyEvents.setLeader(leader);
    if (deployer != null) {
      deployer.setLeader(leader);
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

  public InputStore store() {
    return store;
  }

  public KubernetesStatusWriter statusWriter() {
    return statusWriter;
  }

  /** The full current translation, computed on the translation thread (debug endpoints). */
  public dev.agentgatewayjcp.translator.TranslationResult snapshot() {
    try {
      return translationThread.submit(loop::snapshot).get(30, TimeUnit.SECONDS);
    } catch (Exception e) {
      return null;
    }
  }

  @Override
  public void close() {
    translationThread.shutdownNow();
    if (jwks != null) {
      jwks.close();
    }
    policyEvents.close();
    if (election != null) {
      election.cancel(true);
    }
    statusWriter.close();
    if (deployer != null) {
      deployer.close();
    }
    source.close();
    xds.shutdown(Duration.ofSeconds(5));
    admin.close();
  }
}
