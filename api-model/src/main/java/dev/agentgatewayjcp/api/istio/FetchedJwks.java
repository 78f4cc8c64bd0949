package dev.agentgatewayjcp.api.istio;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.databind.JsonDeserializer;
import com.fasterxml.jackson.databind.annotation.JsonDeserialize;
import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.ObjectMeta;
import io.fabric8.kubernetes.model.annotation.Group;
import io.fabric8.kubernetes.model.annotation.Kind;
import io.fabric8.kubernetes.model.annotation.Version;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.Objects;

/**
 * FetchedJwks is an in-memory input (never stored in a cluster) holding the key set the controller
 * fetched for one {@code jwksUri} or issuer: the translator reads keys only through it, so that it
 * stays free of I/O. It is cluster-scoped and named by {@link #nameFor(String)}.
 */
@Group("internal.agentgateway-jcp.dev")
@Version("v1")
@Kind("FetchedJwks")
@JsonInclude(JsonInclude.Include.NON_NULL)
// Stops the KubernetesResource deserializer (which picks a class by kind) from recursing.
@JsonDeserialize(using = JsonDeserializer.None.class)
public class FetchedJwks implements HasMetadata {

  private String apiVersion = HasMetadata.getApiVersion(FetchedJwks.class);
  private String kind = HasMetadata.getKind(FetchedJwks.class);
  private ObjectMeta metadata = new ObjectMeta();
  /** The source: {@code jwks:<uri>} or {@code issuer:<issuer>} (OIDC discovery). */
  public String source;
  /** The last good key set (JSON), or null if none was ever fetched. */
  public String jwks;
  /** Why the latest fetch failed, or null after a success. */
  public String error;

  /** The object name for a source: a hash, since URIs are not valid names. */
  public static String nameFor(String source) {
    try {
      byte[] digest =
          MessageDigest.getInstance("SHA-256").digest(source.getBytes(StandardCharsets.UTF_8));
      return "jwks-" + HexFormat.of().formatHex(digest, 0, 16);
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException("every JVM provides SHA-256", e);
    }
  }

  /**
   * The source a rule's keys are fetched from: {@code jwks:<jwksUri>}, or {@code issuer:<issuer>}
   * when the rule has neither keys nor a URI (OIDC discovery); null when the keys are inline or
   * the rule names no issuer. The translator and the controller's fetcher both use it, so they
   * agree on names.
   */
  public static String sourceFor(RequestAuthenticationSpec.JwtRule rule) {
    if (rule == null || (rule.jwks != null && !rule.jwks.isEmpty())) {
      return null;
    }
    if (rule.jwksUri != null && !rule.jwksUri.isEmpty()) {
      return "jwks:" + rule.jwksUri;
    }
    if (rule.issuer == null || rule.issuer.isEmpty()) {
      return null;
    }
    return "issuer:" + rule.issuer;
  }

  /** A FetchedJwks for a source with its keys (or null) and error (or null). */
  public static FetchedJwks of(String source, String jwks, String error) {
    FetchedJwks f = new FetchedJwks();
    f.metadata.setName(nameFor(source));
    f.source = source;
    f.jwks = jwks;
    f.error = error;
    return f;
  }

  @Override
  public String getApiVersion() {
    return apiVersion;
  }

  @Override
  public void setApiVersion(String apiVersion) {
    this.apiVersion = apiVersion;
  }

  @Override
  public String getKind() {
    return kind;
  }

  public void setKind(String kind) {
    this.kind = kind;
  }

  @Override
  public ObjectMeta getMetadata() {
    return metadata;
  }

  @Override
  public void setMetadata(ObjectMeta metadata) {
    this.metadata = metadata;
  }

  @Override
  public boolean equals(Object o) {
    return o instanceof FetchedJwks other
        && Objects.equals(metadata.getName(), other.metadata.getName())
        && Objects.equals(source, other.source)
        && Objects.equals(jwks, other.jwks)
        && Objects.equals(error, other.error);
  }

  @Override
  public int hashCode() {
    return Objects.hash(source, jwks, error);
  }
}
