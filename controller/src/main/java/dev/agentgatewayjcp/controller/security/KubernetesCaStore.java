package dev.agentgatewayjcp.controller.security;

import io.fabric8.kubernetes.api.model.Secret;
import io.fabric8.kubernetes.api.model.SecretBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientException;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.util.Base64;
import java.util.Map;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * KubernetesCaStore keeps the xDS CA in a Secret of the controller's namespace, with keys
 * {@code ca.crt} and {@code ca.key}.
 *
 * <p>Replicas that start together race to create it; the API server lets exactly one create
 * succeed, and the others read the winner's Secret after their 409.
 */
public final class KubernetesCaStore implements CaStore {

  private static final Logger LOG = LoggerFactory.getLogger(KubernetesCaStore.class);
  public static final String CERT_KEY = "ca.crt";
  public static final String KEY_KEY = "ca.key";

  private final KubernetesClient client;
  private final String namespace;
  private final String name;
  private final Clock clock;

  public KubernetesCaStore(KubernetesClient client, String namespace, String name, Clock clock) {
    this.client = client;
    this.namespace = namespace;
    this.name = name;
    this.clock = clock;
  }

  @Override
  public CertificateAuthority loadOrCreate() {
    Secret existing = client.secrets().inNamespace(namespace).withName(name).get();
    if (existing != null) {
      return parse(existing);
    }
    CertificateAuthority generated = CertificateAuthority.generate("agentgateway-jcp xDS CA", clock);
    Secret secret = new SecretBuilder()
        .withNewMetadata().withName(name).withNamespace(namespace)
        .withLabels(Map.of("app.kubernetes.io/managed-by", "agentgateway-jcp"))
        .endMetadata()
        .withType("Opaque")
        .withData(Map.of(
            CERT_KEY, base64(generated.certificatePem()),
            KEY_KEY, base64(generated.privateKeyPem())))
        .build();
    try {
      client.secrets().inNamespace(namespace).resource(secret).create();
      LOG.info("created the xDS CA in Secret {}/{}", namespace, name);
      return generated;
    } catch (KubernetesClientException e) {
      if (e.getCode() != 409) {
        throw e;
      }
      // Another replica stored its CA first: use that one, so every replica serves one chain.
      Secret winner = client.secrets().inNamespace(namespace).withName(name).get();
      if (winner == null) {
        throw new IllegalStateException("Secret " + namespace + "/" + name + " was created and deleted concurrently", e);
      }
      return parse(winner);
    }
  }

  private CertificateAuthority parse(Secret secret) {
    Map<String, String> data = secret.getData();
    if (data == null || !data.containsKey(CERT_KEY) || !data.containsKey(KEY_KEY)) {
      throw new IllegalStateException("Secret " + namespace + "/" + name + " must hold " + CERT_KEY + " and " + KEY_KEY);
    }
    try {
      return CertificateAuthority.fromPem(decode(data.get(CERT_KEY)), decode(data.get(KEY_KEY)));
    } catch (IllegalArgumentException e) {
      throw new IllegalStateException("Secret " + namespace + "/" + name + " does not hold a usable CA: " + e.getMessage(), e);
    }
  }

  private static String base64(String text) {
    return Base64.getEncoder().encodeToString(text.getBytes(StandardCharsets.US_ASCII));
  }

  private static String decode(String base64) {
    return new String(Base64.getDecoder().decode(base64), StandardCharsets.US_ASCII);
  }
}
