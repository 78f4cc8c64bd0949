package dev.agentgatewayjcp.controller.source;

import dev.agentgatewayjcp.api.istio.AuthorizationPolicyV1beta1;
import dev.agentgatewayjcp.api.istio.RequestAuthenticationV1beta1;
import dev.agentgatewayjcp.translator.input.InputKind;
import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.informers.ResourceEventHandler;
import io.fabric8.kubernetes.client.informers.SharedIndexInformer;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * KubernetesInputSource watches every translator input kind with a fabric8 informer and keeps an
 * {@link InputStore} current.
 *
 * <p>A kind whose API the cluster does not serve (an optional CRD) counts as synced and empty, and
 * is logged once; the controller keeps working without it.
 */
public final class KubernetesInputSource implements AutoCloseable {

  private static final Logger LOG = LoggerFactory.getLogger(KubernetesInputSource.class);

  private final KubernetesClient client;
  private final InputStore store;
  private final List<SharedIndexInformer<? extends HasMetadata>> informers = new ArrayList<>();
  private final List<String> absentKinds = new ArrayList<>();

  public KubernetesInputSource(KubernetesClient client, InputStore store) {
    this.client = client;
    this.store = store;
  }

  /** Starts one informer per served kind and returns without waiting for them to sync. */
  public KubernetesInputSource start() {
    for (InputKind<?> kind : InputKind.ALL) {
      if (kind == InputKind.FETCHED_JWKS) {
        continue; // filled by the controller's key fetcher, never read from the cluster
      }
      if (kind == InputKind.AUTHORIZATION_POLICY) {
        startIstio(InputKind.AUTHORIZATION_POLICY, AuthorizationPolicyV1beta1.class);
      } else if (kind == InputKind.REQUEST_AUTHENTICATION) {
        startIstio(InputKind.REQUEST_AUTHENTICATION, RequestAuthenticationV1beta1.class);
      } else {
        start(kind);
      }
    }
    return this;
  }

  /** An Istio kind: v1 if served, else v1beta1 (same schema), else absent and logged once. */
  private <T extends HasMetadata> void startIstio(InputKind<T> kind, Class<? extends T> v1beta1) {
    if (client.supports(kind.type())) {
      start(kind, kind.type());
    } else if (client.supports(v1beta1)) {
      LOG.info("the cluster serves {} only as v1beta1; reading that version", kind);
      start(kind, v1beta1);
    } else {
      absentKinds.add(kind.kind());
      LOG.info("the cluster does not serve {} (no Istio CRDs); Istio security policies are off until the controller restarts", kind);
    }
  }

  private <T extends HasMetadata> void start(InputKind<T> kind) {
    if (!client.supports(kind.type())) {
      absentKinds.add(kind.kind());
      LOG.warn("the cluster does not serve {}; it is treated as empty until the controller restarts", kind);
      return;
    }
    start(kind, kind.type());
  }

  private <T extends HasMetadata, V extends T> void start(InputKind<T> kind, Class<V> type) {
    ResourceEventHandler<V> handler = new ResourceEventHandler<>() {
      @Override
      public void onAdd(V object) {
        store.upsert(object);
      }

      @Override
      public void onUpdate(V oldObject, V newObject) {
        store.upsert(newObject);
      }

      @Override
      public void onDelete(V object, boolean deletedFinalStateUnknown) {
        store.delete(object);
      }
    };
    SharedIndexInformer<V> informer = kind.namespaced()
        ? client.resources(type).inAnyNamespace().inform(handler, 0)
        : client.resources(type).inform(handler, 0);
    informers.add(informer);
  }

  /** True once every informer has listed its kind at least once. */
  public boolean hasSynced() {
    return informers.stream().allMatch(SharedIndexInformer::hasSynced);
  }

  /** Waits until {@link #hasSynced()} or the timeout passes; returns whether it synced. */
  public boolean awaitSynced(long timeout, TimeUnit unit) throws InterruptedException {
    long deadline = System.nanoTime() + unit.toNanos(timeout);
    while (!hasSynced()) {
      if (System.nanoTime() > deadline) {
        return false;
      }
      Thread.sleep(20);
    }
    return true;
  }

  /** Kinds the cluster does not serve, for logs and the debug endpoint. */
  public List<String> absentKinds() {
    return List.copyOf(absentKinds);
  }

  @Override
  public void close() {
    informers.forEach(SharedIndexInformer::close);
  }
}
