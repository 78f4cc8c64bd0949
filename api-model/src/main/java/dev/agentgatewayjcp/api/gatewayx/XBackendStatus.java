package dev.agentgatewayjcp.api.gatewayx;

import com.fasterxml.jackson.databind.JsonDeserializer;
import com.fasterxml.jackson.databind.annotation.JsonDeserialize;
import dev.agentgatewayjcp.api.extension.ModelPart;
import io.fabric8.kubernetes.api.model.Condition;
import io.fabric8.kubernetes.api.model.KubernetesResource;
import java.util.List;

/**
 * XBackendStatus is an XBackend's status: one entry per parent (a Gateway whose routes use the
 * XBackend) and controller, each with its own conditions. Upstream names the Go field Ancestors
 * but serializes it as {@code parents}.
 */
// KubernetesResource (which the translator's status map needs) would otherwise make Jackson pick a
// class by kind, and a status has none: it would come back from the API server as a RawExtension.
@JsonDeserialize(using = JsonDeserializer.None.class)
public class XBackendStatus extends ModelPart implements KubernetesResource {
  public List<Parent> parents;

  /** Parent is the XBackend's status with respect to one parent, as one controller sees it. */
  public static class Parent extends ModelPart {
    public String controllerName;
    public ParentReference parentRef;
    public List<Condition> conditions;
  }

  /** ParentReference names the parent, normally a Gateway. */
  public static class ParentReference extends ModelPart {
    public String group;
    public String kind;
    public String namespace;
    public String name;
    public String sectionName;
    public Integer port;
  }
}
