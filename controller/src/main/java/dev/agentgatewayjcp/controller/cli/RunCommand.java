package dev.agentgatewayjcp.controller.cli;

import dev.agentgatewayjcp.controller.deploy.ProxyDeploymentSettings;
import dev.agentgatewayjcp.controller.jwks.AddressRules;
import dev.agentgatewayjcp.controller.jwks.JwksFetchSettings;
import dev.agentgatewayjcp.controller.runtime.FileModeControlPlane;
import dev.agentgatewayjcp.controller.runtime.KubernetesControlPlane;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientBuilder;
import dev.agentgatewayjcp.controller.status.PrintingStatusSink;
import dev.agentgatewayjcp.controller.status.StatusSink;
import dev.agentgatewayjcp.controller.xds.XdsServerConfig;
import dev.agentgatewayjcp.controller.xds.XdsAuthenticator;
import dev.agentgatewayjcp.controller.security.DirectoryCaStore;
import dev.agentgatewayjcp.controller.security.GatewayBinding;
import dev.agentgatewayjcp.controller.security.ServingCertificates;
import dev.agentgatewayjcp.controller.security.StaticTokenVerifier;
import dev.agentgatewayjcp.controller.security.TokenAuthenticator;
import java.util.ArrayList;
import java.util.List;
import dev.agentgatewayjcp.translator.input.TranslationSettings;
import io.prometheus.metrics.instrumentation.jvm.JvmMetrics;
import io.prometheus.metrics.model.registry.PrometheusRegistry;
import java.net.InetSocketAddress;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * RunCommand runs the control plane: it reads inputs, translates them and serves xDS until
 * stopped.
 */
@Command(
    name = "run",
    mixinStandardHelpOptions = true,
    description = "Run the control plane: against the cluster of the current kubeconfig or service account, or with --config-dir on a directory of YAML (file mode, no cluster).")
final class RunCommand implements Callable<Integer> {

  private static final Logger LOG = LoggerFactory.getLogger(RunCommand.class);

  @Option(names = "--config-dir", paramLabel = "DIR", defaultValue = "${env:AGENTGATEWAY_JCP_CONFIG_DIR}",
      description = "File mode: read every YAML/JSON file under DIR and watch it for changes. Env: AGENTGATEWAY_JCP_CONFIG_DIR.")
  Path configDir;

  @Option(names = "--xds-host", defaultValue = "${env:AGENTGATEWAY_JCP_XDS_HOST:-127.0.0.1}",
      description = "Address the xDS server binds (default: ${DEFAULT-VALUE}; 0.0.0.0 in a pod). Env: AGENTGATEWAY_JCP_XDS_HOST.")
  String xdsHost;

  @Option(names = "--xds-port", defaultValue = "${env:AGENTGATEWAY_JCP_XDS_PORT:-15010}",
      description = "Plaintext xDS port (default: ${DEFAULT-VALUE}). Env: AGENTGATEWAY_JCP_XDS_PORT.")
  int xdsPort;

  @Option(names = "--xds-plaintext", negatable = true, defaultValue = "${env:AGENTGATEWAY_JCP_XDS_PLAINTEXT}", fallbackValue = "true",
      description = "Serve plaintext xDS on --xds-port (default: off in Kubernetes mode, on in file mode). Env: AGENTGATEWAY_JCP_XDS_PLAINTEXT.")
  Boolean xdsPlaintext;

  @Option(names = "--xds-tls", negatable = true, defaultValue = "${env:AGENTGATEWAY_JCP_XDS_TLS}", fallbackValue = "true",
      description = "Serve xDS over TLS on --xds-tls-port (default: on in Kubernetes mode; in file mode on when --xds-ca-dir is set). Env: AGENTGATEWAY_JCP_XDS_TLS.")
  Boolean xdsTls;

  @Option(names = "--xds-tls-port", defaultValue = "${env:AGENTGATEWAY_JCP_XDS_TLS_PORT:-15012}",
      description = "TLS xDS port (default: ${DEFAULT-VALUE}). Env: AGENTGATEWAY_JCP_XDS_TLS_PORT.")
  int xdsTlsPort;

  @Option(names = "--xds-auth", negatable = true, defaultValue = "${env:AGENTGATEWAY_JCP_XDS_AUTH}", fallbackValue = "true",
      description = "Require a service-account token bound to the proxy's Gateway (default: on in Kubernetes mode; in file mode on when --xds-token-file is set). Env: AGENTGATEWAY_JCP_XDS_AUTH.")
  Boolean xdsAuth;

  @Option(names = "--xds-token-audience", defaultValue = "${env:AGENTGATEWAY_JCP_XDS_TOKEN_AUDIENCE:-agentgateway-jcp}",
      description = "Kubernetes mode: audience proxies' projected tokens carry and TokenReview checks (default: ${DEFAULT-VALUE}). Env: AGENTGATEWAY_JCP_XDS_TOKEN_AUDIENCE.")
  String xdsTokenAudience;

  @Option(names = "--xds-token-cache", defaultValue = "${env:AGENTGATEWAY_JCP_XDS_TOKEN_CACHE:-PT1M}",
      description = "How long an admitted token is trusted before it is reviewed again, ISO-8601 (default: ${DEFAULT-VALUE}).")
  Duration xdsTokenCache;

  @Option(names = "--xds-token-file", paramLabel = "FILE", defaultValue = "${env:AGENTGATEWAY_JCP_XDS_TOKEN_FILE}",
      description = "File mode: tokens proxies may present, one '<token> <namespace>/<serviceaccount>' per line. Env: AGENTGATEWAY_JCP_XDS_TOKEN_FILE.")
  Path xdsTokenFile;

  @Option(names = "--xds-ca-dir", paramLabel = "DIR", defaultValue = "${env:AGENTGATEWAY_JCP_XDS_CA_DIR}",
      description = "File mode: directory holding the xDS CA as ca.crt and ca.key, created if missing. Env: AGENTGATEWAY_JCP_XDS_CA_DIR.")
  Path xdsCaDir;

  @Option(names = "--xds-ca-secret", defaultValue = "${env:AGENTGATEWAY_JCP_XDS_CA_SECRET:-agentgateway-jcp-xds-ca}",
      description = "Kubernetes mode: Secret in the controller's namespace holding the xDS CA, created if missing (default: ${DEFAULT-VALUE}). Env: AGENTGATEWAY_JCP_XDS_CA_SECRET.")
  String xdsCaSecret;

  @Option(names = "--namespace", defaultValue = "${env:POD_NAMESPACE:-default}",
      description = "Kubernetes mode: the controller's own namespace, home of the xDS CA Secret (default: $POD_NAMESPACE or ${DEFAULT-VALUE}).")
  String namespace;

  @Option(names = "--xds-service", defaultValue = "${env:AGENTGATEWAY_JCP_XDS_SERVICE:-agentgateway-jcp}",
      description = "Kubernetes mode: name of the controller's xDS Service; its DNS names go into the serving certificate and the proxies' XDS_ADDRESS (default: ${DEFAULT-VALUE}). Env: AGENTGATEWAY_JCP_XDS_SERVICE.")
  String xdsService;

  @Option(names = "--xds-tls-names", split = ",", defaultValue = "${env:AGENTGATEWAY_JCP_XDS_TLS_NAMES}",
      description = "Extra DNS names or IPs for the xDS serving certificate, comma-separated. Env: AGENTGATEWAY_JCP_XDS_TLS_NAMES.")
  List<String> xdsTlsNames;

  @Option(names = "--admin-host", defaultValue = "${env:AGENTGATEWAY_JCP_ADMIN_HOST:-127.0.0.1}",
      description = "Address of the health, metrics and debug endpoints (default: ${DEFAULT-VALUE}). Env: AGENTGATEWAY_JCP_ADMIN_HOST.")
  String adminHost;

  @Option(names = "--admin-port", defaultValue = "${env:AGENTGATEWAY_JCP_ADMIN_PORT:-15014}",
      description = "Port of the health, metrics and debug endpoints (default: ${DEFAULT-VALUE}). Env: AGENTGATEWAY_JCP_ADMIN_PORT.")
  int adminPort;

  @Option(names = "--poll-interval", defaultValue = "${env:AGENTGATEWAY_JCP_POLL_INTERVAL:-PT2S}",
      description = "File mode: how often the directory is checked besides file events, ISO-8601 (default: ${DEFAULT-VALUE}).")
  Duration pollInterval;

  @Option(names = "--max-connection-age", defaultValue = "${env:AGENTGATEWAY_JCP_MAX_CONNECTION_AGE:-PT30M}",
      description = "xDS connections are closed gracefully after this, so proxies rebalance (default: ${DEFAULT-VALUE}).")
  Duration maxConnectionAge;

  @Option(names = "--controller-name", defaultValue = "${env:AGENTGATEWAY_JCP_CONTROLLER_NAME:-" + TranslationSettings.DEFAULT_CONTROLLER_NAME + "}",
      description = "GatewayClass controllerName to act for (default: ${DEFAULT-VALUE}).")
  String controllerName;

  @Option(names = "--istio-root-namespace", defaultValue = "${env:AGENTGATEWAY_JCP_ISTIO_ROOT_NAMESPACE:-" + TranslationSettings.DEFAULT_ROOT_NAMESPACE + "}",
      description = "Istio's root namespace: AuthorizationPolicies and RequestAuthentications there apply to every Gateway (default: ${DEFAULT-VALUE}). Env: AGENTGATEWAY_JCP_ISTIO_ROOT_NAMESPACE.")
  String istioRootNamespace;

  @Option(names = "--jwks-refresh-interval", defaultValue = "${env:AGENTGATEWAY_JCP_JWKS_REFRESH_INTERVAL:-PT20M}",
      description = "How often fetched RequestAuthentication key sets are fetched again, ISO-8601 (default: ${DEFAULT-VALUE}, as Istio). Env: AGENTGATEWAY_JCP_JWKS_REFRESH_INTERVAL.")
  Duration jwksRefreshInterval;

  @Option(names = "--jwks-timeout", defaultValue = "${env:AGENTGATEWAY_JCP_JWKS_TIMEOUT:-PT5S}",
      description = "Deadline of one key-set request: connect, TLS and the whole response (default: ${DEFAULT-VALUE}). Env: AGENTGATEWAY_JCP_JWKS_TIMEOUT.")
  Duration jwksTimeout;

  @Option(names = "--jwks-max-size", defaultValue = "${env:AGENTGATEWAY_JCP_JWKS_MAX_SIZE:-524288}",
      description = "Largest key-set or discovery response accepted, in bytes (default: ${DEFAULT-VALUE}). Env: AGENTGATEWAY_JCP_JWKS_MAX_SIZE.")
  long jwksMaxSize;

  @Option(names = "--jwks-concurrency", defaultValue = "${env:AGENTGATEWAY_JCP_JWKS_CONCURRENCY:-4}",
      description = "Most key-set fetches run at once (default: ${DEFAULT-VALUE}). Env: AGENTGATEWAY_JCP_JWKS_CONCURRENCY.")
  int jwksConcurrency;

  @Option(names = "--jwks-allow-http", negatable = true, defaultValue = "${env:AGENTGATEWAY_JCP_JWKS_ALLOW_HTTP:-false}", fallbackValue = "true",
      description = "Also fetch plain http jwksUris and discovery documents (default: ${DEFAULT-VALUE}: https only). Env: AGENTGATEWAY_JCP_JWKS_ALLOW_HTTP.")
  boolean jwksAllowHttp;

  @Option(names = "--jwks-allow-internal-addresses", negatable = true, defaultValue = "${env:AGENTGATEWAY_JCP_JWKS_ALLOW_INTERNAL_ADDRESSES:-false}", fallbackValue = "true",
      description = "Let key fetches reach loopback, link-local, cloud metadata and unspecified addresses (default: ${DEFAULT-VALUE}). Env: AGENTGATEWAY_JCP_JWKS_ALLOW_INTERNAL_ADDRESSES.")
  boolean jwksAllowInternal;

  @Option(names = "--jwks-blocked-cidrs", split = ",", defaultValue = "${env:AGENTGATEWAY_JCP_JWKS_BLOCKED_CIDRS}",
      description = "CIDRs key fetches may never reach, comma-separated, e.g. the cluster's private ranges. Env: AGENTGATEWAY_JCP_JWKS_BLOCKED_CIDRS.")
  List<String> jwksBlockedCidrs;

  @Option(names = "--jwks-ca-file", paramLabel = "FILE", defaultValue = "${env:AGENTGATEWAY_JCP_JWKS_CA_FILE}",
      description = "PEM CA certificates trusted for key fetches in addition to the JVM's. Env: AGENTGATEWAY_JCP_JWKS_CA_FILE.")
  Path jwksCaFile;

  /** How RequestAuthentication keys are fetched, from the jwks options. */
  JwksFetchSettings jwksSettings() throws java.io.IOException {
    List<String> blocked = jwksBlockedCidrs == null ? List.of()
        : jwksBlockedCidrs.stream().map(String::strip).filter(c -> !c.isEmpty()).toList();
    AddressRules rules;
    try {
      rules = new AddressRules(jwksAllowInternal, blocked);
    } catch (IllegalArgumentException e) {
      throw new picocli.CommandLine.ParameterException(new picocli.CommandLine(this), "--jwks-blocked-cidrs: " + e.getMessage());
    }
    if (jwksConcurrency < 1 || jwksMaxSize < 1) {
      throw new picocli.CommandLine.ParameterException(new picocli.CommandLine(this), "--jwks-concurrency and --jwks-max-size must be positive");
    }
    return JwksFetchSettings.defaults()
        .withRefresh(jwksRefreshInterval)
        .withTimeout(jwksTimeout)
        .withMaxResponseBytes(jwksMaxSize)
        .withConcurrency(jwksConcurrency)
        .withAllowHttp(jwksAllowHttp)
        .withAddressRules(rules)
        .withSslContext(jwksCaFile == null ? JwksFetchSettings.defaultContext() : JwksFetchSettings.trusting(jwksCaFile));
  }

  @Option(names = "--print-status", negatable = true, defaultValue = "true", fallbackValue = "true",
      description = "File mode: print statuses as YAML when they change (default: ${DEFAULT-VALUE}).")
  boolean printStatus;

  @Option(names = "--leader-election", negatable = true, defaultValue = "${env:AGENTGATEWAY_JCP_LEADER_ELECTION:-true}", fallbackValue = "true",
      description = "Kubernetes mode: only the replica holding the Lease writes status (default: ${DEFAULT-VALUE}).")
  boolean leaderElection;

  @Option(names = "--lease-namespace", defaultValue = "${env:POD_NAMESPACE:-default}",
      description = "Kubernetes mode: namespace of the leader-election Lease (default: $POD_NAMESPACE or ${DEFAULT-VALUE}).")
  String leaseNamespace;

  @Option(names = "--lease-name", defaultValue = "${env:AGENTGATEWAY_JCP_LEASE_NAME:-agentgateway-jcp}",
      description = "Kubernetes mode: name of the leader-election Lease (default: ${DEFAULT-VALUE}).")
  String leaseName;

  @Option(names = "--deploy-proxies", negatable = true, defaultValue = "true", fallbackValue = "true",
      description = "Kubernetes mode: create a ServiceAccount, Deployment and Service per Gateway (default: ${DEFAULT-VALUE}).")
  boolean deployProxies;

  @Option(names = "--proxy-image", defaultValue = "${env:AGENTGATEWAY_JCP_PROXY_IMAGE:-" + ProxyDeploymentSettings.DEFAULT_IMAGE + "}",
      description = "Kubernetes mode: the agentgateway image of deployed proxies (default: ${DEFAULT-VALUE}).")
  String proxyImage;

  @Option(names = "--proxy-xds-address", defaultValue = "${env:AGENTGATEWAY_JCP_PROXY_XDS_ADDRESS}",
      description = "Kubernetes mode: the XDS_ADDRESS deployed proxies dial (default: https://<xds-service>.<namespace>.svc:<xds-tls-port> with TLS, else http://...:<xds-port>).")
  String proxyXdsAddress;

  @Option(names = "--proxy-service-type", defaultValue = "${env:AGENTGATEWAY_JCP_PROXY_SERVICE_TYPE:-LoadBalancer}",
      description = "Kubernetes mode: Service type of deployed proxies unless the Gateway's networking.istio.io/service-type annotation says otherwise (default: ${DEFAULT-VALUE}).")
  String proxyServiceType;

  /** The DNS names of the xDS Service, as a proxy in any namespace may write them. */
  List<String> servingNames() {
    List<String> names = new ArrayList<>(List.of(
        xdsService, xdsService + "." + namespace, xdsService + "." + namespace + ".svc",
        xdsService + "." + namespace + ".svc.cluster.local"));
    if (xdsTlsNames != null) {
      xdsTlsNames.stream().map(String::strip).filter(n -> !n.isEmpty()).forEach(names::add);
    }
    return names;
  }

  private int runInCluster(PrometheusRegistry registry) throws Exception {
    String identity = System.getenv().getOrDefault("POD_NAME", java.net.InetAddress.getLocalHost().getHostName());
    boolean tls = xdsTls == null || xdsTls;
    boolean plaintext = xdsPlaintext != null && xdsPlaintext;
    boolean auth = xdsAuth == null || xdsAuth;
    if (!tls && !plaintext) {
      throw new picocli.CommandLine.ParameterException(new picocli.CommandLine(this), "--no-xds-tls needs --xds-plaintext");
    }
    if (auth && !tls) {
      LOG.warn("xDS authentication without TLS: proxies' tokens cross the network in clear text");
    }
    if (!auth) {
      LOG.warn("xDS authentication is off: anything that reaches the xDS port gets any Gateway's configuration, TLS keys included");
    }
    KubernetesClient client = new KubernetesClientBuilder().build();
    TranslationSettings settings =
        new TranslationSettings(controllerName, "cluster.local", "Kubernetes", Clock.systemUTC(), istioRootNamespace);
    XdsServerConfig xdsConfig = XdsServerConfig.defaults()
        .withHost(xdsHost)
        .withPort(plaintext ? xdsPort : -1)
        .withTlsPort(tls ? xdsTlsPort : -1)
        .withMaxConnectionAge(maxConnectionAge, Duration.ofMinutes(1));
    KubernetesControlPlane.XdsSecurity security = tls || auth
        ? new KubernetesControlPlane.XdsSecurity(namespace, xdsCaSecret, servingNames(), Duration.ofHours(24),
            auth ? xdsTokenAudience : null, xdsTokenCache)
        : null;
    String address = proxyXdsAddress != null ? proxyXdsAddress
        : tls ? "https://" + xdsService + "." + namespace + ".svc:" + xdsTlsPort
        : "http://" + xdsService + "." + namespace + ".svc:" + xdsPort;
    KubernetesControlPlane controlPlane = new KubernetesControlPlane(
        client, settings, xdsConfig, new InetSocketAddress(adminHost, adminPort),
        new KubernetesControlPlane.Options(leaseNamespace, leaseName, identity, leaderElection,
            deployProxies
                ? new ProxyDeploymentSettings(proxyImage, address, proxyServiceType, controllerName, "Kubernetes")
                : null,
            security).withJwks(jwksSettings()),
        registry).start(Duration.ofMinutes(5));
    LOG.info("Kubernetes mode against {}: xDS on {} (plaintext {}, TLS {}, token authentication {}); health, metrics and debug on {}:{}",
        client.getMasterUrl(), xdsHost, controlPlane.xdsPort(), controlPlane.xdsTlsPort(), auth ? "on" : "off",
        adminHost, controlPlane.adminPort());
    CountDownLatch stopped = new CountDownLatch(1);
    Runtime.getRuntime().addShutdownHook(new Thread(() -> {
      LOG.info("shutting down");
      controlPlane.close();
      client.close();
      stopped.countDown();
    }, "shutdown"));
    stopped.await();
    return 0;
  }

  @Override
  public Integer call() throws Exception {
    PrometheusRegistry registry = new PrometheusRegistry();
    JvmMetrics.builder().register(registry);
    if (configDir == null) {
      return runInCluster(registry);
    }
    StatusSink statuses = printStatus ? new PrintingStatusSink(System.out) : (changed, removed) -> {};
    TranslationSettings settings =
        new TranslationSettings(controllerName, "cluster.local", "Kubernetes", Clock.systemUTC(), istioRootNamespace);
    boolean tls = xdsTls != null ? xdsTls : xdsCaDir != null;
    boolean plaintext = xdsPlaintext == null || xdsPlaintext;
    boolean auth = xdsAuth != null ? xdsAuth : xdsTokenFile != null;
    if (tls && xdsCaDir == null) {
      throw new picocli.CommandLine.ParameterException(new picocli.CommandLine(this), "file mode: --xds-tls needs --xds-ca-dir");
    }
    if (auth && xdsTokenFile == null) {
      throw new picocli.CommandLine.ParameterException(new picocli.CommandLine(this), "file mode: --xds-auth needs --xds-token-file");
    }
    if (!tls && !plaintext) {
      throw new picocli.CommandLine.ParameterException(new picocli.CommandLine(this), "--no-xds-plaintext needs --xds-tls");
    }
    XdsServerConfig xdsConfig = XdsServerConfig.defaults()
        .withHost(xdsHost)
        .withPort(plaintext ? xdsPort : -1)
        .withTlsPort(tls ? xdsTlsPort : -1)
        .withMaxConnectionAge(maxConnectionAge, Duration.ofMinutes(1));
    ServingCertificates certificates = null;
    if (tls) {
      List<String> names = new ArrayList<>(List.of("localhost", "127.0.0.1"));
      if (xdsTlsNames != null) {
        xdsTlsNames.stream().map(String::strip).filter(n -> !n.isEmpty()).forEach(names::add);
      }
      certificates = new ServingCertificates(new DirectoryCaStore(xdsCaDir, Clock.systemUTC()).loadOrCreate(),
          names, Duration.ofHours(24), Clock.systemUTC());
    }
    XdsAuthenticator authenticator = auth
        ? new TokenAuthenticator(StaticTokenVerifier.read(xdsTokenFile), GatewayBinding.BY_NAME, Duration.ZERO, Clock.systemUTC())
        : XdsAuthenticator.ALLOW_ALL;
    FileModeControlPlane controlPlane = new FileModeControlPlane(
        configDir, settings, xdsConfig, new InetSocketAddress(adminHost, adminPort), pollInterval,
        statuses, registry, authenticator, certificates, jwksSettings()).start();
    LOG.info("file mode: serving {} as xDS on {} (plaintext {}, TLS {}{}, token authentication {}); health, metrics and debug on {}:{}",
        configDir, xdsHost, controlPlane.xdsPort(), controlPlane.xdsTlsPort(),
        tls ? ", trust bundle " + xdsCaDir.resolve("ca.crt") : "", auth ? "on" : "off", adminHost, controlPlane.adminPort());

    CountDownLatch stopped = new CountDownLatch(1);
    Runtime.getRuntime().addShutdownHook(new Thread(() -> {
      LOG.info("shutting down");
      controlPlane.close();
      stopped.countDown();
    }, "shutdown"));
    stopped.await();
    return 0;
  }
}
