package dev.agentgatewayjcp.translator.reference;

import dev.agentgatewayjcp.translator.input.InputKind;
import dev.agentgatewayjcp.translator.input.TranslationContext;
import io.fabric8.kubernetes.api.model.gatewayapi.v1.ReferenceGrant;
import io.fabric8.kubernetes.api.model.gatewayapi.v1.ReferenceGrantFrom;
import io.fabric8.kubernetes.api.model.gatewayapi.v1.ReferenceGrantTo;
import java.util.Objects;

/**
 * ReferenceGrants decides whether a cross-namespace reference is permitted by a ReferenceGrant in
 * the target's namespace.
 */
public final class ReferenceGrants {

  /** The Gateway API group, as it appears in ReferenceGrant {@code from} entries. */
  public static final String GATEWAY_GROUP = "gateway.networking.k8s.io";

  private ReferenceGrants() {}

  /**
   * Whether an object of {@code fromKind} in {@code fromNamespace} may reference the object
   * {@code toGroup/toKind toNamespace/toName}. Same-namespace references are always allowed.
   */
  public static boolean allows(
      TranslationContext ctx,
      String fromKind,
      String fromNamespace,
      String toGroup,
      String toKind,
      String toNamespace,
      String toName) {
    return allows(ctx, GATEWAY_GROUP, fromKind, fromNamespace, toGroup, toKind, toNamespace, toName);
  }

  /** As {@link #allows}, for a referring object of another group (an XBackend, say). */
  public static boolean allows(
      TranslationContext ctx,
      String fromGroup,
      String fromKind,
      String fromNamespace,
      String toGroup,
      String toKind,
      String toNamespace,
      String toName) {
    if (Objects.equals(fromNamespace, toNamespace)) {
      return true;
    }
    for (ReferenceGrant grant : ctx.listInNamespace(InputKind.REFERENCE_GRANT, toNamespace)) {
      if (grant.getSpec() == null
          || grant.getSpec().getFrom() == null
          || grant.getSpec().getTo() == null) {
        continue;
      }
      boolean fromMatches = false;
      for (ReferenceGrantFrom from : grant.getSpec().getFrom()) {
        if (fromGroup.equals(from.getGroup())
            && fromKind.equals(from.getKind())
            && fromNamespace.equals(from.getNamespace())) {
          fromMatches = true;
          break;
        }
      }
      if (!fromMatches) {
        continue;
      }
      for (ReferenceGrantTo to : grant.getSpec().getTo()) {
        if (nullToEmpty(toGroup).equals(nullToEmpty(to.getGroup()))
            && toKind.equals(to.getKind())
            && (to.getName() == null || to.getName().isEmpty() || to.getName().equals(toName))) {
          return true;
        }
      }
    }
    return false;
  }

  private static String nullToEmpty(String s) {
    return s == null ? "" : s;
  }
}
