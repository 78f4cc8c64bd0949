package dev.agentgatewayjcp.translator.status;

import dev.agentgatewayjcp.api.gatewayx.XBackendStatus;
import dev.agentgatewayjcp.translator.output.GatewayKey;
import io.fabric8.kubernetes.api.model.Condition;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;

/**
 * XBackendStatuses builds the status of an XBackend: one {@code parents} entry per Gateway, in
 * the order given, each with our controller name and its own copy of the conditions.
 */
public final class XBackendStatuses {

  /** Upstream caps the list; entries beyond it are dropped rather than rejected by the API server. */
  public static final int MAX_PARENTS = 32;

  private static final String GATEWAY_GROUP = "gateway.networking.k8s.io";

  private XBackendStatuses() {}

  /** The status for these parent Gateways (at most {@link #MAX_PARENTS}). */
  public static XBackendStatus of(Collection<GatewayKey> gateways, List<Condition> conditions, String controllerName) {
    List<XBackendStatus.Parent> parents = new ArrayList<>();
    for (GatewayKey gw : gateways) {
      if (parents.size() == MAX_PARENTS) {
        break;
      }
      XBackendStatus.ParentReference ref = new XBackendStatus.ParentReference();
      ref.group = GATEWAY_GROUP;
      ref.kind = "Gateway";
      ref.namespace = gw.namespace();
      ref.name = gw.name();
      XBackendStatus.Parent parent = new XBackendStatus.Parent();
      parent.controllerName = controllerName;
      parent.parentRef = ref;
      parent.conditions = new ArrayList<>(conditions);
      parents.add(parent);
    }
    XBackendStatus status = new XBackendStatus();
    status.parents = parents;
    return status;
  }
}
