package dev.agentgatewayjcp.controller.deploy;

import dev.agentgatewayjcp.controller.source.InputStore;
import dev.agentgatewayjcp.translator.output.GatewayKey;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.javaoperatorsdk.operator.Operator;
import io.javaoperatorsdk.operator.processing.event.ResourceID;
import java.util.Collection;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * ProxyDeployer runs the {@link GatewayProxyReconciler} in a JOSDK operator while this replica
 * holds the Lease, so only the leader provisions proxies.
 *
 * <p>The operator is created on gaining the Lease and stopped on losing it: JOSDK's own leader
 * election would pause every controller of a follower, while the translation and the xDS server
 * must keep running on every replica, so the Lease stays with {@code KubernetesControlPlane}.
 * It never writes Gateway status: the Service it creates is an input from which the translator
 * derives Programmed and the addresses.
 */
public final class ProxyDeployer implements AutoCloseable {

  private static final Logger LOG = LoggerFactory.getLogger(ProxyDeployer.class);

  private final KubernetesClient client;
  private final InputStore store;
  private final ProxyDeploymentSettings settings;
  // Starting and stopping an operator waits for informers; keep that off the caller's thread and
  // in order.
  private final ExecutorService lifecycle = Executors.newSingleThreadExecutor(r -> {
    Thread t = new Thread(r, "proxy-deployer");
    t.setDaemon(true);
    return t;
  });
  private volatile Operator operator;
  private volatile GatewayProxyReconciler reconciler;

  public ProxyDeployer(KubernetesClient client, InputStore store, ProxyDeploymentSettings settings) {
    this.client = client;
    this.store = store;
    this.settings = settings;
  }

  /**
   * Asks for the proxies of these Gateways to be brought up to date (called after each
   * translation with the Gateways it touched); a no-op on a follower.
   */
  public void reconcile(Collection<GatewayKey> gateways) {
    GatewayProxyReconciler current = reconciler;
    if (current == null) {
      return;
    }
    List<GatewayKey> snapshot = List.copyOf(gateways);
    for (GatewayKey key : snapshot) {
      current.touchedGateways().propagateEvent(new ResourceID(key.name(), key.namespace()));
    }
  }

  public void setLeader(boolean isLeader) {
    lifecycle.execute(isLeader ? this::startOperator : this::stopOperator);
  }

  private void startOperator() {
    if (operator != null) {
      return;
    }
    GatewayProxyReconciler fresh = new GatewayProxyReconciler(client, store, settings);
    Operator started = new Operator(o -> o
        .withKubernetesClient(client)
        .withCloseClientOnStop(false)
        .withStopOnInformerErrorDuringStartup(false));
    started.register(fresh);
    started.start();
    operator = started;
    reconciler = fresh;
    LOG.info("proxy deployer started (JOSDK controller gateway-proxies)");
  }

  private void stopOperator() {
    Operator running = operator;
    reconciler = null;
    operator = null;
    if (running != null) {
      running.stop();
      LOG.info("proxy deployer stopped");
    }
  }

  @Override
  public void close() {
    lifecycle.execute(this::stopOperator);
    lifecycle.shutdown();
    try {
      lifecycle.awaitTermination(10, java.util.concurrent.TimeUnit.SECONDS);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }
}
