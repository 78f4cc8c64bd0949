package dev.agentgatewayjcp.api.extension;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonPropertyOrder;
import com.fasterxml.jackson.databind.JsonDeserializer;
import com.fasterxml.jackson.databind.annotation.JsonDeserialize;
import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.Namespaced;
import io.fabric8.kubernetes.api.model.ObjectMeta;
import java.util.Objects;

/**
 * ExtensionResource is the common shape of the namespaced APIs fabric8 has no model for (Istio's
 * security resources, XBackend, InferencePool): metadata, a spec and a status. It implements
 * {@link HasMetadata} directly, without the client's CustomResource base, so that the translator
 * stays free of the Kubernetes client.
 *
 * @param <S> the spec type
 * @param <T> the status type
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
// Stops the KubernetesResource deserializer (which picks a class by kind) from recursing.
@JsonDeserialize(using = JsonDeserializer.None.class)
@JsonPropertyOrder({"apiVersion", "kind", "metadata", "spec", "status"})
public abstract class ExtensionResource<S, T> implements HasMetadata, Namespaced {

  private String apiVersion;
  private String kind;
  private ObjectMeta metadata = new ObjectMeta();
  private S spec;
  private T status;

  protected ExtensionResource() {
    this.apiVersion = HasMetadata.getApiVersion(getClass());
    this.kind = HasMetadata.getKind(getClass());
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

  public S getSpec() {
    return spec;
  }

  public void setSpec(S spec) {
    this.spec = spec;
  }

  public T getStatus() {
    return status;
  }

  public void setStatus(T status) {
    this.status = status;
  }

  @Override
  public boolean equals(Object o) {
    return o instanceof ExtensionResource<?, ?> other
        && getClass() == other.getClass()
        && Objects.equals(apiVersion, other.apiVersion)
        && Objects.equals(kind, other.kind)
        && Objects.equals(metadata, other.metadata)
        && Objects.equals(spec, other.spec)
        && Objects.equals(status, other.status);
  }

  @Override
  public int hashCode() {
    return Objects.hash(apiVersion, kind, metadata, spec);
  }

  @Override
  public String toString() {
    return kind + "/" + metadata.getNamespace() + "/" + metadata.getName();
  }
}
