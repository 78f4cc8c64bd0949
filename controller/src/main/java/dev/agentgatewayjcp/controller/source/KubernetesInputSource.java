package dev.agentgatewayjcp.controller.source;

import dev.agentgatewayjcp.api.istio.AuthorizationPolicyV1beta1;
import dev.agentgatewayjcp.api.istio.RequestAuthenticationV1beta1;
import dev.agentgatewayjcp.translator.input.InputKind;
import dev.agentgatewayjcp.translator.input.YamlInputs;
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
 * is logged once; the controller keeps working without it. Where the cluster serves only an older
 * version of a kind (TLSRoute v1alpha3/v1alpha2, TCPRoute v1alpha2, ReferenceGrant v1beta1,
 * BackendTLSPolicy v1alpha3), that
 * version is watched and its objects are read as v1; {@link #servedType} tells the status writer
 * which version to write back.
 */
public final class KubernetesInputSource implements AutoCloseable {

  private static final Logger LOG = LoggerFactory.getLogger(KubernetesInputSource.class);

  private final KubernetesClient client;
  private final InputStore store;
  private final List<SharedIndexInformer<? extends HasMetadata>> informers = new ArrayList<>();
  private final List<String> absentKinds = new ArrayList<>();
  private final java.util.Map<String, Class<? extends HasMetadata>> servedTypes =
      new java.util.concurrent.ConcurrentHashMap<>();

  /** Older versions to watch, newest first, when a cluster does not serve a kind's v1. */
  private static final java.util.Map<String, List<Class<? extends HasMetadata>>> OLDER_VERSIONS =
      java.util.Map.of(
          "TLSRoute",
          List.of(
              io.fabric8.kubernetes.api.model.gatewayapi.v1alpha3.TLSRoute.class,
              io.fabric8.kubernetes.api.model.gatewayapi.v1alpha2.TLSRoute.class),
          "TCPRoute",
          List.of(io.fabric8.kubernetes.api.model.gatewayapi.v1alpha2.TCPRoute.class),
          "ReferenceGrant",
          List.of(
              io.fabric8.kubernetes.api.model.gatewayapi.v1beta1.ReferenceGrant.class,
              io.fabric8.kubernetes.api.model.gatewayapi.v1alpha2.ReferenceGrant.class),
          "BackendTLSPolicy",
          List.of(io.fabric8.kubernetes.api.model.gatewayapi.v1alpha3.BackendTLSPolicy.class));

  /** Kinds of optional CRDs, and what is off without them (routes to them get BackendNotFound). */
  private static final java.util.Map<String, String> OPTIONAL_FEATURES =
      java.util.Map.of(
          InputKind.XBACKEND.kind(), "egress backendRefs to XBackend (gateway.networking.x-k8s.io) and XBackend status",
          InputKind.INFERENCE_POOL.kind(), "backendRefs to InferencePool (inference.networking.k8s.io) and pool status");

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
      servedTypes.put(kind.kind(), kind.type());
      inform(kind.type(), kind.namespaced());
    } else if (client.supports(v1beta1)) {
      LOG.info("the cluster serves {} only as v1beta1; reading that version", kind);
      servedTypes.put(kind.kind(), v1beta1);
      inform(v1beta1, kind.namespaced());
    } else {
      absentKinds.add(kind.kind());
      LOG.info("the cluster does not serve {} (no Istio CRDs); Istio security policies are off until the controller restarts", kind);
    }
  }

  private void start(InputKind<?> kind) {
    Class<? extends HasMetadata> type = kind.type();
    if (!client.supports(type)) {
      type = null;
      for (Class<? extends HasMetadata> older : OLDER_VERSIONS.getOrDefault(kind.kind(), List.of())) {
        if (client.supports(older)) {
          type = older;
          LOG.info("the cluster serves {} only as {}; reading it as v1", kind, HasMetadata.getApiVersion(older));
          break;
        }
      }
    }
    if (type == null) {
      absentKinds.add(kind.kind());
      String feature = OPTIONAL_FEATURES.get(kind.kind());
      if (feature != null) {
        LOG.info("the cluster does not serve {} (optional CRD): {} are off until the controller restarts", kind, feature);
      } else {
        LOG.warn("the cluster does not serve {}; it is treated as empty until the controller restarts", kind);
      }
      return;
    }
    servedTypes.put(kind.kind(), type);
    inform(type, kind.namespaced());
  }

  private <T extends HasMetadata> void inform(Class<T> type, boolean namespaced) {
    ResourceEventHandler<T> handler = new ResourceEventHandler<>() {
      @Override
      public void onAdd(T object) {
        store.upsert(YamlInputs.toV1(withoutWriteBookkeeping(object)));
      }

      @Override
      public void onUpdate(T oldObject, T newObject) {
        store.upsert(YamlInputs.toV1(withoutWriteBookkeeping(newObject)));
      }

      @Override
      public void onDelete(T object, boolean deletedFinalStateUnknown) {
        store.delete(YamlInputs.toV1(object));
      }
    };
    SharedIndexInformer<T> informer = namespaced
        ? client.resources(type).inAnyNamespace().inform(handler, 0)
        : client.resources(type).inform(handler, 0);
    informers.add(informer);
  }

  /**
   * Drops what only writers of the object need: managedFields and kubectl's last-applied copy of
   * the object. Together they are often larger than the object itself, and both the informer's
   * cache and the input store hold every object for the controller's lifetime. Nothing we translate
   * reads them, and a status update without managedFields leaves the server's unchanged.
   */
  static <T extends HasMetadata> T withoutWriteBookkeeping(T object) {
    var metadata = object.getMetadata();
    if (metadata != null) {
      // The informer hands us its cached instance; it only ever compares resourceVersions.
      metadata.setManagedFields(null);
      if (metadata.getAnnotations() != null && metadata.getAnnotations().containsKey(LAST_APPLIED)) {
        var annotations = new java.util.LinkedHashMap<>(metadata.getAnnotations());
        annotations.remove(LAST_APPLIED);
        metadata.setAnnotations(annotations);
      }
    }
    return object;
  }

  private static final String LAST_APPLIED = "kubectl.kubernetes.io/last-applied-configuration";

  /** The model class of the version watched for a kind, if the cluster serves it at all. */
  public java.util.Optional<Class<? extends HasMetadata>> servedType(String kind) {
    return java.util.Optional.ofNullable(servedTypes.get(kind));
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
