package dev.agentgatewayjcp.controller.bench;

import dev.agentgatewayjcp.translator.input.TranslationSettings;
import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.NamespaceBuilder;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.PodBuilder;
import io.fabric8.kubernetes.api.model.Service;
import io.fabric8.kubernetes.api.model.ServiceAccountBuilder;
import io.fabric8.kubernetes.api.model.ServiceBuilder;
import io.fabric8.kubernetes.api.model.discovery.v1.EndpointSlice;
import io.fabric8.kubernetes.api.model.discovery.v1.EndpointSliceBuilder;
import io.fabric8.kubernetes.api.model.gatewayapi.v1.Gateway;
import io.fabric8.kubernetes.api.model.gatewayapi.v1.GatewayBuilder;
import io.fabric8.kubernetes.api.model.gatewayapi.v1.GatewayClass;
import io.fabric8.kubernetes.api.model.gatewayapi.v1.GatewayClassBuilder;
import io.fabric8.kubernetes.api.model.gatewayapi.v1.HTTPHeaderFilterBuilder;
import io.fabric8.kubernetes.api.model.gatewayapi.v1.HTTPRoute;
import io.fabric8.kubernetes.api.model.gatewayapi.v1.HTTPRouteBuilder;
import io.fabric8.kubernetes.api.model.gatewayapi.v1.HTTPRouteFilterBuilder;
import io.fabric8.kubernetes.api.model.gatewayapi.v1.HTTPRouteRuleBuilder;
import io.fabric8.kubernetes.api.model.gatewayapi.v1.ParentReferenceBuilder;
import java.util.ArrayList;
import java.util.List;

/**
 * Workload builds the objects gateway-api-bench's load generator (pilot-load) creates, in the
 * same shapes: per app a Service, a ready Pod, an EndpointSlice written for it and HTTPRoutes
 * with a hostname, one PathPrefix rule and a backend; plus the probe route of the propagation test.
 *
 * <p>Every route has parentRefs to both our Gateway and agentgateway's, as in the bench's
 * "joined" mode, so one object set serves both controllers.
 */
final class Workload {

  static final String GATEWAY_NAMESPACE = "bench-gw";
  static final String OUR_GATEWAY = "jcp";
  static final String OUR_CLASS = "agentgateway-jcp";
  static final String PEER_GATEWAY = "agw";
  static final String PEER_CLASS = "agentgateway";
  static final String PEER_CONTROLLER = "agentgateway.dev/agentgateway";
  static final String PROBE_NAMESPACE = "probe";

  /** How many namespaces the apps are spread over (pilot-load's 50 in the 5k and 40k runs). */
  final int namespaces;
  final int apps;
  final int routesPerApp;
  /** Each app's routes attach to a ListenerSet of its own (the listenerset profile), not to the Gateway's listener. */
  final boolean listenerSets;
  /** The latest route revision and pod generation per app, shared by every churn on this workload. */
  final java.util.concurrent.atomic.AtomicIntegerArray routeRevision;
  final java.util.concurrent.atomic.AtomicIntegerArray podGeneration;

  Workload(int namespaces, int apps, int routesPerApp) {
    this(namespaces, apps, routesPerApp, false);
  }

  Workload(int namespaces, int apps, int routesPerApp, boolean listenerSets) {
    this.namespaces = namespaces;
    this.apps = apps;
    this.routesPerApp = routesPerApp;
    this.listenerSets = listenerSets;
    this.routeRevision = new java.util.concurrent.atomic.AtomicIntegerArray(Math.max(1, apps));
    this.podGeneration = new java.util.concurrent.atomic.AtomicIntegerArray(Math.max(1, apps));
  }

  /** N routes as pilot-load's route-scale profile makes them: one per app. */
  static Workload routeScale(int routes) {
    return new Workload(routes == 0 ? 0 : Math.min(50, routes), routes, 1);
  }

  /** Many routes per app on the Gateway's one listener: 16 routes per app, 2,500 apps in 50 namespaces. */
  static Workload manyRoutesPerApp(int apps, int routesPerApp) {
    return new Workload(Math.min(50, apps), apps, routesPerApp);
  }

  /**
   * The bench's listenerset profile: per app a ListenerSet with one HTTP listener for the app's
   * hostname, and the app's routes attached to that ListenerSet (2,500 ListenerSets, 40,000 routes).
   */
  static Workload listenerSets(int apps, int routesPerApp) {
    return new Workload(Math.min(50, apps), apps, routesPerApp, true);
  }

  int routes() {
    return apps * routesPerApp;
  }

  static String namespaceOf(int app) {
    return "ns-" + (app % 50);
  }

  static String appName(int app) {
    return "app-" + app;
  }

  /** Classes, namespaces, both Gateways and the probe's backend; {@code forApiServer} adds ServiceAccounts and leaves cluster IPs to the server. */
  List<HasMetadata> base(boolean forApiServer) {
    List<HasMetadata> out = new ArrayList<>();
    out.add(gatewayClass(OUR_CLASS, TranslationSettings.DEFAULT_CONTROLLER_NAME));
    out.add(gatewayClass(PEER_CLASS, PEER_CONTROLLER));
    List<String> names = new ArrayList<>(List.of(GATEWAY_NAMESPACE, PROBE_NAMESPACE));
    for (int i = 0; i < namespaces; i++) {
      names.add("ns-" + i);
    }
    for (String ns : names) {
      out.add(new NamespaceBuilder().withNewMetadata().withName(ns).endMetadata().build());
      if (forApiServer) {
        // No controller manager runs, and Pods need their namespace's default ServiceAccount.
        out.add(new ServiceAccountBuilder().withNewMetadata().withName("default").withNamespace(ns).endMetadata().build());
      }
    }
    out.add(listenerSets ? withListenerSetsAllowed(gateway(OUR_GATEWAY, OUR_CLASS)) : gateway(OUR_GATEWAY, OUR_CLASS));
    out.add(gateway(PEER_GATEWAY, PEER_CLASS));
    out.add(service(PROBE_NAMESPACE, "backend", forApiServer ? null : "10.200.0.1"));
    return out;
  }

  /** The objects of one app: Service, Pod, EndpointSlice and its routes. */
  List<HasMetadata> app(int app, boolean setClusterIp) {
    List<HasMetadata> out = new ArrayList<>();
    String ns = namespaceOf(app);
    out.add(service(ns, appName(app), setClusterIp ? "10.100." + (app / 250) + "." + (app % 250 + 1) : null));
    Pod pod = pod(app, 0);
    out.add(pod);
    out.add(endpointSlice(app, podIp(app, 0), pod.getMetadata().getName()));
    if (listenerSets) {
      out.add(listenerSet(app));
    }
    for (int r = 0; r < routesPerApp; r++) {
      out.add(route(app, r, 0));
    }
    return out;
  }

  static GatewayClass gatewayClass(String name, String controller) {
    return new GatewayClassBuilder().withNewMetadata().withName(name).endMetadata()
        .withNewSpec().withControllerName(controller).endSpec().build();
  }

  static Gateway gateway(String name, String className) {
    return new GatewayBuilder().withNewMetadata().withName(name).withNamespace(GATEWAY_NAMESPACE).endMetadata()
        .withNewSpec().withGatewayClassName(className)
        .addNewListener().withName("http").withPort(80).withProtocol("HTTP")
        .withNewAllowedRoutes().withNewNamespaces().withFrom("All").endNamespaces().endAllowedRoutes()
        .endListener().endSpec().build();
  }

  static Service service(String ns, String name, String clusterIp) {
    return new ServiceBuilder().withNewMetadata().withName(name).withNamespace(ns).endMetadata()
        .withNewSpec().withClusterIP(clusterIp).addToSelector("app", name)
        .addNewPort().withName("http").withPort(80).withNewTargetPort(8080).endPort().endSpec().build();
  }

  /** Pod generation {@code gen} of an app, Running and Ready with its own IP, as pilot-load fakes it. */
  static Pod pod(int app, int gen) {
    return new PodBuilder().withNewMetadata().withName(appName(app) + "-" + gen).withNamespace(namespaceOf(app))
        .addToLabels("app", appName(app)).endMetadata()
        .withNewSpec().withNodeName("fake-node-" + (app % 20)).withAutomountServiceAccountToken(false)
        .addNewContainer().withName("app").withImage("fake").addNewPort().withContainerPort(8080).endPort().endContainer()
        .endSpec()
        .withNewStatus().withPhase("Running").withPodIP(podIp(app, gen)).addNewPodIP().withIp(podIp(app, gen)).endPodIP()
        .addNewCondition().withType("Ready").withStatus("True").endCondition().endStatus()
        .build();
  }

  static String podIp(int app, int gen) {
    int n = app * 7 + gen;
    return "10." + (1 + (n >> 16) % 200) + "." + ((n >> 8) & 255) + "." + (n & 255);
  }

  static EndpointSlice endpointSlice(int app, String ip, String podName) {
    return new EndpointSliceBuilder().withNewMetadata().withName(appName(app) + "-slice").withNamespace(namespaceOf(app))
        .addToLabels("kubernetes.io/service-name", appName(app)).endMetadata()
        .withAddressType("IPv4")
        .addNewEndpoint().withAddresses(ip).withNewConditions().withReady(true).endConditions()
        .withNewTargetRef().withKind("Pod").withName(podName).withNamespace(namespaceOf(app)).endTargetRef()
        .endEndpoint()
        .addNewPort().withName("http").withPort(8080).withProtocol("TCP").endPort()
        .build();
  }

  static String routeName(int app, int r) {
    return r == 0 ? appName(app) : appName(app) + "-" + r;
  }

  /** An app's route; {@code revision} picks its path, so each revision really changes the route. */
  HTTPRoute route(int app, int r, int revision) {
    return new HTTPRouteBuilder().withNewMetadata().withName(routeName(app, r)).withNamespace(namespaceOf(app)).endMetadata()
        .withNewSpec().withParentRefs(listenerSets ? listenerSetParents(app) : parents())
        .withHostnames(appName(app) + ".example.com")
        .addNewRule()
        .addNewMatch().withNewPath().withType("PathPrefix").withValue("/" + r + "/p" + revision).endPath().endMatch()
        .addNewBackendRef().withName(appName(app)).withPort(80).endBackendRef()
        .endRule()
        .endSpec().build();
  }

  /** The propagation probe's route: two rules with header modifiers, one to a missing backend. */
  static HTTPRoute probeRoute(int n) {
    String name = "probe-" + n;
    var headers = new HTTPRouteFilterBuilder().withType("RequestHeaderModifier")
        .withRequestHeaderModifier(new HTTPHeaderFilterBuilder().addNewSet().withName("x-probe").withValue(name).endSet().build())
        .build();
    var responseHeaders = new HTTPRouteFilterBuilder().withType("ResponseHeaderModifier")
        .withResponseHeaderModifier(new HTTPHeaderFilterBuilder().addNewSet().withName("x-probe").withValue(name).endSet().build())
        .build();
    return new HTTPRouteBuilder().withNewMetadata().withName(name).withNamespace(PROBE_NAMESPACE).endMetadata()
        .withNewSpec().withParentRefs(parents())
        .withHostnames(name + ".example.com")
        .withRules(
            new HTTPRouteRuleBuilder().addNewMatch().withNewPath().withType("PathPrefix").withValue("/" + name).endPath().endMatch()
                .withFilters(headers, responseHeaders)
                .addNewBackendRef().withName("backend").withPort(80).endBackendRef().build(),
            new HTTPRouteRuleBuilder().addNewMatch().withNewPath().withType("PathPrefix").withValue("/").endPath().endMatch()
                .withFilters(headers, responseHeaders)
                .addNewBackendRef().withName("invalid-backend").withPort(80).endBackendRef().build())
        .endSpec().build();
  }

  static Gateway withListenerSetsAllowed(Gateway gateway) {
    gateway.getSpec().setAllowedListeners(new io.fabric8.kubernetes.api.model.gatewayapi.v1.AllowedListenersBuilder()
        .withNewNamespaces().withFrom("All").endNamespaces().build());
    return gateway;
  }

  /** An app's ListenerSet: one HTTP listener on the Gateway's port for the app's hostname. */
  static io.fabric8.kubernetes.api.model.gatewayapi.v1.ListenerSet listenerSet(int app) {
    return new io.fabric8.kubernetes.api.model.gatewayapi.v1.ListenerSetBuilder()
        .withNewMetadata().withName(appName(app)).withNamespace(namespaceOf(app)).endMetadata()
        .withNewSpec()
        .withNewParentRef().withGroup("gateway.networking.k8s.io").withKind("Gateway")
        .withName(OUR_GATEWAY).withNamespace(GATEWAY_NAMESPACE).endParentRef()
        .addNewListener().withName("http").withPort(80).withProtocol("HTTP").withHostname(appName(app) + ".example.com")
        .withNewAllowedRoutes().withNewNamespaces().withFrom("Same").endNamespaces().endAllowedRoutes()
        .endListener()
        .endSpec().build();
  }

  private static List<io.fabric8.kubernetes.api.model.gatewayapi.v1.ParentReference> listenerSetParents(int app) {
    return List.of(
        new ParentReferenceBuilder().withGroup("gateway.networking.k8s.io").withKind("ListenerSet")
            .withName(appName(app)).withNamespace(namespaceOf(app)).build(),
        new ParentReferenceBuilder().withName(PEER_GATEWAY).withNamespace(GATEWAY_NAMESPACE).build());
  }

  private static List<io.fabric8.kubernetes.api.model.gatewayapi.v1.ParentReference> parents() {
    return List.of(
        new ParentReferenceBuilder().withName(OUR_GATEWAY).withNamespace(GATEWAY_NAMESPACE).build(),
        new ParentReferenceBuilder().withName(PEER_GATEWAY).withNamespace(GATEWAY_NAMESPACE).build());
  }

  /** The substring every controller's xDS name for this route contains ({@code /ns/name.}). */
  static String marker(String namespace, String name) {
    return "/" + namespace + "/" + name + ".";
  }
}
