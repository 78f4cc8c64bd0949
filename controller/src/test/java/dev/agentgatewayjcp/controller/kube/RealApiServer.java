package dev.agentgatewayjcp.controller.kube;

import dev.agentgatewayjcp.controller.runtime.KubernetesControlPlane;
import dev.agentgatewayjcp.controller.xds.XdsServerConfig;
import dev.agentgatewayjcp.translator.input.TranslationSettings;
import io.fabric8.kubeapitest.KubeAPIServer;
import io.fabric8.kubeapitest.KubeAPIServerConfigBuilder;
import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.apiextensions.v1.CustomResourceDefinition;
import io.fabric8.kubernetes.client.Config;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientBuilder;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.junit.jupiter.api.Assumptions;

/**
 * RealApiServer starts a real kube-apiserver and etcd, built by this project from Go modules
 * (conformance/), through fabric8 kube-api-test in offline mode, and installs the Gateway API CRDs.
 *
 * <p>It needs {@code KUBE_API_TEST_DIR} (holding {@code k8s/<version>-linux-amd64/} with etcd,
 * kube-apiserver and kubectl) and {@code GATEWAY_API_CRDS_DIR} (the experimental CRD YAML);
 * {@code scripts/kube-test-env.sh} prepares both. Without them the tests are skipped, unless
 * {@code REQUIRE_KUBE_API_SERVER=true}, which CI sets, makes that a failure.
 */
public final class RealApiServer implements AutoCloseable {

  /** The release conformance/kube/go.mod pins; scripts/kube-test-env.sh exports it. */
  static final String VERSION = System.getenv().getOrDefault("KUBE_API_TEST_VERSION", "1.36.3");

  private final KubeAPIServer server;
  private final String kubeConfigYaml;

  private RealApiServer(KubeAPIServer server) {
    this.server = server;
    this.kubeConfigYaml = server.getKubeConfigYaml();
  }

  public static RealApiServer startOrSkip() throws IOException {
    String testDir = System.getenv("KUBE_API_TEST_DIR");
    String crds = System.getenv("GATEWAY_API_CRDS_DIR");
    boolean present = testDir != null && crds != null
        && Files.isExecutable(Path.of(testDir, "k8s", VERSION + "-linux-amd64", "kube-apiserver"))
        && Files.isDirectory(Path.of(crds));
    if (!present) {
      String why = "no locally built kube-apiserver/etcd (KUBE_API_TEST_DIR) or Gateway API CRDs (GATEWAY_API_CRDS_DIR); run scripts/kube-test-env.sh";
      if (Boolean.parseBoolean(System.getenv("REQUIRE_KUBE_API_SERVER"))) {
        throw new IllegalStateException(why);
      }
      Assumptions.abort(why);
    }
    KubeAPIServer server = new KubeAPIServer(KubeAPIServerConfigBuilder.anAPIServerConfig()
        .withOfflineMode(true)
        .withTestDir(testDir)
        .withApiServerVersion(VERSION)
        .withUpdateKubeConfig(false)
        .withStartupTimeout(120_000)
        .build());
    server.start();
    RealApiServer api = new RealApiServer(server);
    api.installCrds(Path.of(crds));
    return api;
  }

  /** Server-side applies every object of a multi-document YAML string. */
  static void apply(KubernetesClient client, String yaml) {
    List<HasMetadata> objects =
        client.load(new java.io.ByteArrayInputStream(yaml.getBytes(java.nio.charset.StandardCharsets.UTF_8))).items();
    for (HasMetadata object : objects) {
      client.resource(object).forceConflicts().serverSideApply();
    }
  }

  /**
   * Stops kube-apiserver (etcd keeps running, so nothing stored is lost) and returns a handle that
   * starts it again. kube-api-test has no API for this, so its process objects are reached by
   * reflection; the restarted server listens on a new port.
   */
  Restart stopApiServer() throws ReflectiveOperationException {
    Object apiProcess = field(server, "kubeApiServerProcess");
    apiProcess.getClass().getMethod("stopApiServer").invoke(apiProcess);
    return () -> {
      Object etcd = field(server, "etcdProcess");
      Process etcdProcess = (Process) field(etcd, "etcdProcess");
      int etcdPort = etcdPort(etcdProcess);
      int port = (int) apiProcess.getClass().getMethod("startApiServer", int.class).invoke(apiProcess, etcdPort);
      apiProcess.getClass().getMethod("waitUntilReady").invoke(apiProcess);
      return port;
    };
  }

  /** Starts kube-apiserver again; returns its new port. */
  interface Restart {
    int start() throws ReflectiveOperationException;
  }

  /**
   * The key kube-apiserver signs service-account tokens with (kube-api-test passes its serving key
   * as {@code --service-account-signing-key-file}). Tests use it to mint tokens the API server
   * itself would have issued but cannot, such as already expired ones.
   */
  Path serviceAccountSigningKey() throws ReflectiveOperationException {
    Object apiProcess = field(server, "kubeApiServerProcess");
    Object certManager = field(apiProcess, "certManager");
    return Path.of((String) certManager.getClass().getMethod("getAPIServerKeyPath").invoke(certManager));
  }

  /** The port kube-apiserver listens on now. */
  int apiServerPort() throws ReflectiveOperationException {
    Object apiProcess = field(server, "kubeApiServerProcess");
    return (int) apiProcess.getClass().getMethod("getApiServerPort").invoke(apiProcess);
  }

  /** A client configured like {@link #newClient()} but talking to {@code 127.0.0.1:port}. */
  KubernetesClient newClientThrough(int port) {
    Config config = Config.fromKubeconfig(kubeConfigYaml);
    config.setMasterUrl("https://127.0.0.1:" + port);
    return new KubernetesClientBuilder().withConfig(config).build();
  }

  private static Object field(Object target, String name) throws ReflectiveOperationException {
    java.lang.reflect.Field f = target.getClass().getDeclaredField(name);
    f.setAccessible(true);
    return f.get(target);
  }

  private static int etcdPort(Process etcd) {
    String[] args = etcd.info().arguments().orElseThrow();
    for (int i = 0; i < args.length - 1; i++) {
      if (args[i].equals("--listen-client-urls")) {
        String url = args[i + 1];
        return Integer.parseInt(url.substring(url.lastIndexOf(':') + 1));
      }
    }
    throw new IllegalStateException("cannot find etcd's client port in " + java.util.Arrays.toString(args));
  }

  /** Our GatewayClass and the echo Service every test routes to. */
  static final String CLASS_AND_ECHO = """
      apiVersion: gateway.networking.k8s.io/v1
      kind: GatewayClass
      metadata: {name: agentgateway-jcp}
      spec: {controllerName: agentgateway-jcp.dev/controller}
      ---
      apiVersion: v1
      kind: Service
      metadata: {name: echo, namespace: default}
      spec: {ports: [{name: http, port: 80, targetPort: 3000}]}
      """;

  /** Starts a control plane on loopback with free ports, as each test replica runs. */
  static KubernetesControlPlane startControlPlane(KubernetesClient client, KubernetesControlPlane.Options options)
      throws Exception {
    return new KubernetesControlPlane(
        client,
        TranslationSettings.defaults(java.time.Clock.systemUTC()),
        XdsServerConfig.defaults().withHost("127.0.0.1").withPort(0),
        new java.net.InetSocketAddress("127.0.0.1", 0),
        options,
        new io.prometheus.metrics.model.registry.PrometheusRegistry()).start(java.time.Duration.ofSeconds(60));
  }

  /** The kubeconfig of an administrator, for clients in other processes (the benchmarks' controllers). */
  public String kubeConfigYaml() {
    return kubeConfigYaml;
  }

  public KubernetesClient newClient() {
    return new KubernetesClientBuilder().withConfig(Config.fromKubeconfig(kubeConfigYaml)).build();
  }

  private void installCrds(Path dir) throws IOException {
    try (KubernetesClient client = newClient(); Stream<Path> files = Files.list(dir)) {
      List<Path> yamls = files.filter(f -> f.getFileName().toString().startsWith("gateway.networking.k8s.io_")
          && f.getFileName().toString().endsWith(".yaml")
          && !f.getFileName().toString().contains("vap_")).sorted().toList();
      for (Path file : yamls) {
        try (InputStream in = Files.newInputStream(file)) {
          for (HasMetadata object : client.load(in).items()) {
            client.resource(object).forceConflicts().serverSideApply();
          }
        }
      }
      for (CustomResourceDefinition crd : client.apiextensions().v1().customResourceDefinitions().list().getItems()) {
        client.apiextensions().v1().customResourceDefinitions().resource(crd)
            .waitUntilCondition(c -> c.getStatus() != null && c.getStatus().getConditions() != null && c.getStatus().getConditions().stream()
                .anyMatch(x -> "Established".equals(x.getType()) && "True".equals(x.getStatus())), 60, TimeUnit.SECONDS);
      }
    }
  }

  @Override
  public void close() {
    server.stop();
  }
}
