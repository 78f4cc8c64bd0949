package dev.agentgatewayjcp.controller.deploy;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.fabric8.kubernetes.api.model.ConfigMap;
import io.fabric8.kubernetes.api.model.ConfigMapBuilder;
import io.fabric8.kubernetes.api.model.VolumeBuilder;
import io.fabric8.kubernetes.api.model.VolumeMountBuilder;
import io.fabric8.kubernetes.api.model.ContainerPortBuilder;
import io.fabric8.kubernetes.api.model.EnvVar;
import io.fabric8.kubernetes.api.model.EnvVarBuilder;
import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.IntOrString;
import io.fabric8.kubernetes.api.model.OwnerReference;
import io.fabric8.kubernetes.api.model.OwnerReferenceBuilder;
import io.fabric8.kubernetes.api.model.Service;
import io.fabric8.kubernetes.api.model.ServiceAccount;
import io.fabric8.kubernetes.api.model.ServiceAccountBuilder;
import io.fabric8.kubernetes.api.model.ServiceBuilder;
import io.fabric8.kubernetes.api.model.ServicePort;
import io.fabric8.kubernetes.api.model.ServicePortBuilder;
import io.fabric8.kubernetes.api.model.apps.Deployment;
import io.fabric8.kubernetes.api.model.apps.DeploymentBuilder;
import io.fabric8.kubernetes.api.model.gatewayapi.v1.Gateway;
import io.fabric8.kubernetes.api.model.gatewayapi.v1.GatewaySpecAddress;
import io.fabric8.kubernetes.api.model.gatewayapi.v1.Listener;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;

/**
 * ProxyResources renders the ServiceAccount, Deployment and Service that run one Gateway's
 * proxies. It is a pure function of the Gateway, its optional parameters ConfigMap and the
 * settings.
 *
 * <p>The pod leaves {@code POD_NAME} unset on purpose: with it, agentgateway waits for its own
 * Workload on the Address stream before it becomes ready, and this control plane does not send the
 * gateway pods as Workloads.
 */
public final class ProxyResources {

  /** Label on every object we manage; the value is our controllerName with '/' as '-'. */
  public static final String MANAGED_LABEL = "agentgateway-jcp.dev/managed";
  public static final String GATEWAY_NAME_LABEL = "gateway.networking.k8s.io/gateway-name";
  public static final String GATEWAY_CLASS_LABEL = "gateway.networking.k8s.io/gateway-class-name";
  /** Gateway annotation that overrides the Service type, as in Istio. */
  public static final String SERVICE_TYPE_ANNOTATION = "networking.istio.io/service-type";
  public static final int READINESS_PORT = 15021;
  public static final int METRICS_PORT = 15020;
  /** Where the xDS trust bundle is mounted; {@code XDS_ROOT_CA} names the file in it. */
  public static final String XDS_CA_DIR = "/var/run/secrets/xds";
  public static final String XDS_CA_KEY = "ca.crt";
  /** agentgateway's default {@code XDS_AUTH_TOKEN} location, set explicitly all the same. */
  public static final String XDS_TOKEN_DIR = "/var/run/secrets/xds-tokens";
  public static final String XDS_TOKEN_FILE = "xds-token";
  /** Lifetime of the projected xDS token; the kubelet refreshes it at 80%, agentgateway re-reads it every minute. */
  public static final long XDS_TOKEN_SECONDS = 3600;
  /** Pod annotation holding a hash of the trust bundle: agentgateway reads it only at startup, so a new CA must restart the pods. */
  public static final String XDS_CA_HASH_ANNOTATION = "agentgateway-jcp.dev/xds-ca-hash";

  private static final ObjectMapper JSON = new ObjectMapper();
  private static final Set<String> NEVER_COPIED = Set.of("kubectl.kubernetes.io/last-applied-configuration");

  /**
   * The rendered objects.
   *
   * @param serviceAccount the proxies' identity
   * @param deployment the proxies
   * @param service how clients reach them
   * @param xdsTrustBundle the ConfigMap holding the xDS CA certificate the proxies trust; null when
   *     xDS is plaintext
   */
  public record Rendered(ServiceAccount serviceAccount, Deployment deployment, Service service, ConfigMap xdsTrustBundle) {
    public List<HasMetadata> all() {
      return xdsTrustBundle == null
          ? List.of(serviceAccount, deployment, service)
          : List.of(xdsTrustBundle, serviceAccount, deployment, service);
    }
  }

  /** Name of the trust-bundle ConfigMap of a Gateway's proxies. */
  public static String trustBundleName(String gatewayName) {
    return gatewayName + "-xds-ca";
  }

  private ProxyResources() {}

  /**
   * Renders the objects for {@code gateway}.
   *
   * @param parameters the ConfigMap named by {@code spec.infrastructure.parametersRef}, if any:
   *     keys {@code serviceAccount}, {@code deployment} and {@code service} hold JSON merge
   *     patches (RFC 7386, in YAML or JSON) applied to the rendered object
   * @param listenerPorts the ports to expose, in order (the Gateway's listeners and those of its
   *     accepted ListenerSets), with the listener name and protocol of the first one per port
   */
  public static Rendered render(
      Gateway gateway, ConfigMap parameters, List<Listener> listenerPorts, ProxyDeploymentSettings settings) {
    String name = gateway.getMetadata().getName();
    String namespace = gateway.getMetadata().getNamespace();
    Map<String, String> labels = new TreeMap<>(infrastructure(gateway, true));
    labels.put(GATEWAY_NAME_LABEL, name);
    labels.put(GATEWAY_CLASS_LABEL, gateway.getSpec().getGatewayClassName());
    labels.put(MANAGED_LABEL, settings.controllerName().replace('/', '-'));
    Map<String, String> annotations = new TreeMap<>(infrastructure(gateway, false));
    OwnerReference owner = new OwnerReferenceBuilder()
        .withApiVersion("gateway.networking.k8s.io/v1")
        .withKind("Gateway")
        .withName(name)
        .withUid(gateway.getMetadata().getUid())
        .withController(true)
        .withBlockOwnerDeletion(true)
        .build();
    Map<String, String> selector = Map.of(GATEWAY_NAME_LABEL, name);

    ServiceAccount serviceAccount = new ServiceAccountBuilder()
        .withNewMetadata().withName(name).withNamespace(namespace).withLabels(labels)
        .withAnnotations(annotations).withOwnerReferences(owner).endMetadata()
        .build();

    Map<String, String> podAnnotations = new TreeMap<>(annotations);
    podAnnotations.put("prometheus.io/scrape", "true");
    podAnnotations.put("prometheus.io/port", Integer.toString(METRICS_PORT));
    podAnnotations.put("prometheus.io/path", "/metrics");
    if (settings.xdsTrustBundle() != null) {
      podAnnotations.put(XDS_CA_HASH_ANNOTATION, shortHash(settings.xdsTrustBundle()));
    }
    Deployment deployment = new DeploymentBuilder()
        .withNewMetadata().withName(name).withNamespace(namespace).withLabels(labels)
        .withAnnotations(annotations).withOwnerReferences(owner).endMetadata()
        .withNewSpec()
        .withReplicas(1)
        .withNewSelector().withMatchLabels(selector).endSelector()
        .withNewTemplate()
        .withNewMetadata().withLabels(labels).withAnnotations(podAnnotations).endMetadata()
        .withNewSpec()
        .withServiceAccountName(name)
        // The proxy never calls the Kubernetes API; its only credential is the xDS token below.
        .withAutomountServiceAccountToken(false)
        .withNewSecurityContext()
        .addNewSysctl().withName("net.ipv4.ip_unprivileged_port_start").withValue("0").endSysctl()
        .endSecurityContext()
        .addNewContainer()
        .withName("agentgateway")
        .withImage(settings.image())
        .withArgs("--config", "{}")
        .withEnv(environment(gateway, settings))
        .withPorts(
            new ContainerPortBuilder().withName("metrics").withContainerPort(METRICS_PORT).withProtocol("TCP").build(),
            new ContainerPortBuilder().withName("status-port").withContainerPort(READINESS_PORT).withProtocol("TCP").build())
        .withNewReadinessProbe()
        .withNewHttpGet().withPath("/healthz/ready").withPort(new IntOrString(READINESS_PORT)).endHttpGet()
        .withPeriodSeconds(2).withFailureThreshold(30)
        .endReadinessProbe()
        .withNewSecurityContext()
        .withRunAsNonRoot(true).withRunAsUser(10101L).withRunAsGroup(10101L)
        .withReadOnlyRootFilesystem(true).withAllowPrivilegeEscalation(false)
        .withNewCapabilities().withDrop("ALL").endCapabilities()
        .endSecurityContext()
        .addNewVolumeMount().withName("tmp").withMountPath("/tmp").endVolumeMount()
        .endContainer()
        .addNewVolume().withName("tmp").withNewEmptyDir().endEmptyDir().endVolume()
        .endSpec()
        .endTemplate()
        .endSpec()
        .build();
    ConfigMap trustBundle = null;
    if (settings.xdsTrustBundle() != null) {
      trustBundle = new ConfigMapBuilder()
          .withNewMetadata().withName(trustBundleName(name)).withNamespace(namespace).withLabels(labels)
          .withOwnerReferences(owner).endMetadata()
          .withData(Map.of(XDS_CA_KEY, settings.xdsTrustBundle()))
          .build();
      deployment.getSpec().getTemplate().getSpec().getVolumes().add(new VolumeBuilder().withName("xds-ca")
          .withNewConfigMap().withName(trustBundleName(name)).endConfigMap().build());
      deployment.getSpec().getTemplate().getSpec().getContainers().get(0).getVolumeMounts().add(
          new VolumeMountBuilder().withName("xds-ca").withMountPath(XDS_CA_DIR).withReadOnly(true).build());
    }
    if (settings.xdsTokenAudience() != null) {
      deployment.getSpec().getTemplate().getSpec().getVolumes().add(new VolumeBuilder().withName("xds-token")
          .withNewProjected().addNewSource().withNewServiceAccountToken()
          .withAudience(settings.xdsTokenAudience()).withExpirationSeconds(XDS_TOKEN_SECONDS).withPath(XDS_TOKEN_FILE)
          .endServiceAccountToken().endSource().endProjected().build());
      deployment.getSpec().getTemplate().getSpec().getContainers().get(0).getVolumeMounts().add(
          new VolumeMountBuilder().withName("xds-token").withMountPath(XDS_TOKEN_DIR).withReadOnly(true).build());
    }

    String serviceType = annotationOr(gateway, SERVICE_TYPE_ANNOTATION, settings.defaultServiceType());
    ServiceBuilder service = new ServiceBuilder()
        .withNewMetadata().withName(name).withNamespace(namespace).withLabels(labels)
        .withAnnotations(annotations).withOwnerReferences(owner).endMetadata()
        .withNewSpec()
        .withType(serviceType)
        .withSelector(selector)
        .withPorts(servicePorts(listenerPorts))
        .endSpec();
    String staticIp = staticIpAddress(gateway);
    if (staticIp != null && "LoadBalancer".equals(serviceType)) {
      service.editSpec().withLoadBalancerIP(staticIp).endSpec();
    }

    Deployment patchedDeployment = patched(deployment, parameters, "deployment", Deployment.class);
    // The xDS server admits a pod for this Gateway only under this service account; a patch must
    // not move the pods to another account.
    patchedDeployment.getSpec().getTemplate().getSpec().setServiceAccountName(name);
    return new Rendered(
        patched(serviceAccount, parameters, "serviceAccount", ServiceAccount.class),
        patchedDeployment,
        patched(service.build(), parameters, "service", Service.class),
        trustBundle);
  }

  private static List<EnvVar> environment(Gateway gateway, ProxyDeploymentSettings settings) {
    List<EnvVar> env = new ArrayList<>(List.of(
        new EnvVarBuilder().withName("XDS_ADDRESS").withValue(settings.xdsAddress()).build(),
        new EnvVarBuilder().withName("NAMESPACE").withNewValueFrom().withNewFieldRef()
            .withFieldPath("metadata.namespace").endFieldRef().endValueFrom().build(),
        new EnvVarBuilder().withName("GATEWAY").withValue(gateway.getMetadata().getName()).build(),
        new EnvVarBuilder().withName("INSTANCE_IP").withNewValueFrom().withNewFieldRef()
            .withFieldPath("status.podIP").endFieldRef().endValueFrom().build(),
        new EnvVarBuilder().withName("NODE_NAME").withNewValueFrom().withNewFieldRef()
            .withFieldPath("spec.nodeName").endFieldRef().endValueFrom().build(),
        new EnvVarBuilder().withName("SERVICE_ACCOUNT").withNewValueFrom().withNewFieldRef()
            .withFieldPath("spec.serviceAccountName").endFieldRef().endValueFrom().build(),
        new EnvVarBuilder().withName("CPU_LIMIT").withNewValueFrom().withNewResourceFieldRef()
            .withResource("limits.cpu").endResourceFieldRef().endValueFrom().build(),
        new EnvVarBuilder().withName("CLUSTER_ID").withValue(settings.clusterId()).build(),
        new EnvVarBuilder().withName("STATS_ADDR").withValue("0.0.0.0:" + METRICS_PORT).build(),
        new EnvVarBuilder().withName("READINESS_ADDR").withValue("0.0.0.0:" + READINESS_PORT).build(),
        new EnvVarBuilder().withName("RUST_BACKTRACE").withValue("1").build()));
    if (settings.xdsTrustBundle() != null) {
      env.add(new EnvVarBuilder().withName("XDS_ROOT_CA").withValue(XDS_CA_DIR + "/" + XDS_CA_KEY).build());
    }
    if (settings.xdsTokenAudience() != null) {
      env.add(new EnvVarBuilder().withName("XDS_AUTH_TOKEN").withValue(XDS_TOKEN_DIR + "/" + XDS_TOKEN_FILE).build());
    }
    return env;
  }

  private static String shortHash(String text) {
    try {
      byte[] digest = java.security.MessageDigest.getInstance("SHA-256")
          .digest(text.getBytes(java.nio.charset.StandardCharsets.UTF_8));
      return java.util.HexFormat.of().formatHex(digest, 0, 8);
    } catch (java.security.NoSuchAlgorithmException e) {
      throw new IllegalStateException(e);
    }
  }

  static List<ServicePort> servicePorts(List<Listener> listeners) {
    List<ServicePort> ports = new ArrayList<>();
    ports.add(new ServicePortBuilder().withName("status-port").withPort(READINESS_PORT)
        .withProtocol("TCP").withAppProtocol("tcp").build());
    Set<Integer> seenPorts = new HashSet<>();
    Set<String> seenNames = new HashSet<>(Set.of("status-port"));
    for (Listener listener : listeners) {
      Integer port = listener.getPort();
      if (port == null || !seenPorts.add(port)) {
        continue;
      }
      String base = listener.getName().replace('.', '-');
      base = base.length() > 63 ? base.substring(0, 63) : base;
      String portName = base;
      if (!seenNames.add(portName)) {
        portName = (base.length() > 57 ? base.substring(0, 57) : base) + "-" + port;
        seenNames.add(portName);
      }
      ports.add(new ServicePortBuilder().withName(portName).withPort(port).withProtocol("TCP")
          .withAppProtocol(listener.getProtocol() == null ? null : listener.getProtocol().toLowerCase(Locale.ROOT))
          .build());
    }
    return ports;
  }

  private static String staticIpAddress(Gateway gateway) {
    List<GatewaySpecAddress> addresses = gateway.getSpec().getAddresses();
    if (addresses == null || addresses.size() != 1) {
      return null;
    }
    GatewaySpecAddress address = addresses.get(0);
    String type = address.getType();
    return (type == null || "IPAddress".equals(type)) ? address.getValue() : null;
  }

  /** Infrastructure labels or annotations, minus keys that belong to Gateway API itself. */
  private static Map<String, String> infrastructure(Gateway gateway, boolean labels) {
    Map<String, String> source = null;
    if (gateway.getSpec().getInfrastructure() != null) {
      source = labels
          ? gateway.getSpec().getInfrastructure().getLabels()
          : gateway.getSpec().getInfrastructure().getAnnotations();
    }
    Map<String, String> result = new LinkedHashMap<>();
    if (source != null) {
      source.forEach((k, v) -> {
        if (!k.startsWith("gateway.networking.k8s.io/") && !NEVER_COPIED.contains(k)) {
          result.put(k, v);
        }
      });
    }
    return result;
  }

  private static String annotationOr(Gateway gateway, String key, String fallback) {
    Map<String, String> annotations = gateway.getMetadata().getAnnotations();
    String value = annotations == null ? null : annotations.get(key);
    return value == null || value.isBlank() ? fallback : value;
  }

  private static <T extends HasMetadata> T patched(T object, ConfigMap parameters, String key, Class<T> type) {
    if (parameters == null || parameters.getData() == null || !parameters.getData().containsKey(key)) {
      return object;
    }
    try {
      JsonNode patch = new ObjectMapper(new com.fasterxml.jackson.dataformat.yaml.YAMLFactory())
          .readTree(parameters.getData().get(key));
      ObjectNode target = JSON.valueToTree(object);
      JsonNode identity = target.get("metadata").deepCopy();
      JsonNode merged = mergePatch(target, patch);
      // A patch may add labels or annotations but never move or re-own the object.
      ObjectNode metadata = (ObjectNode) merged.get("metadata");
      metadata.set("name", identity.get("name"));
      metadata.set("namespace", identity.get("namespace"));
      metadata.set("ownerReferences", identity.get("ownerReferences"));
      return JSON.treeToValue(merged, type);
    } catch (Exception e) {
      throw new IllegalArgumentException(
          "parametersRef ConfigMap key '" + key + "' is not a valid merge patch: " + e.getMessage(), e);
    }
  }

  /** RFC 7386: objects merge recursively, null deletes, anything else replaces. */
  static JsonNode mergePatch(JsonNode target, JsonNode patch) {
    if (!patch.isObject()) {
      return patch.deepCopy();
    }
    ObjectNode result = target != null && target.isObject() ? ((ObjectNode) target).deepCopy() : JSON.createObjectNode();
    patch.fields().forEachRemaining(e -> {
      if (e.getValue().isNull()) {
        result.remove(e.getKey());
      } else {
        result.set(e.getKey(), mergePatch(result.get(e.getKey()), e.getValue()));
      }
    });
    return result;
  }
}
