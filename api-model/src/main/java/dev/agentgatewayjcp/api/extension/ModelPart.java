package dev.agentgatewayjcp.api.extension;

import com.fasterxml.jackson.annotation.JsonAnyGetter;
import com.fasterxml.jackson.annotation.JsonAnySetter;
import com.fasterxml.jackson.annotation.JsonIgnore;
import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.util.Map;
import java.util.Objects;
import java.util.TreeMap;

/**
 * ModelPart is the base of every part of our own models of Kubernetes extension APIs: it keeps
 * fields the model does not declare (so they survive a round trip) and gives value equality
 * through the JSON form, which the incremental engine relies on to skip unchanged objects.
 */
@JsonInclude(JsonInclude.Include.NON_EMPTY)
public abstract class ModelPart {

  private static final ObjectMapper JSON = new ObjectMapper();

  private final Map<String, Object> unknownFields = new TreeMap<>();

  /** Fields present in the input that this model does not declare, by JSON name. */
  @JsonAnyGetter
  @JsonIgnore
  public Map<String, Object> getUnknownFields() {
    return unknownFields;
  }

  @JsonAnySetter
  public void setUnknownField(String name, Object value) {
    unknownFields.put(name, value);
  }

  @Override
  public boolean equals(Object o) {
    return o != null
        && o.getClass() == getClass()
        && JSON.valueToTree(this).equals(JSON.valueToTree(o));
  }

  @Override
  public int hashCode() {
    return Objects.hash(getClass(), JSON.valueToTree(this));
  }
}
