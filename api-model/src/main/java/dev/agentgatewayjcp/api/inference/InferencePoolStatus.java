package dev.agentgatewayjcp.api.inference;

import dev.agentgatewayjcp.api.extension.ModelPart;
import io.fabric8.kubernetes.api.model.Condition;
import io.fabric8.kubernetes.api.model.KubernetesResource;
import java.util.List;

/** InferencePoolStatus holds one entry per parent Gateway, each with its own conditions. */
public class InferencePoolStatus extends ModelPart implements KubernetesResource {
  public List<Parent> parents;

  /** Parent is the pool's status with respect to one Gateway. */
  public static class Parent extends ModelPart {
    public List<Condition> conditions;
    public ParentReference parentRef;
    public String controllerName;
  }

  /** ParentReference names the parent, normally a Gateway. */
  public static class ParentReference extends ModelPart {
    public String group;
    public String kind;
    public String name;
    public String namespace;
  }
}
