package dev.agentgatewayjcp.translator.input;

import dev.agentgatewayjcp.api.gatewayx.XBackend;
import dev.agentgatewayjcp.api.inference.InferencePool;
import dev.agentgatewayjcp.api.istio.AuthorizationPolicy;
import dev.agentgatewayjcp.api.istio.FetchedJwks;
import dev.agentgatewayjcp.api.istio.RequestAuthentication;
import io.fabric8.kubernetes.api.model.ConfigMap;
import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.Namespace;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.Secret;
import io.fabric8.kubernetes.api.model.Service;
import io.fabric8.kubernetes.api.model.discovery.v1.EndpointSlice;
import io.fabric8.kubernetes.api.model.gatewayapi.v1.BackendTLSPolicy;
import io.fabric8.kubernetes.api.model.gatewayapi.v1.GRPCRoute;
import io.fabric8.kubernetes.api.model.gatewayapi.v1.Gateway;
import io.fabric8.kubernetes.api.model.gatewayapi.v1.GatewayClass;
import io.fabric8.kubernetes.api.model.gatewayapi.v1.HTTPRoute;
import io.fabric8.kubernetes.api.model.gatewayapi.v1.ListenerSet;
import io.fabric8.kubernetes.api.model.gatewayapi.v1.ReferenceGrant;
import io.fabric8.kubernetes.api.model.gatewayapi.v1.TCPRoute;
import io.fabric8.kubernetes.api.model.gatewayapi.v1.TLSRoute;
import java.util.List;
import java.util.Optional;

/**
 * InputKind describes one kind of object the translator reads: its kind name, model class and
 * scope.
 *
 * @param <T> the fabric8 model class
 */
public final class InputKind<T extends HasMetadata> {

  public static final InputKind<GatewayClass> GATEWAY_CLASS =
      new InputKind<>("GatewayClass", GatewayClass.class, false);
  public static final InputKind<Gateway> GATEWAY = new InputKind<>("Gateway", Gateway.class, true);
  public static final InputKind<ListenerSet> LISTENER_SET =
      new InputKind<>("ListenerSet", ListenerSet.class, true);
  public static final InputKind<HTTPRoute> HTTP_ROUTE =
      new InputKind<>("HTTPRoute", HTTPRoute.class, true);
  public static final InputKind<GRPCRoute> GRPC_ROUTE =
      new InputKind<>("GRPCRoute", GRPCRoute.class, true);
  public static final InputKind<TLSRoute> TLS_ROUTE =
      new InputKind<>("TLSRoute", TLSRoute.class, true);
  public static final InputKind<TCPRoute> TCP_ROUTE =
      new InputKind<>("TCPRoute", TCPRoute.class, true);
  public static final InputKind<ReferenceGrant> REFERENCE_GRANT =
      new InputKind<>("ReferenceGrant", ReferenceGrant.class, true);
  public static final InputKind<BackendTLSPolicy> BACKEND_TLS_POLICY =
      new InputKind<>("BackendTLSPolicy", BackendTLSPolicy.class, true);
  public static final InputKind<Service> SERVICE = new InputKind<>("Service", Service.class, true);
  public static final InputKind<EndpointSlice> ENDPOINT_SLICE =
      new InputKind<>("EndpointSlice", EndpointSlice.class, true);
  public static final InputKind<Secret> SECRET = new InputKind<>("Secret", Secret.class, true);
  public static final InputKind<ConfigMap> CONFIG_MAP =
      new InputKind<>("ConfigMap", ConfigMap.class, true);
  public static final InputKind<Namespace> NAMESPACE =
      new InputKind<>("Namespace", Namespace.class, false);
  public static final InputKind<Pod> POD = new InputKind<>("Pod", Pod.class, true);
  public static final InputKind<AuthorizationPolicy> AUTHORIZATION_POLICY =
      new InputKind<>("AuthorizationPolicy", AuthorizationPolicy.class, true);
  public static final InputKind<RequestAuthentication> REQUEST_AUTHENTICATION =
      new InputKind<>("RequestAuthentication", RequestAuthentication.class, true);
  /** Gateway API's experimental external destination; optional CRD. */
  public static final InputKind<XBackend> XBACKEND = new InputKind<>("XBackend", XBackend.class, true);
  /** The Inference Extension's model-server pool; optional CRD. */
  public static final InputKind<InferencePool> INFERENCE_POOL =
      new InputKind<>("InferencePool", InferencePool.class, true);
  /** Key sets the controller fetched for RequestAuthentication (never read from a cluster). */
  public static final InputKind<FetchedJwks> FETCHED_JWKS =
      new InputKind<>("FetchedJwks", FetchedJwks.class, false);

  /** Every kind, in a fixed order. */
  public static final List<InputKind<?>> ALL =
      List.of(
          GATEWAY_CLASS,
          GATEWAY,
          LISTENER_SET,
          HTTP_ROUTE,
          GRPC_ROUTE,
          TLS_ROUTE,
          TCP_ROUTE,
          REFERENCE_GRANT,
          BACKEND_TLS_POLICY,
          SERVICE,
          ENDPOINT_SLICE,
          SECRET,
          CONFIG_MAP,
          NAMESPACE,
          POD,
          AUTHORIZATION_POLICY,
          REQUEST_AUTHENTICATION,
          FETCHED_JWKS,
          XBACKEND,
          INFERENCE_POOL);

  private final String kind;
  private final Class<T> type;
  private final boolean namespaced;

  private InputKind(String kind, Class<T> type, boolean namespaced) {
    this.kind = kind;
    this.type = type;
    this.namespaced = namespaced;
  }

  /** The kind an object belongs to, if the translator reads that kind. */
  public static Optional<InputKind<?>> of(HasMetadata object) {
    for (InputKind<?> k : ALL) {
      if (k.type.isInstance(object)) {
        return Optional.of(k);
      }
    }
    return Optional.empty();
  }

  public String kind() {
    return kind;
  }

  public Class<T> type() {
    return type;
  }

  public boolean namespaced() {
    return namespaced;
  }

  /** The reference of an object of this kind. */
  public ObjectRef ref(String namespace, String name) {
    return new ObjectRef(kind, namespaced ? namespace : "", name);
  }

  @Override
  public String toString() {
    return kind;
  }
}
