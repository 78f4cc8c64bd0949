package dev.agentgatewayjcp.translator.gateway;

import com.google.protobuf.ByteString;
import dev.agentgatewayjcp.translator.input.InputKind;
import dev.agentgatewayjcp.translator.input.TranslationContext;
import dev.agentgatewayjcp.translator.reference.ReferenceGrants;
import io.fabric8.kubernetes.api.model.Secret;
import io.fabric8.kubernetes.api.model.gatewayapi.v1.SecretObjectReference;
import java.io.ByteArrayInputStream;
import java.nio.charset.StandardCharsets;
import java.security.cert.CertificateException;
import java.security.cert.CertificateFactory;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * CertificateResolver turns a listener's {@code certificateRefs} into PEM certificate and key
 * bytes, or into the listener condition reason that explains why it cannot.
 */
public final class CertificateResolver {

  private static final Pattern PEM_KEY =
      Pattern.compile(
          "-----BEGIN ([A-Z ]*)PRIVATE KEY-----\\s*([A-Za-z0-9+/=\\s]+?)\\s*-----END \\1PRIVATE KEY-----");

  /**
   * Resolved holds either PEM material or a failure.
   *
   * @param cert the PEM certificate chain, or null on failure
   * @param key the PEM private key, or null on failure
   * @param reason on failure, the listener ResolvedRefs reason
   * @param message on failure, a human readable explanation
   */
  public record Resolved(ByteString cert, ByteString key, String reason, String message) {
    public boolean ok() {
      return reason == null;
    }

    static Resolved failure(String reason, String message) {
      return new Resolved(null, null, reason, message);
    }
  }

  private CertificateResolver() {}

  /** Resolves the certificate of a listener owned by a Gateway in {@code ownerNamespace}. */
  public static Resolved resolve(
      TranslationContext ctx, String ownerNamespace, List<SecretObjectReference> refs) {
    return resolve(ctx, "Gateway", ownerNamespace, refs);
  }

  /**
   * Resolves the certificate of a listener owned by a {@code ownerKind} (Gateway or ListenerSet,
   * the kind a ReferenceGrant must name) in {@code ownerNamespace}.
   */
  public static Resolved resolve(
      TranslationContext ctx, String ownerKind, String ownerNamespace, List<SecretObjectReference> refs) {
    if (refs == null || refs.size() != 1) {
      return Resolved.failure(
          "InvalidCertificateRef",
          "exactly one certificateRef is supported, found " + (refs == null ? 0 : refs.size()));
    }
    SecretObjectReference ref = refs.get(0);
    String group = ref.getGroup() == null ? "" : ref.getGroup();
    String kind = ref.getKind() == null ? "Secret" : ref.getKind();
    if (!group.isEmpty() || !"Secret".equals(kind)) {
      return Resolved.failure(
          "InvalidCertificateRef",
          "unsupported certificateRef kind " + (group.isEmpty() ? "" : group + "/") + kind);
    }
    String namespace = ref.getNamespace() == null ? ownerNamespace : ref.getNamespace();
    if (!ReferenceGrants.allows(
        ctx, ownerKind, ownerNamespace, "", "Secret", namespace, ref.getName())) {
      return Resolved.failure(
          "RefNotPermitted",
          "certificateRef to Secret "
              + namespace
              + "/"
              + ref.getName()
              + " is not permitted by any ReferenceGrant");
    }
    Secret secret = ctx.get(InputKind.SECRET, namespace, ref.getName()).orElse(null);
    if (secret == null) {
      return Resolved.failure(
          "InvalidCertificateRef", "Secret " + namespace + "/" + ref.getName() + " not found");
    }
    Map<String, String> data = secret.getData() == null ? Map.of() : secret.getData();
    Map<String, String> plain = secret.getStringData() == null ? Map.of() : secret.getStringData();
    byte[] cert = value(data, plain, "tls.crt");
    byte[] key = value(data, plain, "tls.key");
    if (cert == null || key == null) {
      TreeSet<String> found = new TreeSet<>(data.keySet());
      found.addAll(plain.keySet());
      return Resolved.failure(
          "InvalidCertificateRef",
          "Secret "
              + namespace
              + "/"
              + ref.getName()
              + " has no non-empty tls.crt and tls.key; found keys "
              + found);
    }
    if (!isCertificateChain(cert) || !isPrivateKey(key)) {
      return Resolved.failure(
          "InvalidCertificateRef",
          "Secret " + namespace + "/" + ref.getName() + " holds a malformed certificate or key");
    }
    return new Resolved(ByteString.copyFrom(cert), ByteString.copyFrom(key), null, null);
  }

  private static byte[] value(Map<String, String> data, Map<String, String> plain, String key) {
    String v = plain.get(key);
    if (v != null && !v.isEmpty()) {
      return v.getBytes(StandardCharsets.UTF_8);
    }
    String encoded = data.get(key);
    if (encoded == null || encoded.isEmpty()) {
      return null;
    }
    try {
      byte[] decoded = Base64.getMimeDecoder().decode(encoded);
      return decoded.length == 0 ? null : decoded;
    } catch (IllegalArgumentException e) {
      return null;
    }
  }

  private static boolean isCertificateChain(byte[] pem) {
    try {
      return !CertificateFactory.getInstance("X.509")
          .generateCertificates(new ByteArrayInputStream(pem))
          .isEmpty();
    } catch (CertificateException | RuntimeException e) {
      return false;
    }
  }

  private static boolean isPrivateKey(byte[] pem) {
    // The proxy parses the key; we only reject what is certainly not a PEM private key.
    Matcher m = PEM_KEY.matcher(new String(pem, StandardCharsets.US_ASCII));
    if (!m.find()) {
      return false;
    }
    try {
      return Base64.getMimeDecoder().decode(m.group(2)).length > 0;
    } catch (IllegalArgumentException e) {
      return false;
    }
  }
}
