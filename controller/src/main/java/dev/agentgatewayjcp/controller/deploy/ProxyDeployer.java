package dev.agentgatewayjcp.controller.deploy;

import com.fasterxml.jackson.databind.ObjectMapper;
import dev.agentgatewayjcp.controller.source.InputStore;
import dev.agentgatewayjcp.translator.input.InputKind;
import dev.agentgatewayjcp.translator.input.ObjectRef;
import dev.agentgatewayjcp.translator.output.GatewayKey;
import io.fabric8.kubernetes.api.model.ConfigMap;
import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.gatewayapi.v1.Gateway;
import io.fabric8.kubernetes.api.model.gatewayapi.v1.LocalParametersReference;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientException;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * ProxyDeployer keeps a ServiceAccount, Deployment and Service for every Gateway of our classes,
 * applying them with server-side apply when their rendering changes, on the leader only.
 *
 * <p>It never writes Gateway status: the Service it creates is an input, and the translator
 * derives Programmed and the addresses from it. It refuses to take over an existing object that
 * does not carry our managed label.
 */
public final class ProxyDeployer implements AutoCloseable {

  private static final Logger LOG = LoggerFactory.getLogger(ProxyDeployer.class);
  private static final ObjectMapper JSON = new ObjectMapper();
  private static final String FIELD_MANAGER = "agentgateway-jcp";

  private final KubernetesClient client;
  private final InputStore store;
  private final ProxyDeploymentSettings settings;
  private final Map<GatewayKey, String> applied = new ConcurrentHashMap<>();
  private final ExecutorService worker = Executors.newSingleThreadExecutor(r -> {
    Thread t = new Thread(r, "proxy-deployer");
    t.setDaemon(true);
    return t;
  });
  private volatile boolean leader;
  /** Every Gateway of ours seen so far; re-checked in full when this replica becomes leader. */
  private final Set<GatewayKey> known = ConcurrentHashMap.newKeySet();

  public ProxyDeployer(KubernetesClient client, InputStore store, ProxyDeploymentSettings settings) {
    this.client = client;
    this.store = store;
    this.settings = settings;
  }

  /**
   * Brings the proxies of these Gateways up to date (called after each translation with the
   * Gateways that translation touched).
   */
  public void reconcile(Collection<GatewayKey> gateways) {
    known.addAll(gateways);
    if (!leader) {
      return;
    }
    List<GatewayKey> snapshot = List.copyOf(gateways);
    worker.execute(() -> snapshot.forEach(this::reconcileOne));
  }

  public void setLeader(boolean isLeader) {
    leader = isLeader;
    if (isLeader) {
      applied.clear();
      reconcile(List.copyOf(known));
    }
  }

  private void reconcileOne(GatewayKey key) {
    Gateway gateway = store.get(InputKind.GATEWAY.ref(key.namespace(), key.name()))
        .map(Gateway.class::cast).orElse(null);
    if (gateway == null) {
      // Gone: garbage collection removes its objects through their owner reference.
      known.remove(key);
      applied.remove(key);
      return;
    }
    try {
      ProxyResources.Rendered rendered = ProxyResources.render(
          gateway, parameters(gateway), gateway.getSpec().getListeners(), settings);
      String hash = JSON.writeValueAsString(rendered.all());
      if (hash.equals(applied.get(key))) {
        return;
      }
      for (HasMetadata object : rendered.all()) {
        apply(object);
      }
      applied.put(key, hash);
      LOG.info("proxy objects of Gateway {} applied", key);
    } catch (RuntimeException | com.fasterxml.jackson.core.JsonProcessingException e) {
      LOG.warn("cannot deploy proxies of Gateway {}: {}", key, e.getMessage());
    }
  }

  private ConfigMap parameters(Gateway gateway) {
    if (gateway.getSpec().getInfrastructure() == null) {
      return null;
    }
    LocalParametersReference ref = gateway.getSpec().getInfrastructure().getParametersRef();
    if (ref == null) {
      return null;
    }
    if (!"ConfigMap".equals(ref.getKind()) || !(ref.getGroup() == null || ref.getGroup().isEmpty())) {
      throw new IllegalArgumentException("parametersRef must name a core ConfigMap, not " + ref.getGroup() + "/" + ref.getKind());
    }
    ObjectRef configMap = InputKind.CONFIG_MAP.ref(gateway.getMetadata().getNamespace(), ref.getName());
    return store.get(configMap).map(ConfigMap.class::cast)
        .orElseThrow(() -> new IllegalArgumentException("parametersRef ConfigMap " + configMap + " does not exist"));
  }

  private void apply(HasMetadata object) {
    HasMetadata existing = client.resource(object).get();
    if (existing != null) {
      Map<String, String> labels = existing.getMetadata().getLabels();
      if (labels == null || !labels.containsKey(ProxyResources.MANAGED_LABEL)) {
        throw new IllegalStateException(object.getKind() + " " + object.getMetadata().getNamespace() + "/"
            + object.getMetadata().getName() + " exists and is not managed by agentgateway-jcp; not overwriting it");
      }
    }
    try {
      client.resource(object).fieldManager(FIELD_MANAGER).forceConflicts().serverSideApply();
    } catch (KubernetesClientException e) {
      throw new IllegalStateException("applying " + object.getKind() + " " + object.getMetadata().getName() + ": " + e.getMessage(), e);
    }
  }

  @Override
  public void close() {
    worker.shutdownNow();
  }
}
