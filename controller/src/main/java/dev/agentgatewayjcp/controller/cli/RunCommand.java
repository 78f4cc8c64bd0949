package dev.agentgatewayjcp.controller.cli;

import dev.agentgatewayjcp.controller.deploy.ProxyDeploymentSettings;
import dev.agentgatewayjcp.controller.runtime.FileModeControlPlane;
import dev.agentgatewayjcp.controller.runtime.KubernetesControlPlane;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientBuilder;
import dev.agentgatewayjcp.controller.status.PrintingStatusSink;
import dev.agentgatewayjcp.controller.status.StatusSink;
import dev.agentgatewayjcp.controller.xds.XdsServerConfig;
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

  @Option(names = "--proxy-xds-address", defaultValue = "${env:AGENTGATEWAY_JCP_PROXY_XDS_ADDRESS:-http://agentgateway-jcp.agentgateway-jcp-system.svc:15010}",
      description = "Kubernetes mode: the XDS_ADDRESS deployed proxies dial (default: ${DEFAULT-VALUE}).")
  String proxyXdsAddress;

  @Option(names = "--proxy-service-type", defaultValue = "${env:AGENTGATEWAY_JCP_PROXY_SERVICE_TYPE:-LoadBalancer}",
      description = "Kubernetes mode: Service type of deployed proxies unless the Gateway's networking.istio.io/service-type annotation says otherwise (default: ${DEFAULT-VALUE}).")
  String proxyServiceType;

  private int runInCluster(PrometheusRegistry registry) throws Exception {
    String identity = System.getenv().getOrDefault("POD_NAME", java.net.InetAddress.getLocalHost().getHostName());
    KubernetesClient client = new KubernetesClientBuilder().build();
    TranslationSettings settings =
        new TranslationSettings(controllerName, "cluster.local", "Kubernetes", Clock.systemUTC());
    XdsServerConfig xdsConfig = XdsServerConfig.defaults()
        .withHost(xdsHost)
        .withPort(xdsPort)
        .withMaxConnectionAge(maxConnectionAge, Duration.ofMinutes(1));
    KubernetesControlPlane controlPlane = new KubernetesControlPlane(
        client, settings, xdsConfig, new InetSocketAddress(adminHost, adminPort),
        new KubernetesControlPlane.Options(leaseNamespace, leaseName, identity, leaderElection,
            deployProxies
                ? new ProxyDeploymentSettings(proxyImage, proxyXdsAddress, proxyServiceType, controllerName, "Kubernetes")
                : null),
        registry).start(Duration.ofMinutes(5));
    LOG.info("Kubernetes mode against {}: xDS on {}:{}; health, metrics and debug on {}:{}",
        client.getMasterUrl(), xdsHost, controlPlane.xdsPort(), adminHost, controlPlane.adminPort());
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
        new TranslationSettings(controllerName, "cluster.local", "Kubernetes", Clock.systemUTC());
    XdsServerConfig xdsConfig = XdsServerConfig.defaults()
        .withHost(xdsHost)
        .withPort(xdsPort)
        .withMaxConnectionAge(maxConnectionAge, Duration.ofMinutes(1));
    FileModeControlPlane controlPlane = new FileModeControlPlane(
        configDir, settings, xdsConfig, new InetSocketAddress(adminHost, adminPort), pollInterval,
        statuses, registry).start();
    LOG.info("file mode: serving {} as xDS on {}:{}; health, metrics and debug on {}:{}",
        configDir, xdsHost, controlPlane.xdsPort(), adminHost, controlPlane.adminPort());

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
