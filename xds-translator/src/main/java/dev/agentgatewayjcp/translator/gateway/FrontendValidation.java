package dev.agentgatewayjcp.translator.gateway;

import com.google.protobuf.ByteString;
import dev.agentgatewayjcp.api.resource.TLSConfig;
import dev.agentgatewayjcp.translator.input.InputKind;
import dev.agentgatewayjcp.translator.input.TranslationContext;
import dev.agentgatewayjcp.translator.reference.ReferenceGrants;
import io.fabric8.kubernetes.api.model.ConfigMap;
import io.fabric8.kubernetes.api.model.Secret;
import io.fabric8.kubernetes.api.model.gatewayapi.v1.FrontendTLSValidation;
import io.fabric8.kubernetes.api.model.gatewayapi.v1.Gateway;
import io.fabric8.kubernetes.api.model.gatewayapi.v1.ObjectReference;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.security.cert.CertificateFactory;
import java.util.Base64;
import java.util.List;

/**
 * FrontendValidation resolves a Gateway's {@code spec.tls.frontend} client certificate validation
 * for one listener port (the {@code perPort} entry for it, else {@code default}) into the CA
 * bundle and mTLS mode of agentgateway's listener TLSConfig.
 */
public final class FrontendValidation {

  /** The validation mode that lets clients without a valid certificate through. */
  public static final String INSECURE_FALLBACK = "AllowInsecureFallback";

  /**
   * Result is the validation of one port: nothing configured, or a CA bundle (null when every
   * reference failed) with the mode and the first problem found.
   *
   * @param root the concatenated PEM CA certificates, or null when none could be used
   * @param insecureFallback whether the mode is AllowInsecureFallback
   * @param reason the listener ResolvedRefs reason of a failed reference, or null
   * @param message the explanation of that failure
   */
  public record Result(ByteString root, boolean insecureFallback, String reason, String message) {
    /** Sets the CA bundle and mode on a listener's TLS configuration. */
    void applyTo(TLSConfig.Builder tls) {
      tls.setRoot(root);
      tls.setMtlsMode(insecureFallback ? TLSConfig.MTLSMode.ALLOW_INSECURE_FALLBACK : TLSConfig.MTLSMode.STRICT);
    }
  }

  private FrontendValidation() {}

  /** The validation configured for a port, or null when clients are not asked for certificates. */
  public static Result forPort(TranslationContext ctx, Gateway gateway, int port) {
    FrontendTLSValidation validation = configured(gateway, port);
    if (validation == null) {
      return null;
    }
    String gwNamespace = gateway.getMetadata().getNamespace();
    List<ObjectReference> refs =
        validation.getCaCertificateRefs() == null ? List.of() : validation.getCaCertificateRefs();
    ByteArrayOutputStream bundle = new ByteArrayOutputStream();
    String reason = null;
    String message = null;
    for (ObjectReference ref : refs) {
      String group = ref.getGroup() == null ? "" : ref.getGroup();
      String kind = ref.getKind() == null ? "" : ref.getKind();
      String ns = ref.getNamespace() == null || ref.getNamespace().isEmpty() ? gwNamespace : ref.getNamespace();
      String what = kind + " " + ns + "/" + ref.getName();
      byte[] pem;
      if (!group.isEmpty() || !("ConfigMap".equals(kind) || "Secret".equals(kind))) {
        reason = reason == null ? "InvalidCACertificateKind" : reason;
        message = message == null
            ? "caCertificateRef kind " + (group.isEmpty() ? "" : group + "/") + kind + " is not supported; use a ConfigMap or Secret"
            : message;
        continue;
      }
      if (!ReferenceGrants.allows(ctx, "Gateway", gwNamespace, "", kind, ns, ref.getName())) {
        reason = reason == null ? "RefNotPermitted" : reason;
        message = message == null ? "caCertificateRef to " + what + " is not permitted by any ReferenceGrant" : message;
        continue;
      }
      String problem;
      if ("ConfigMap".equals(kind)) {
        ConfigMap cm = ctx.get(InputKind.CONFIG_MAP, ns, ref.getName()).orElse(null);
        String value = cm == null || cm.getData() == null ? null : cm.getData().get("ca.crt");
        pem = value == null ? null : value.getBytes(StandardCharsets.UTF_8);
        problem = cm == null ? what + " not found" : what + " has no ca.crt key";
      } else {
        Secret secret = ctx.get(InputKind.SECRET, ns, ref.getName()).orElse(null);
        pem = secret == null ? null : secretValue(secret, "ca.crt");
        problem = secret == null ? what + " not found" : what + " has no ca.crt key";
      }
      if (pem != null && !isCertificate(pem)) {
        pem = null;
        problem = what + " ca.crt is not a PEM certificate";
      }
      if (pem == null) {
        reason = reason == null ? "InvalidCACertificateRef" : reason;
        message = message == null ? problem : message;
        continue;
      }
      if (bundle.size() > 0) {
        bundle.write('\n');
      }
      bundle.writeBytes(pem);
    }
    if (refs.isEmpty()) {
      reason = "InvalidCACertificateRef";
      message = "frontend validation has no caCertificateRefs";
    }
    return new Result(
        bundle.size() == 0 ? null : ByteString.copyFrom(bundle.toByteArray()),
        INSECURE_FALLBACK.equals(validation.getMode()),
        reason,
        message);
  }

  /** Whether any frontend validation of the Gateway (default or per port) falls back insecurely. */
  public static boolean anyInsecureFallback(Gateway gateway) {
    var tls = gateway.getSpec().getTls();
    var frontend = tls == null ? null : tls.getFrontend();
    if (frontend == null) {
      return false;
    }
    if (frontend.getDefault() != null
        && frontend.getDefault().getValidation() != null
        && INSECURE_FALLBACK.equals(frontend.getDefault().getValidation().getMode())) {
      return true;
    }
    if (frontend.getPerPort() != null) {
      for (var p : frontend.getPerPort()) {
        if (p != null && p.getTls() != null && p.getTls().getValidation() != null
            && INSECURE_FALLBACK.equals(p.getTls().getValidation().getMode())) {
          return true;
        }
      }
    }
    return false;
  }

  private static FrontendTLSValidation configured(Gateway gateway, int port) {
    var tls = gateway.getSpec().getTls();
    var frontend = tls == null ? null : tls.getFrontend();
    if (frontend == null) {
      return null;
    }
    if (frontend.getPerPort() != null) {
      for (var p : frontend.getPerPort()) {
        if (p != null && p.getPort() != null && p.getPort() == port) {
          // A per-port entry replaces the default for its port, even without validation.
          return p.getTls() == null ? null : p.getTls().getValidation();
        }
      }
    }
    return frontend.getDefault() == null ? null : frontend.getDefault().getValidation();
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
      return !CertificateFactory.getInstance("X.509").generateCertificates(new ByteArrayInputStream(pem)).isEmpty();
    } catch (java.security.cert.CertificateException | RuntimeException e) {
      return false;
    }
  }
}
