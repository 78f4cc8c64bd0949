package dev.agentgatewayjcp.translator.policy;

import com.google.protobuf.ByteString;
import dev.agentgatewayjcp.api.inference.InferencePool;
import dev.agentgatewayjcp.api.resource.BackendPolicySpec;
import dev.agentgatewayjcp.api.resource.Policy;
import dev.agentgatewayjcp.api.resource.PolicyTarget;
import dev.agentgatewayjcp.api.resource.Resource;
import dev.agentgatewayjcp.api.resource.TypedResourceName;
import dev.agentgatewayjcp.translator.input.InputKind;
import dev.agentgatewayjcp.translator.input.ObjectRef;
import dev.agentgatewayjcp.translator.input.TranslationContext;
import dev.agentgatewayjcp.translator.output.XdsResource;
import dev.agentgatewayjcp.translator.status.ConditionList;
import io.fabric8.kubernetes.api.model.ConfigMap;
import io.fabric8.kubernetes.api.model.Secret;
import io.fabric8.kubernetes.api.model.Service;
import io.fabric8.kubernetes.api.model.ServicePort;
import io.fabric8.kubernetes.api.model.gatewayapi.v1.BackendTLSPolicy;
import io.fabric8.kubernetes.api.model.gatewayapi.v1.BackendTLSPolicyValidation;
import io.fabric8.kubernetes.api.model.gatewayapi.v1.LocalObjectReference;
import io.fabric8.kubernetes.api.model.gatewayapi.v1.LocalPolicyTargetReferenceWithSectionName;
import io.fabric8.kubernetes.api.model.gatewayapi.v1.SubjectAltName;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.security.cert.CertificateFactory;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Objects;

/**
 * BackendTlsPolicyTranslator turns one BackendTLSPolicy into agentgateway backend TLS Policies
 * (one per targeted Service or InferencePool) and its conditions.
 *
 * <p>Where several policies target the same Service and section, the oldest wins (then the first
 * by name), and the others are Conflicted for it. A policy without any usable CA certificate
 * still produces its Policy, with a root the proxy cannot parse, so that connections to the
 * backend fail rather than go out unverified.
 */
public final class BackendTlsPolicyTranslator {

  /** What an unusable CA bundle is replaced with; the proxy rejects it and fails closed. */
  static final ByteString INVALID_ROOT = ByteString.copyFromUtf8("invalid");

  private BackendTlsPolicyTranslator() {}

  /** Translates one policy. */
  public static BackendTlsPolicyTranslation translate(TranslationContext ctx, BackendTLSPolicy policy) {
    String ns = policy.getMetadata().getNamespace();
    String name = policy.getMetadata().getName();
    ConditionList conditions = new ConditionList(ctx.clock(), policy.getMetadata().getGeneration());
    conditions.set("Accepted", true, "Accepted", "Configuration is valid");
    conditions.set("ResolvedRefs", true, "ResolvedRefs", "All references resolved");
    var spec = policy.getSpec();
    BackendPolicySpec.BackendTLS.Builder tls = tlsOf(ctx, policy, conditions);

    List<BackendTlsPolicyTranslation.Target> targets = new ArrayList<>();
    List<String> lost = new ArrayList<>();
    List<String> missingSections = new ArrayList<>();
    List<LocalPolicyTargetReferenceWithSectionName> refs =
        spec == null || spec.getTargetRefs() == null ? List.of() : spec.getTargetRefs();
    for (LocalPolicyTargetReferenceWithSectionName ref : refs) {
      String group = ref.getGroup() == null ? "" : ref.getGroup();
      if (ref.getName() == null) {
        continue;
      }
      String hostname;
      Service service = null;
      Integer port = null;
      if (group.isEmpty() && "Service".equals(ref.getKind())) {
        service = ctx.get(InputKind.SERVICE, ns, ref.getName()).orElse(null);
        if (service == null) {
          continue;
        }
        if (ref.getSectionName() != null) {
          port = portNamed(service, ref.getSectionName());
          if (port == null) {
            missingSections.add(ref.getName() + "/" + ref.getSectionName());
            continue;
          }
        }
        hostname = ctx.settings().serviceHostname(ref.getName(), ns);
      } else if (InferencePool.GROUP.equals(group) && "InferencePool".equals(ref.getKind())) {
        // TLS from the proxy to the pool's model servers: the policy goes on the pool's
        // synthetic Service. Pool ports have no names, so a sectionName names nothing.
        if (ctx.get(InputKind.INFERENCE_POOL, ns, ref.getName()).isEmpty()) {
          continue;
        }
        hostname = ctx.settings().inferencePoolHostname(ref.getName(), ns);
        if (ref.getSectionName() != null) {
          missingSections.add(ref.getName() + "/" + ref.getSectionName());
          // No Policy, but the Gateways using the pool still get the policy's status.
          targets.add(new BackendTlsPolicyTranslation.Target(ns + "/" + hostname, null));
          continue;
        }
      } else {
        // Other kinds are targets we do not implement; they are left to other controllers.
        continue;
      }
      String address = ns + "/" + hostname;
      BackendTLSPolicy winner = winner(ctx, policy, ref);
      if (winner != policy) {
        lost.add(ref.getName() + (ref.getSectionName() == null ? "" : "/" + ref.getSectionName())
            + " (to " + winner.getMetadata().getName() + ")");
        targets.add(new BackendTlsPolicyTranslation.Target(address, null));
        continue;
      }
      if (service != null && isExternalName(service)) {
        // Routes inline the TLS settings into the Backend they send for an ExternalName
        // Service (see forExternalName); the policy only reports on the Gateways using it.
        targets.add(new BackendTlsPolicyTranslation.Target(address, null));
        continue;
      }
      String key = ns + "/" + name + ":backend-tls:" + address + (port == null ? "" : ":" + port);
      PolicyTarget.ServiceTarget.Builder target =
          PolicyTarget.ServiceTarget.newBuilder().setNamespace(ns).setHostname(hostname);
      if (port != null) {
        target.setPort(port);
      }
      Policy out =
          Policy.newBuilder()
              .setKey(key)
              .setName(TypedResourceName.newBuilder().setName(name).setNamespace(ns).setKind("BackendTLSPolicy"))
              .setTarget(PolicyTarget.newBuilder().setService(target))
              .setBackend(BackendPolicySpec.newBuilder().setBackendTls(tls))
              .build();
      String xdsName = "policy/" + key;
      targets.add(
          new BackendTlsPolicyTranslation.Target(
              address, XdsResource.of(xdsName, Resource.newBuilder().setPolicy(out).build())));
    }
    if (!missingSections.isEmpty()) {
      conditions.set(
          "Accepted", false, "TargetNotFound", "no port named " + String.join(", ", missingSections));
    }
    if (!lost.isEmpty()) {
      conditions.set(
          "Accepted", false, "Conflicted", "an older policy has the same target: " + String.join(", ", lost));
    }
    return new BackendTlsPolicyTranslation(
        ObjectRef.of(policy), targets, conditions.toList(), ctx.settings().controllerName());
  }

  /** The TLS settings of a policy, with its problems set on {@code conditions}. */
  private static BackendPolicySpec.BackendTLS.Builder tlsOf(
      TranslationContext ctx, BackendTLSPolicy policy, ConditionList conditions) {
    var spec = policy.getSpec();
    BackendTLSPolicyValidation validation = spec == null ? null : spec.getValidation();
    if (validation == null) {
      conditions.set("Accepted", false, "Invalid", "spec.validation is required");
      return BackendPolicySpec.BackendTLS.newBuilder();
    }
    return validationTls(ctx, policy.getMetadata().getNamespace(), validation, conditions);
  }

  /**
   * The BackendTLS settings for a Gateway API TLS validation block (of a BackendTLSPolicy or an
   * XBackend): CA bundle, SNI hostname and subject alternative names; problems are set on {@code
   * conditions} and an unusable CA bundle fails closed.
   */
  public static BackendPolicySpec.BackendTLS.Builder validationTls(
      TranslationContext ctx, String ns, BackendTLSPolicyValidation validation, ConditionList conditions) {
    BackendPolicySpec.BackendTLS.Builder tls = BackendPolicySpec.BackendTLS.newBuilder();
    caBundle(ctx, ns, validation, tls, conditions);
    if (validation.getHostname() != null && !validation.getHostname().isEmpty()) {
      tls.setHostname(validation.getHostname());
    }
    if (validation.getSubjectAltNames() != null) {
      for (SubjectAltName san : validation.getSubjectAltNames()) {
        String value = "URI".equals(san.getType()) ? san.getUri() : san.getHostname();
        if (value != null && !value.isEmpty()) {
          tls.addVerifySubjectAltNames(value);
        }
      }
    }
    return tls;
  }

  /** Whether a Service is of type ExternalName. */
  public static boolean isExternalName(Service service) {
    return service.getSpec() != null && "ExternalName".equals(service.getSpec().getType());
  }

  /**
   * The TLS settings for connections to port {@code port} of an ExternalName Service: from the
   * winning policy that targets the Service port by name, else from the winning policy that
   * targets the whole Service; empty when no policy targets it.
   */
  public static java.util.Optional<BackendPolicySpec.BackendTLS> forExternalName(
      TranslationContext ctx, Service service, int port) {
    String ns = service.getMetadata().getNamespace();
    String name = service.getMetadata().getName();
    String section = null;
    if (service.getSpec().getPorts() != null) {
      for (ServicePort p : service.getSpec().getPorts()) {
        if (p.getPort() != null && p.getPort() == port && p.getName() != null && !p.getName().isEmpty()) {
          section = p.getName();
        }
      }
    }
    for (String s : section == null ? new String[] {null} : new String[] {section, null}) {
      LocalPolicyTargetReferenceWithSectionName target = new LocalPolicyTargetReferenceWithSectionName();
      target.setGroup("");
      target.setKind("Service");
      target.setName(name);
      target.setSectionName(s);
      BackendTLSPolicy best = null;
      for (BackendTLSPolicy candidate : ctx.listInNamespace(InputKind.BACKEND_TLS_POLICY, ns)) {
        if (targets(candidate, target) && (best == null || older(candidate, best))) {
          best = candidate;
        }
      }
      if (best != null) {
        ConditionList ignored = new ConditionList(ctx.clock(), null);
        return java.util.Optional.of(tlsOf(ctx, best, ignored).build());
      }
    }
    return java.util.Optional.empty();
  }

  private static boolean targets(BackendTLSPolicy policy, LocalPolicyTargetReferenceWithSectionName target) {
    if (policy.getSpec() == null || policy.getSpec().getTargetRefs() == null) {
      return false;
    }
    for (LocalPolicyTargetReferenceWithSectionName ref : policy.getSpec().getTargetRefs()) {
      String group = ref.getGroup() == null ? "" : ref.getGroup();
      if (group.isEmpty()
          && Objects.equals(ref.getKind(), target.getKind())
          && Objects.equals(ref.getName(), target.getName())
          && Objects.equals(ref.getSectionName(), target.getSectionName())) {
        return true;
      }
    }
    return false;
  }

  /** The policy that wins a target among those in the namespace naming the same Service and section. */
  private static BackendTLSPolicy winner(
      TranslationContext ctx, BackendTLSPolicy self, LocalPolicyTargetReferenceWithSectionName target) {
    BackendTLSPolicy best = self;
    for (BackendTLSPolicy other :
        ctx.listInNamespace(InputKind.BACKEND_TLS_POLICY, self.getMetadata().getNamespace())) {
      if (other.getSpec() == null || other.getSpec().getTargetRefs() == null) {
        continue;
      }
      boolean same = false;
      String targetGroup = target.getGroup() == null ? "" : target.getGroup();
      for (LocalPolicyTargetReferenceWithSectionName ref : other.getSpec().getTargetRefs()) {
        String group = ref.getGroup() == null ? "" : ref.getGroup();
        if (group.equals(targetGroup)
            && Objects.equals(ref.getKind(), target.getKind())
            && Objects.equals(ref.getName(), target.getName())
            && Objects.equals(ref.getSectionName(), target.getSectionName())) {
          same = true;
        }
      }
      if (same && older(other, best)) {
        best = other;
      }
    }
    return best;
  }

  private static boolean older(BackendTLSPolicy a, BackendTLSPolicy b) {
    String ta = a.getMetadata().getCreationTimestamp() == null ? "" : a.getMetadata().getCreationTimestamp();
    String tb = b.getMetadata().getCreationTimestamp() == null ? "" : b.getMetadata().getCreationTimestamp();
    // RFC 3339 timestamps in UTC with whole seconds, as the API server writes them, sort as text.
    int byAge = ta.compareTo(tb);
    if (byAge != 0) {
      return byAge < 0;
    }
    return a.getMetadata().getName().compareTo(b.getMetadata().getName()) < 0;
  }

  private static Integer portNamed(Service service, String name) {
    if (service.getSpec() == null || service.getSpec().getPorts() == null) {
      return null;
    }
    for (ServicePort p : service.getSpec().getPorts()) {
      if (name.equals(p.getName())) {
        return p.getPort();
      }
    }
    return null;
  }

  /**
   * Sets the CA bundle: the system roots for {@code wellKnownCACertificates: System}, else the
   * concatenated {@code ca.crt} of every referenced ConfigMap or Secret.
   */
  private static void caBundle(
      TranslationContext ctx,
      String ns,
      BackendTLSPolicyValidation validation,
      BackendPolicySpec.BackendTLS.Builder tls,
      ConditionList conditions) {
    String wellKnown = validation.getWellKnownCACertificates();
    List<LocalObjectReference> refs =
        validation.getCaCertificateRefs() == null ? List.of() : validation.getCaCertificateRefs();
    if (wellKnown != null && !wellKnown.isEmpty()) {
      if (!"System".equals(wellKnown)) {
        conditions.set("Accepted", false, "Invalid", "wellKnownCACertificates " + wellKnown + " is not supported");
        tls.setRoot(INVALID_ROOT);
      }
      // Unset root: the proxy verifies against the system roots.
      return;
    }
    ByteArrayOutputStream bundle = new ByteArrayOutputStream();
    String reason = null;
    String message = null;
    for (LocalObjectReference ref : refs) {
      String group = ref.getGroup() == null ? "" : ref.getGroup();
      String kind = ref.getKind() == null ? "" : ref.getKind();
      byte[] pem = null;
      if (!group.isEmpty() || !("ConfigMap".equals(kind) || "Secret".equals(kind))) {
        reason = "InvalidKind";
        message = "caCertificateRef kind " + (group.isEmpty() ? "" : group + "/") + kind + " is not supported";
        continue;
      }
      if ("ConfigMap".equals(kind)) {
        ConfigMap cm = ctx.get(InputKind.CONFIG_MAP, ns, ref.getName()).orElse(null);
        String value = cm == null || cm.getData() == null ? null : cm.getData().get("ca.crt");
        pem = value == null ? null : value.getBytes(StandardCharsets.UTF_8);
        if (cm == null) {
          message = "ConfigMap " + ns + "/" + ref.getName() + " not found";
        } else if (pem == null) {
          message = "ConfigMap " + ns + "/" + ref.getName() + " has no ca.crt key";
        }
      } else {
        Secret secret = ctx.get(InputKind.SECRET, ns, ref.getName()).orElse(null);
        pem = secret == null ? null : secretValue(secret, "ca.crt");
        if (secret == null) {
          message = "Secret " + ns + "/" + ref.getName() + " not found";
        } else if (pem == null) {
          message = "Secret " + ns + "/" + ref.getName() + " has no ca.crt key";
        }
      }
      if (pem != null && !isCertificate(pem)) {
        message = kind + " " + ns + "/" + ref.getName() + " ca.crt is not a PEM certificate";
        pem = null;
      }
      if (pem == null) {
        reason = "InvalidCACertificateRef";
        continue;
      }
      if (bundle.size() > 0) {
        bundle.write('\n');
      }
      bundle.writeBytes(pem);
    }
    if (reason != null) {
      conditions.set("ResolvedRefs", false, reason, message);
    }
    if (bundle.size() == 0) {
      conditions.set(
          "Accepted", false, "NoValidCACertificate", refs.isEmpty() ? "no CA certificate is configured" : message);
      tls.setRoot(INVALID_ROOT);
    } else {
      tls.setRoot(ByteString.copyFrom(bundle.toByteArray()));
    }
  }

  private static byte[] secretValue(Secret secret, String key) {
    if (secret.getStringData() != null && secret.getStringData().get(key) != null) {
      return secret.getStringData().get(key).getBytes(StandardCharsets.UTF_8);
    }
    if (secret.getData() == null || secret.getData().get(key) == null) {
      return null;
    }
    try {
      return Base64.getMimeDecoder().decode(secret.getData().get(key));
    } catch (IllegalArgumentException e) {
      return null;
    }
  }

  private static boolean isCertificate(byte[] pem) {
    try {
      return !CertificateFactory.getInstance("X.509")
          .generateCertificates(new ByteArrayInputStream(pem))
          .isEmpty();
    } catch (java.security.cert.CertificateException | RuntimeException e) {
      return false;
    }
  }
}
