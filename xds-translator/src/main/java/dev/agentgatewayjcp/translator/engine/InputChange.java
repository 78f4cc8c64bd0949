package dev.agentgatewayjcp.translator.engine;

import dev.agentgatewayjcp.translator.input.ObjectRef;
import dev.agentgatewayjcp.translator.input.YamlInputs;
import io.fabric8.kubernetes.api.model.HasMetadata;
import java.util.Objects;

/**
 * InputChange is one create, update or delete of an input object.
 *
 * @param ref the object's reference
 * @param object the new object, or null for a delete
 */
public record InputChange(ObjectRef ref, HasMetadata object) {

  public InputChange {
    Objects.requireNonNull(ref, "ref");
  }

  /** A create or an update; Gateway API v1beta1 objects are converted to v1. */
  public static InputChange upsert(HasMetadata object) {
    HasMetadata v1 = YamlInputs.toV1(object);
    return new InputChange(ObjectRef.of(v1), v1);
  }

  /** A delete. */
  public static InputChange delete(ObjectRef ref) {
    return new InputChange(ref, null);
  }

  public boolean isDelete() {
    return object == null;
  }
}
