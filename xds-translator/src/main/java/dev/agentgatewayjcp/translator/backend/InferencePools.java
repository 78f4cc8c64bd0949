package dev.agentgatewayjcp.translator.backend;

import dev.agentgatewayjcp.api.inference.InferencePool;
import dev.agentgatewayjcp.api.inference.InferencePoolSpec;
import dev.agentgatewayjcp.api.resource.BackendPolicySpec;
import dev.agentgatewayjcp.api.resource.BackendReference;
import dev.agentgatewayjcp.api.resource.Policy;
import dev.agentgatewayjcp.api.resource.PolicyTarget;
import dev.agentgatewayjcp.api.resource.Resource;
import dev.agentgatewayjcp.api.resource.TypedResourceName;
import dev.agentgatewayjcp.translator.input.InputKind;
import dev.agentgatewayjcp.translator.input.ObjectRef;
import dev.agentgatewayjcp.translator.input.TranslationContext;
import dev.agentgatewayjcp.translator.output.XdsResource;
import dev.agentgatewayjcp.translator.policy.BackendTlsPolicyTranslator;
import dev.agentgatewayjcp.translator.reference.ReferenceGrants;
import dev.agentgatewayjcp.translator.status.ConditionList;
import io.fabric8.kubernetes.api.model.Service;
import io.fabric8.kubernetes.api.model.ServicePort;
import io.fabric8.kubernetes.api.model.gatewayapi.v1.BackendTLSPolicy;
import java.util.ArrayList;
import java.util.List;

/**
 * InferencePools resolves route references to InferencePools and translates a pool on its own:
 * the pool is published as a synthetic Service ({@code <pool>.<ns>.inference.<domain>}, built by
 * the address translator), its endpoint picker becomes an agentgateway inference routing Policy
 * on that Service, and connections to the picker use TLS without verification (pickers serve
 * self-signed certificates) unless a BackendTLSPolicy targets the picker's Service.
 */
public final class InferencePools {

  private InferencePools() {}

  /** The pool's Service address name, as routes record it. */
  public static String address(TranslationContext ctx, String ns, String name) {
    return ns + "/" + ctx.settings().inferencePoolHostname(name, ns);
  }

  /** A reference to an InferencePool. */
  static BackendResolver.Resolved resolve(
      TranslationContext ctx, String routeKind, String routeNamespace, String name, String namespace, Integer port) {
    String ns = namespace == null || namespace.isEmpty() ? routeNamespace : namespace;
    BackendReference unresolvable = BackendReference.getDefaultInstance();
    if (name == null || name.isEmpty() || name.contains(".")) {
      return new BackendResolver.Resolved(unresolvable, null, "BackendNotFound", "invalid InferencePool name " + name);
    }
    if (!ReferenceGrants.allows(ctx, routeKind, routeNamespace, InferencePool.GROUP, "InferencePool", ns, name)) {
      return new BackendResolver.Resolved(
          null, null, "RefNotPermitted",
          "backendRef to InferencePool " + ns + "/" + name + " is not permitted by any ReferenceGrant");
    }
    InferencePool pool = ctx.get(InputKind.INFERENCE_POOL, ns, name).orElse(null);
    if (pool == null) {
      return new BackendResolver.Resolved(unresolvable, null, "BackendNotFound", "InferencePool " + ns + "/" + name + " not found");
    }
    List<Integer> ports = targetPorts(pool);
    if (ports.isEmpty()) {
      return new BackendResolver.Resolved(
          unresolvable, null, "BackendNotFound", "InferencePool " + ns + "/" + name + " has no targetPorts");
    }
    // The proxy routes to the pool's first port unless the route names another of its ports;
    // the endpoint picker may then choose any of them (data-parallel pools).
    int servicePort = port != null && ports.contains(port) ? port : ports.get(0);
    String hostname = ctx.settings().inferencePoolHostname(name, ns);
    BackendReference reference =
        BackendReference.newBuilder()
            .setService(BackendReference.Service.newBuilder().setNamespace(ns).setHostname(hostname))
            .setPort(servicePort)
            .build();
    List<XdsResource> resources = new ArrayList<>();
    List<String> more = new ArrayList<>();
    InferencePoolSpec.EndpointPickerRef picker = pool.getSpec().endpointPickerRef;
    if (picker != null && isServiceKind(picker) && picker.name != null && !picker.name.isEmpty()
        && picker.port != null && picker.port.number != null) {
      String pickerHost = ctx.settings().serviceHostname(picker.name, ns);
      more.add(ns + "/" + pickerHost);
      BackendPolicySpec.InferenceRouting.FailureMode mode =
          "FailOpen".equals(picker.failureMode)
              ? BackendPolicySpec.InferenceRouting.FailureMode.FAIL_OPEN
              : BackendPolicySpec.InferenceRouting.FailureMode.FAIL_CLOSED;
      BackendPolicySpec routing =
          BackendPolicySpec.newBuilder()
              .setInferenceRouting(
                  BackendPolicySpec.InferenceRouting.newBuilder()
                      .setEndpointPicker(
                          BackendReference.newBuilder()
                              .setService(BackendReference.Service.newBuilder().setNamespace(ns).setHostname(pickerHost))
                              .setPort(picker.port.number))
                      .setFailureMode(mode))
              .build();
      resources.add(
          policy(ns + "/" + name + ":inference-routing", name, ns,
              PolicyTarget.newBuilder()
                  .setService(PolicyTarget.ServiceTarget.newBuilder().setNamespace(ns).setHostname(hostname))
                  .build(),
              routing));
      if (!hasBackendTlsPolicy(ctx, ns, picker.name)) {
        BackendPolicySpec tls =
            BackendPolicySpec.newBuilder()
                .setBackendTls(
                    BackendPolicySpec.BackendTLS.newBuilder()
                        .setVerification(BackendPolicySpec.BackendTLS.VerificationMode.INSECURE_ALL))
                .build();
        resources.add(
            policy(ns + "/" + name + ":picker-tls", name, ns,
                PolicyTarget.newBuilder()
                    .setService(
                        PolicyTarget.ServiceTarget.newBuilder()
                            .setNamespace(ns)
                            .setHostname(pickerHost)
                            .setPort(picker.port.number))
                    .build(),
                tls));
      }
    }
    return new BackendResolver.Resolved(reference, ns + "/" + hostname, null, null, more, resources);
  }

  /** The pool's report: conditions per Gateway using it, placed like a policy. */
  public static InferencePoolTranslation translate(TranslationContext ctx, InferencePool pool) {
    String ns = pool.getMetadata().getNamespace();
    ConditionList conditions = new ConditionList(ctx.clock(), pool.getMetadata().getGeneration());
    conditions.set("Accepted", true, "Accepted", "Accepted by the parent Gateway");
    conditions.set("ResolvedRefs", true, "ResolvedRefs", "The endpoint picker reference is resolved");
    InferencePoolSpec spec = pool.getSpec();
    InferencePoolSpec.EndpointPickerRef picker = spec == null ? null : spec.endpointPickerRef;
    if (spec == null || targetPorts(pool).isEmpty()) {
      conditions.set("Accepted", false, "Invalid", "spec.targetPorts must name at least one port");
    }
    if (picker == null) {
      // Traffic is still balanced over the pool's endpoints, without a picker.
      conditions.set(
          "Accepted", false, "EndpointPickerRefMissing",
          "spec.endpointPickerRef is not set: requests are balanced over the pool without an endpoint picker");
    } else {
      String problem = pickerProblem(ctx, ns, picker);
      if (problem != null) {
        conditions.set("ResolvedRefs", false, "InvalidExtensionRef", problem);
      }
    }
    return new InferencePoolTranslation(
        ObjectRef.of(pool), address(ctx, ns, pool.getMetadata().getName()), conditions.toList(),
        ctx.settings().controllerName());
  }

  private static String pickerProblem(TranslationContext ctx, String ns, InferencePoolSpec.EndpointPickerRef picker) {
    if (!isServiceKind(picker)) {
      return "endpointPickerRef kind " + (picker.group == null || picker.group.isEmpty() ? "" : picker.group + "/")
          + picker.kind + " is not supported (only Service)";
    }
    if (picker.name == null || picker.name.isEmpty()) {
      return "endpointPickerRef.name is required";
    }
    if (picker.port == null || picker.port.number == null) {
      return "endpointPickerRef.port is required for a Service";
    }
    if (picker.failureMode != null && !List.of("FailOpen", "FailClose").contains(picker.failureMode)) {
      return "endpointPickerRef.failureMode " + picker.failureMode + " is not FailOpen or FailClose";
    }
    Service service = ctx.get(InputKind.SERVICE, ns, picker.name).orElse(null);
    if (service == null) {
      return "endpoint picker Service " + ns + "/" + picker.name + " not found";
    }
    if (BackendTlsPolicyTranslator.isExternalName(service)) {
      return "endpoint picker Service " + ns + "/" + picker.name + " is of type ExternalName";
    }
    if (service.getSpec().getPorts() != null) {
      for (ServicePort p : service.getSpec().getPorts()) {
        if (picker.port.number.equals(p.getPort()) && (p.getProtocol() == null || "TCP".equals(p.getProtocol()))) {
          return null;
        }
      }
    }
    return "endpoint picker Service " + ns + "/" + picker.name + " has no TCP port " + picker.port.number;
  }

  private static boolean isServiceKind(InferencePoolSpec.EndpointPickerRef picker) {
    boolean coreGroup = picker.group == null || picker.group.isEmpty();
    return coreGroup && (picker.kind == null || picker.kind.isEmpty() || "Service".equals(picker.kind));
  }

  /** The pool's ports, in spec order, without duplicates or unset entries. */
  public static List<Integer> targetPorts(InferencePool pool) {
    List<Integer> out = new ArrayList<>();
    if (pool.getSpec() != null && pool.getSpec().targetPorts != null) {
      for (InferencePoolSpec.Port p : pool.getSpec().targetPorts) {
        if (p != null && p.number != null && p.number > 0 && p.number < 65536 && !out.contains(p.number)) {
          out.add(p.number);
        }
      }
    }
    return out;
  }

  private static boolean hasBackendTlsPolicy(TranslationContext ctx, String ns, String service) {
    for (BackendTLSPolicy p : ctx.listInNamespace(InputKind.BACKEND_TLS_POLICY, ns)) {
      if (p.getSpec() != null && p.getSpec().getTargetRefs() != null) {
        for (var ref : p.getSpec().getTargetRefs()) {
          if ((ref.getGroup() == null || ref.getGroup().isEmpty()) && "Service".equals(ref.getKind())
              && service.equals(ref.getName())) {
            return true;
          }
        }
      }
    }
    return false;
  }

  private static XdsResource policy(String key, String pool, String ns, PolicyTarget target, BackendPolicySpec spec) {
    Policy out =
        Policy.newBuilder()
            .setKey(key)
            .setName(TypedResourceName.newBuilder().setName(pool).setNamespace(ns).setKind("InferencePool"))
            .setTarget(target)
            .setBackend(spec)
            .build();
    String xdsName = "policy/" + key;
    return XdsResource.of(xdsName, Resource.newBuilder().setPolicy(out).build());
  }
}
