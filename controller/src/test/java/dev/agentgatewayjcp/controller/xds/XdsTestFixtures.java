package dev.agentgatewayjcp.controller.xds;

import dev.agentgatewayjcp.api.resource.Bind;
import dev.agentgatewayjcp.api.resource.Resource;
import dev.agentgatewayjcp.api.resource.Route;
import dev.agentgatewayjcp.api.resource.RouteName;
import dev.agentgatewayjcp.api.workload.Address;
import dev.agentgatewayjcp.api.workload.Port;
import dev.agentgatewayjcp.api.workload.Service;
import dev.agentgatewayjcp.translator.output.XdsResource;

/** XdsTestFixtures builds small, realistic xDS resources for server tests and benchmarks. */
final class XdsTestFixtures {

  private XdsTestFixtures() {}

  static XdsResource route(String namespace, String name, int revision) {
    return route(namespace, name, "rev" + revision + ".example.com");
  }

  /** A route made bigger by a long hostname, for tests about response sizes. */
  static XdsResource bigRoute(String namespace, String name, int revision, int paddingBytes) {
    return route(namespace, name, "rev" + revision + "-" + "x".repeat(paddingBytes) + ".example.com");
  }

  private static XdsResource route(String namespace, String name, String hostname) {
    String key = namespace + "/" + name + ".00.00";
    return XdsResource.of(
        "route/" + key,
        Resource.newBuilder()
            .setRoute(
                Route.newBuilder()
                    .setKey(key)
                    .setListenerKey(namespace + "/gw.http")
                    .setName(RouteName.newBuilder().setKind("HTTPRoute").setName(name).setNamespace(namespace))
                    .addHostnames(hostname))
            .build());
  }

  static XdsResource bind(String namespace, String gateway, int port) {
    String key = port + "/" + namespace + "/" + gateway;
    return XdsResource.of(
        "bind/" + key,
        Resource.newBuilder().setBind(Bind.newBuilder().setKey(key).setPort(port)).build());
  }

  static XdsResource service(String namespace, String name, int port) {
    String hostname = name + "." + namespace + ".svc.cluster.local";
    return XdsResource.of(
        namespace + "/" + hostname,
        Address.newBuilder()
            .setService(
                Service.newBuilder()
                    .setName(name)
                    .setNamespace(namespace)
                    .setHostname(hostname)
                    .addPorts(Port.newBuilder().setServicePort(port).setTargetPort(port)))
            .build());
  }
}
