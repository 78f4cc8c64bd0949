package dev.agentgatewayjcp.translator.address;

import com.google.protobuf.ByteString;
import dev.agentgatewayjcp.api.workload.AppProtocol;
import dev.agentgatewayjcp.api.workload.Address;
import dev.agentgatewayjcp.api.workload.IPFamilies;
import dev.agentgatewayjcp.api.workload.LoadBalancing;
import dev.agentgatewayjcp.api.workload.NetworkAddress;
import dev.agentgatewayjcp.api.workload.Port;
import dev.agentgatewayjcp.api.workload.PortList;
import dev.agentgatewayjcp.api.workload.Workload;
import dev.agentgatewayjcp.api.workload.WorkloadStatus;
import dev.agentgatewayjcp.api.workload.WorkloadType;
import dev.agentgatewayjcp.api.inference.InferencePool;
import dev.agentgatewayjcp.translator.backend.InferencePools;
import dev.agentgatewayjcp.translator.input.InputIndex;
import dev.agentgatewayjcp.translator.input.InputKind;
import dev.agentgatewayjcp.translator.input.ObjectRef;
import dev.agentgatewayjcp.translator.input.TranslationContext;
import dev.agentgatewayjcp.translator.output.XdsResource;
import io.fabric8.kubernetes.api.model.IntOrString;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.Service;
import io.fabric8.kubernetes.api.model.ServicePort;
import io.fabric8.kubernetes.api.model.discovery.v1.Endpoint;
import io.fabric8.kubernetes.api.model.discovery.v1.EndpointPort;
import io.fabric8.kubernetes.api.model.discovery.v1.EndpointSlice;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Collections;
import java.util.SortedMap;
import java.util.HashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.SortedSet;
import java.util.TreeMap;
import java.util.TreeSet;

/**
 * AddressTranslator turns Services and their EndpointSlices into {@code istio.workload.Address}
 * entries: one Service entry per Service, and one Workload per endpoint (per Pod when the
 * endpoint names one, so a Pod behind several Services is one Workload).
 */
public final class AddressTranslator {

  private AddressTranslator() {}

  /**
   * ServiceAddresses is what one Service contributes: its own entry and, per workload uid, a
   * partial Workload that lists only this Service.
   *
   * @param service the Service object
   * @param name the xDS name of the Service entry, {@code <ns>/<hostname>}
   * @param resource the Service entry
   * @param workloads partial workloads by uid
   */
  public record ServiceAddresses(
      ObjectRef service, String name, XdsResource resource, SortedMap<String, Workload> workloads) {
    public ServiceAddresses {
      workloads = Collections.unmodifiableSortedMap(new TreeMap<>(workloads));
    }
  }

  /**
   * Combines per-Service contributions, given in Service (namespace, name) order, into the
   * cluster's Address entries. A Pod behind several Services becomes one Workload listing all.
   */
  public static AddressTranslation combine(Collection<ServiceAddresses> perService) {
    TreeMap<String, XdsResource> resources = new TreeMap<>();
    Map<String, SortedSet<String>> workloadsByService = new HashMap<>();
    TreeMap<String, List<Workload>> partials = new TreeMap<>();
    for (ServiceAddresses s : perService) {
      resources.put(s.name(), s.resource());
      if (!s.workloads().isEmpty()) {
        workloadsByService.put(s.name(), new TreeSet<>(s.workloads().keySet()));
      }
      s.workloads().forEach((uid, w) -> partials.computeIfAbsent(uid, k -> new ArrayList<>()).add(w));
    }
    partials.forEach((uid, list) -> resources.put(uid, workloadResource(list)));
    return new AddressTranslation(resources, workloadsByService);
  }

  /** The Address entry of a workload from its partials, in Service order. */
  public static XdsResource workloadResource(List<Workload> partials) {
    Workload.Builder merged = partials.get(0).toBuilder();
    for (int i = 1; i < partials.size(); i++) {
      Workload w = partials.get(i);
      Set<ByteString> known = new LinkedHashSet<>(merged.getAddressesList());
      for (ByteString a : w.getAddressesList()) {
        if (known.add(a)) {
          merged.addAddresses(a);
        }
      }
      if (w.getStatus() == WorkloadStatus.HEALTHY) {
        merged.setStatus(WorkloadStatus.HEALTHY);
      }
      if (merged.getNode().isEmpty()) {
        merged.setNode(w.getNode());
      }
      merged.putAllServices(w.getServicesMap());
    }
    return XdsResource.of(merged.getUid(), Address.newBuilder().setWorkload(merged).build());
  }

  /** What one Service contributes, or null for a Service the proxy cannot reach. */
  public static ServiceAddresses forService(TranslationContext ctx, Service service) {
    dev.agentgatewayjcp.api.workload.Service out = service(ctx, service);
    if (out == null) {
      return null;
    }
    String name = out.getNamespace() + "/" + out.getHostname();
    TreeMap<String, Workload.Builder> workloads = new TreeMap<>();
    String sliceKey = service.getMetadata().getNamespace() + "/" + service.getMetadata().getName();
    for (EndpointSlice slice : ctx.byIndex(InputIndex.ENDPOINT_SLICES_BY_SERVICE, sliceKey)) {
      addEndpoints(ctx, service, name, slice, workloads);
    }
    TreeMap<String, Workload> built = new TreeMap<>();
    workloads.forEach((uid, b) -> built.put(uid, b.build()));
    return new ServiceAddresses(
        ObjectRef.of(service),
        name,
        XdsResource.of(name, Address.newBuilder().setService(out).build()),
        built);
  }

  /**
   * What one InferencePool contributes: a Service entry without a VIP under the pool's hostname,
   * one port per target port (service port = target port, so an endpoint picker may choose any
   * of them), and a Workload part per running Pod the selector matches.
   */
  public static ServiceAddresses forInferencePool(TranslationContext ctx, InferencePool pool) {
    String ns = pool.getMetadata().getNamespace();
    String name = pool.getMetadata().getName();
    String hostname = ctx.settings().inferencePoolHostname(name, ns);
    String addressName = ns + "/" + hostname;
    List<Integer> ports = InferencePools.targetPorts(pool);
    AppProtocol protocol =
        "kubernetes.io/h2c".equals(pool.getSpec() == null ? null : pool.getSpec().appProtocol)
            ? AppProtocol.HTTP2
            : AppProtocol.HTTP11;
    var out =
        dev.agentgatewayjcp.api.workload.Service.newBuilder()
            .setName(name)
            .setNamespace(ns)
            .setHostname(hostname);
    PortList.Builder mapping = PortList.newBuilder();
    for (int port : ports) {
      out.addPorts(Port.newBuilder().setServicePort(port).setTargetPort(port).setAppProtocol(protocol));
      mapping.addPorts(Port.newBuilder().setServicePort(port).setTargetPort(port));
    }
    Map<String, String> selector =
        pool.getSpec() == null || pool.getSpec().selector == null || pool.getSpec().selector.matchLabels == null
            ? Map.of()
            : pool.getSpec().selector.matchLabels;
    TreeMap<String, Workload> workloads = new TreeMap<>();
    String cluster = ctx.settings().clusterId();
    // An empty selector would select every Pod of the namespace; the API forbids it, so select none.
    for (Pod pod : selector.isEmpty() ? List.<Pod>of() : ctx.listInNamespace(InputKind.POD, ns)) {
      Map<String, String> labels = pod.getMetadata().getLabels() == null ? Map.of() : pod.getMetadata().getLabels();
      if (!labels.entrySet().containsAll(selector.entrySet()) || pod.getStatus() == null) {
        continue;
      }
      List<String> ips = new ArrayList<>();
      if (pod.getStatus().getPodIPs() != null && !pod.getStatus().getPodIPs().isEmpty()) {
        pod.getStatus().getPodIPs().forEach(ip -> ips.add(ip.getIp()));
      } else if (pod.getStatus().getPodIP() != null) {
        ips.add(pod.getStatus().getPodIP());
      }
      if (ips.isEmpty() || "Succeeded".equals(pod.getStatus().getPhase()) || "Failed".equals(pod.getStatus().getPhase())) {
        continue;
      }
      String podName = pod.getMetadata().getName();
      String uid = cluster + "//Pod/" + ns + "/" + podName;
      Workload.Builder w = podWorkload(uid, ns, podName, cluster, pod);
      Set<ByteString> known = new LinkedHashSet<>();
      for (String ip : ips) {
        IpAddresses.parse(ip).filter(known::add).ifPresent(w::addAddresses);
      }
      boolean ready =
          pod.getStatus().getConditions() != null
              && pod.getStatus().getConditions().stream()
                  .anyMatch(c -> "Ready".equals(c.getType()) && "True".equals(c.getStatus()));
      if (ready && pod.getMetadata().getDeletionTimestamp() == null) {
        w.setStatus(WorkloadStatus.HEALTHY);
      }
      if (pod.getSpec() != null && pod.getSpec().getNodeName() != null) {
        w.setNode(pod.getSpec().getNodeName());
      }
      w.putServices(addressName, mapping.build());
      workloads.put(uid, w.build());
    }
    return new ServiceAddresses(
        ObjectRef.of(pool),
        addressName,
        XdsResource.of(addressName, Address.newBuilder().setService(out).build()),
        workloads);
  }

  /** The Service entry, or null for kinds of Service the proxy cannot reach (ExternalName). */
  static dev.agentgatewayjcp.api.workload.Service service(TranslationContext ctx, Service service) {
    var spec = service.getSpec();
    if (spec == null || "ExternalName".equals(spec.getType())) {
      return null;
    }
    String ns = service.getMetadata().getNamespace();
    String name = service.getMetadata().getName();
    var out =
        dev.agentgatewayjcp.api.workload.Service.newBuilder()
            .setName(name)
            .setNamespace(ns)
            .setHostname(ctx.settings().serviceHostname(name, ns))
            .setCanonical(true);
    List<String> ips = spec.getClusterIPs() != null && !spec.getClusterIPs().isEmpty()
        ? spec.getClusterIPs()
        : spec.getClusterIP() == null ? List.of() : List.of(spec.getClusterIP());
    for (String ip : ips) {
      IpAddresses.parse(ip)
          .ifPresent(b -> out.addAddresses(NetworkAddress.newBuilder().setAddress(b)));
    }
    if (spec.getPorts() != null) {
      for (ServicePort port : spec.getPorts()) {
        if (port.getPort() == null || "UDP".equals(port.getProtocol()) || "SCTP".equals(port.getProtocol())) {
          continue;
        }
        IntOrString target = port.getTargetPort();
        int targetPort =
            target == null ? port.getPort() : target.getIntVal() != null ? target.getIntVal() : 0;
        out.addPorts(
            Port.newBuilder()
                .setServicePort(port.getPort())
                .setTargetPort(targetPort)
                .setAppProtocol(appProtocol(port)));
      }
    }
    List<String> families = spec.getIpFamilies() == null ? List.of() : spec.getIpFamilies();
    if (families.contains("IPv4") && families.contains("IPv6")) {
      out.setIpFamilies(IPFamilies.DUAL);
    } else if (families.contains("IPv4")) {
      out.setIpFamilies(IPFamilies.IPV4_ONLY);
    } else if (families.contains("IPv6")) {
      out.setIpFamilies(IPFamilies.IPV6_ONLY);
    }
    LoadBalancing.Builder lb = LoadBalancing.newBuilder();
    boolean setLb = false;
    if ("Local".equals(spec.getInternalTrafficPolicy())) {
      lb.addRoutingPreference(LoadBalancing.Scope.NODE).setMode(LoadBalancing.Mode.STRICT);
      setLb = true;
    }
    if (Boolean.TRUE.equals(spec.getPublishNotReadyAddresses())) {
      lb.setHealthPolicy(LoadBalancing.HealthPolicy.ALLOW_ALL);
      setLb = true;
    }
    if (setLb) {
      out.setLoadBalancing(lb);
    }
    return out.build();
  }

  /**
   * The upstream protocol of a Service port: from {@code appProtocol} when set (this is how
   * HTTPRoute backends ask for h2c or WebSocket), else from the port name's prefix.
   */
  static AppProtocol appProtocol(ServicePort port) {
    String app = port.getAppProtocol();
    if (app != null && !app.isEmpty()) {
      return switch (app.toLowerCase(Locale.ROOT)) {
        case "kubernetes.io/h2c", "http2" -> AppProtocol.HTTP2;
        case "kubernetes.io/ws", "http" -> AppProtocol.HTTP11;
        case "kubernetes.io/wss", "https", "tls" -> AppProtocol.TLS;
        case "grpc" -> AppProtocol.GRPC;
        case "tcp" -> AppProtocol.TCP;
        default -> AppProtocol.UNKNOWN;
      };
    }
    String name = port.getName() == null ? "" : port.getName().toLowerCase(Locale.ROOT);
    String prefix = name.contains("-") ? name.substring(0, name.indexOf('-')) : name;
    return switch (prefix) {
      case "http" -> AppProtocol.HTTP11;
      case "http2" -> AppProtocol.HTTP2;
      case "grpc" -> AppProtocol.GRPC;
      case "tls", "https" -> AppProtocol.TLS;
      case "tcp" -> AppProtocol.TCP;
      default -> AppProtocol.UNKNOWN;
    };
  }

  private static void addEndpoints(
      TranslationContext ctx,
      Service service,
      String serviceName,
      EndpointSlice slice,
      TreeMap<String, Workload.Builder> workloads) {
    if ("FQDN".equals(slice.getAddressType()) || slice.getEndpoints() == null) {
      return;
    }
    List<Port> ports = portMapping(service, slice);
    String ns = slice.getMetadata().getNamespace();
    String cluster = ctx.settings().clusterId();
    for (Endpoint endpoint : slice.getEndpoints()) {
      if (endpoint.getAddresses() == null || endpoint.getAddresses().isEmpty()) {
        continue;
      }
      boolean ready =
          endpoint.getConditions() == null
              || endpoint.getConditions().getReady() == null
              || endpoint.getConditions().getReady();
      var target = endpoint.getTargetRef();
      if (target != null && "Pod".equals(target.getKind()) && target.getName() != null) {
        String podNs = target.getNamespace() == null ? ns : target.getNamespace();
        String podUid = cluster + "//Pod/" + podNs + "/" + target.getName();
        Pod pod = ctx.get(InputKind.POD, podNs, target.getName()).orElse(null);
        Workload.Builder w =
            workloads.computeIfAbsent(podUid, uid -> podWorkload(uid, podNs, target.getName(), cluster, pod));
        boolean deleting = pod != null && pod.getMetadata().getDeletionTimestamp() != null;
        fill(w, endpoint, endpoint.getAddresses(), ready && !deleting, serviceName, ports);
      } else {
        for (String ip : endpoint.getAddresses()) {
          String uid = cluster + "/discovery.k8s.io/EndpointSlice/" + ns + "/" + slice.getMetadata().getName() + "/" + ip;
          Workload.Builder w =
              workloads.computeIfAbsent(
                  uid,
                  u ->
                      Workload.newBuilder()
                          .setUid(u)
                          .setName(slice.getMetadata().getName())
                          .setNamespace(ns)
                          .setClusterId(cluster)
                          .setStatus(WorkloadStatus.UNHEALTHY));
          fill(w, endpoint, List.of(ip), ready, serviceName, ports);
        }
      }
    }
  }

  /**
   * A Pod's workload identity. Telemetry names follow Istio's conventions when the Pod is known
   * (canonical labels, then app labels; the owning Deployment's name); without the Pod only the
   * name is known.
   */
  private static Workload.Builder podWorkload(
      String uid, String namespace, String name, String cluster, Pod pod) {
    Workload.Builder w =
        Workload.newBuilder()
            .setUid(uid)
            .setName(name)
            .setNamespace(namespace)
            .setClusterId(cluster)
            .setWorkloadType(WorkloadType.POD)
            .setStatus(WorkloadStatus.UNHEALTHY);
    if (pod == null) {
      return w;
    }
    Map<String, String> labels =
        pod.getMetadata().getLabels() == null ? Map.of() : pod.getMetadata().getLabels();
    String workloadName = workloadName(pod);
    w.setWorkloadName(workloadName);
    String account = pod.getSpec() == null ? null : pod.getSpec().getServiceAccountName();
    w.setServiceAccount(account == null || account.isEmpty() ? "default" : account);
    w.setCanonicalName(
        firstLabel(labels, workloadName, "service.istio.io/canonical-name", "app.kubernetes.io/name", "app"));
    w.setCanonicalRevision(
        firstLabel(labels, "latest", "service.istio.io/canonical-revision", "app.kubernetes.io/version", "version"));
    return w;
  }

  /** The Deployment behind a ReplicaSet-owned Pod, else the owner, else the Pod itself. */
  private static String workloadName(Pod pod) {
    var owners = pod.getMetadata().getOwnerReferences();
    if (owners == null || owners.isEmpty() || owners.get(0).getName() == null) {
      return pod.getMetadata().getName();
    }
    var owner = owners.get(0);
    String hash =
        pod.getMetadata().getLabels() == null ? null : pod.getMetadata().getLabels().get("pod-template-hash");
    if ("ReplicaSet".equals(owner.getKind()) && hash != null && owner.getName().endsWith("-" + hash)) {
      return owner.getName().substring(0, owner.getName().length() - hash.length() - 1);
    }
    return owner.getName();
  }

  private static String firstLabel(Map<String, String> labels, String fallback, String... keys) {
    for (String key : keys) {
      String v = labels.get(key);
      if (v != null && !v.isEmpty()) {
        return v;
      }
    }
    return fallback;
  }

  private static void fill(
      Workload.Builder w,
      Endpoint endpoint,
      List<String> ips,
      boolean ready,
      String serviceName,
      List<Port> ports) {
    Set<ByteString> known = new LinkedHashSet<>(w.getAddressesList());
    for (String ip : ips) {
      IpAddresses.parse(ip).filter(known::add).ifPresent(w::addAddresses);
    }
    if (ready) {
      // A Pod listed as ready by any of its slices is serving.
      w.setStatus(WorkloadStatus.HEALTHY);
    }
    if (endpoint.getNodeName() != null && w.getNode().isEmpty()) {
      w.setNode(endpoint.getNodeName());
    }
    w.putServices(serviceName, PortList.newBuilder().addAllPorts(ports).build());
  }

  /** Service port to the slice's target port, matched by port name as EndpointSlices do. */
  private static List<Port> portMapping(Service service, EndpointSlice slice) {
    List<Port> out = new ArrayList<>();
    if (service.getSpec().getPorts() == null || slice.getPorts() == null) {
      return out;
    }
    for (ServicePort sp : service.getSpec().getPorts()) {
      if (sp.getPort() == null || "UDP".equals(sp.getProtocol()) || "SCTP".equals(sp.getProtocol())) {
        continue;
      }
      String name = sp.getName() == null ? "" : sp.getName();
      for (EndpointPort ep : slice.getPorts()) {
        String epName = ep.getName() == null ? "" : ep.getName();
        String protocol = ep.getProtocol() == null ? "TCP" : ep.getProtocol();
        if (epName.equals(name) && "TCP".equals(protocol) && ep.getPort() != null) {
          out.add(Port.newBuilder().setServicePort(sp.getPort()).setTargetPort(ep.getPort()).build());
          break;
        }
      }
    }
    return out;
  }
}
