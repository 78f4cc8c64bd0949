package dev.agentgatewayjcp.controller.deploy;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.agentgatewayjcp.controller.source.InputStore;
import dev.agentgatewayjcp.translator.gateway.ListenerSets;
import dev.agentgatewayjcp.translator.input.InputKind;
import dev.agentgatewayjcp.translator.input.ObjectRef;
import dev.agentgatewayjcp.translator.output.GatewayKey;
import io.fabric8.kubernetes.api.model.ConfigMap;
import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.Namespace;
import io.fabric8.kubernetes.api.model.Service;
import io.fabric8.kubernetes.api.model.ServiceAccount;
import io.fabric8.kubernetes.api.model.apps.Deployment;
import io.fabric8.kubernetes.api.model.gatewayapi.v1.Gateway;
import io.fabric8.kubernetes.api.model.gatewayapi.v1.GatewayClass;
import io.fabric8.kubernetes.api.model.gatewayapi.v1.ListenerSet;
import io.fabric8.kubernetes.api.model.gatewayapi.v1.LocalParametersReference;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientException;
import io.javaoperatorsdk.operator.api.config.informer.InformerEventSourceConfiguration;
import io.javaoperatorsdk.operator.api.reconciler.Context;
import io.javaoperatorsdk.operator.api.reconciler.ControllerConfiguration;
import io.javaoperatorsdk.operator.api.reconciler.EventSourceContext;
import io.javaoperatorsdk.operator.api.reconciler.Reconciler;
import io.javaoperatorsdk.operator.api.reconciler.UpdateControl;
import io.javaoperatorsdk.operator.processing.event.source.EventSource;
import io.javaoperatorsdk.operator.processing.event.source.inbound.SimpleInboundEventSource;
import io.javaoperatorsdk.operator.processing.event.source.informer.InformerEventSource;
import io.javaoperatorsdk.operator.processing.event.source.informer.Mappers;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * GatewayProxyReconciler is the JOSDK reconciler that keeps each Gateway's ServiceAccount,
 * Deployment, Service and xDS trust-bundle ConfigMap as {@link ProxyResources} renders them.
 *
 * <p>It watches the objects it owns, so a deleted or re-rendered proxy object is applied again,
 * and JOSDK retries a failed apply with backoff. Each applied object carries the hash of its
 * rendering; an object whose cached copy has the same hash is not written, so a new leader or a
 * burst of events causes no writes when nothing changed.
 */
@ControllerConfiguration(name = "gateway-proxies")
public final class GatewayProxyReconciler implements Reconciler<Gateway> {

  /** Annotation holding the hash of the rendering an object was applied from. */
  public static final String RENDERED_HASH_ANNOTATION = "agentgateway-jcp.dev/rendered-hash";

  private static final Logger LOG = LoggerFactory.getLogger(GatewayProxyReconciler.class);
  private static final ObjectMapper JSON = new ObjectMapper();
  private static final String FIELD_MANAGER = "agentgateway-jcp";

  private final KubernetesClient client;
  private final InputStore store;
  private final ProxyDeploymentSettings settings;
  private final SimpleInboundEventSource<Gateway> touched = new SimpleInboundEventSource<>("translated-gateways");

  public GatewayProxyReconciler(KubernetesClient client, InputStore store, ProxyDeploymentSettings settings) {
    this.client = client;
    this.store = store;
    this.settings = settings;
  }

  /**
   * The source through which the translation loop asks for a Gateway to be reconciled, since a
   * change it sees (a parameters ConfigMap, a GatewayClass) is not an event on the Gateway.
   */
  SimpleInboundEventSource<Gateway> touchedGateways() {
    return touched;
  }

  @Override
  public List<EventSource<?, Gateway>> prepareEventSources(EventSourceContext<Gateway> context) {
    String selector = ProxyResources.MANAGED_LABEL;
    return List.of(
        touched,
        owned(context, Deployment.class, selector),
        owned(context, Service.class, selector),
        owned(context, ServiceAccount.class, selector),
        owned(context, ConfigMap.class, selector));
  }

  private static <R extends HasMetadata> InformerEventSource<R, Gateway> owned(
      EventSourceContext<Gateway> context, Class<R> type, String selector) {
    return new InformerEventSource<>(
        InformerEventSourceConfiguration.from(type, Gateway.class)
            .withName("proxy-" + type.getSimpleName().toLowerCase())
            .withLabelSelector(selector)
            .withSecondaryToPrimaryMapper(Mappers.fromOwnerReferences(Gateway.class))
            .build(),
        context);
  }

  @Override
  public UpdateControl<Gateway> reconcile(Gateway gateway, Context<Gateway> context) throws Exception {
    if (!isOurs(gateway)) {
      return UpdateControl.noUpdate();
    }
    ProxyResources.Rendered rendered =
        ProxyResources.render(gateway, parameters(gateway), listenerPorts(gateway), settings);
    int written = 0;
    if (rendered.xdsTrustBundle() != null) {
      // First, so that proxies never start without the CA they must trust.
      written += applyIfChanged(rendered.xdsTrustBundle(), context.getSecondaryResource(ConfigMap.class));
    }
    written += applyIfChanged(rendered.serviceAccount(), context.getSecondaryResource(ServiceAccount.class));
    written += applyIfChanged(rendered.deployment(), context.getSecondaryResource(Deployment.class));
    written += applyIfChanged(rendered.service(), context.getSecondaryResource(Service.class));
    if (written > 0) {
      LOG.info("proxy objects of Gateway {}/{} applied ({} written)",
          gateway.getMetadata().getNamespace(), gateway.getMetadata().getName(), written);
    }
    return UpdateControl.noUpdate();
  }

  /**
   * The listeners whose ports the proxy Service exposes: the Gateway's own, then those of the
   * ListenerSets its {@code allowedListeners} admits, in the order the translator merges them.
   */
  private List<io.fabric8.kubernetes.api.model.gatewayapi.v1.Listener> listenerPorts(Gateway gateway) {
    List<io.fabric8.kubernetes.api.model.gatewayapi.v1.Listener> out = new java.util.ArrayList<>();
    if (gateway.getSpec().getListeners() != null) {
      out.addAll(gateway.getSpec().getListeners());
    }
    GatewayKey key = new GatewayKey(gateway.getMetadata().getNamespace(), gateway.getMetadata().getName());
    List<ListenerSet> candidates = store.ofKind(InputKind.LISTENER_SET.kind()).stream()
        .map(ListenerSet.class::cast)
        .filter(ls -> ListenerSets.parent(ls).filter(key::equals).isPresent())
        .toList();
    for (ListenerSets.Candidate c : ListenerSets.of(gateway, candidates,
        ns -> store.get(InputKind.NAMESPACE.ref(null, ns)).map(Namespace.class::cast))) {
      if (c.admitted() && c.listenerSet().getSpec() != null && c.listenerSet().getSpec().getListeners() != null) {
        c.listenerSet().getSpec().getListeners().stream()
            .filter(e -> e != null && e.getName() != null)
            .map(ListenerSets::asListener)
            .forEach(out::add);
      }
    }
    return out;
  }

  private boolean isOurs(Gateway gateway) {
    if (gateway.getSpec() == null || gateway.getSpec().getGatewayClassName() == null) {
      return false;
    }
    Optional<GatewayClass> gatewayClass = store
        .get(InputKind.GATEWAY_CLASS.ref(null, gateway.getSpec().getGatewayClassName()))
        .map(GatewayClass.class::cast);
    return gatewayClass
        .map(c -> c.getSpec() != null && settings.controllerName().equals(c.getSpec().getControllerName()))
        .orElse(false);
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
      throw new IllegalArgumentException(
          "parametersRef must name a core ConfigMap, not " + ref.getGroup() + "/" + ref.getKind());
    }
    ObjectRef configMap = InputKind.CONFIG_MAP.ref(gateway.getMetadata().getNamespace(), ref.getName());
    return store.get(configMap).map(ConfigMap.class::cast)
        .orElseThrow(() -> new IllegalArgumentException("parametersRef ConfigMap " + configMap + " does not exist"));
  }

  private int applyIfChanged(HasMetadata desired, Optional<? extends HasMetadata> cached) {
    String hash = hash(desired);
    Map<String, String> annotations = new TreeMap<>(
        desired.getMetadata().getAnnotations() == null ? Map.of() : desired.getMetadata().getAnnotations());
    annotations.put(RENDERED_HASH_ANNOTATION, hash);
    desired.getMetadata().setAnnotations(annotations);
    if (cached.isPresent()) {
      Map<String, String> live = cached.get().getMetadata().getAnnotations();
      if (live != null && hash.equals(live.get(RENDERED_HASH_ANNOTATION))) {
        return 0;
      }
    } else {
      refuseUnmanaged(desired);
    }
    try {
      client.resource(desired).fieldManager(FIELD_MANAGER).forceConflicts().serverSideApply();
    } catch (KubernetesClientException e) {
      throw new IllegalStateException(
          "applying " + desired.getKind() + " " + desired.getMetadata().getName() + ": " + e.getMessage(), e);
    }
    return 1;
  }

  /**
   * Our informers see only labelled objects, so an object missing from their cache may still
   * exist unlabelled: it belongs to someone else and is never taken over.
   */
  private void refuseUnmanaged(HasMetadata desired) {
    HasMetadata existing = client.resource(desired).get();
    if (existing == null) {
      return;
    }
    Map<String, String> labels = existing.getMetadata().getLabels();
    if (labels == null || !labels.containsKey(ProxyResources.MANAGED_LABEL)) {
      throw new IllegalStateException(desired.getKind() + " " + desired.getMetadata().getNamespace() + "/"
          + desired.getMetadata().getName() + " exists and is not managed by agentgateway-jcp; not overwriting it");
    }
  }

  private static String hash(HasMetadata object) {
    try {
      byte[] digest = MessageDigest.getInstance("SHA-256")
          .digest(JSON.writeValueAsString(object).getBytes(StandardCharsets.UTF_8));
      return HexFormat.of().formatHex(digest, 0, 12);
    } catch (JsonProcessingException | NoSuchAlgorithmException e) {
      throw new IllegalStateException("cannot hash " + object.getKind(), e);
    }
  }
}
