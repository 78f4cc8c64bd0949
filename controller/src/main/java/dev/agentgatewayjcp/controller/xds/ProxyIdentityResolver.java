package dev.agentgatewayjcp.controller.xds;

import com.google.protobuf.Struct;
import com.google.protobuf.Value;
import dev.agentgatewayjcp.api.discovery.Node;
import dev.agentgatewayjcp.translator.output.GatewayKey;
import java.util.Optional;

/**
 * ProxyIdentityResolver maps an xDS node to the Gateway whose configuration that proxy receives.
 *
 * <p>agentgateway sends {@code role = <namespace>~<gateway>} and, separately, {@code
 * GATEWAY_NAME} and {@code NAMESPACE}; {@code role} wins because agentgateway's own controller
 * reads only that.
 */
public final class ProxyIdentityResolver {

  /** Returns the identity, or empty when the node names no Gateway. */
  public Optional<ProxyIdentity> resolve(Node node) {
    Struct metadata = node.getMetadata();
    String role = string(metadata, "role");
    GatewayKey gateway = null;
    int tilde = role.indexOf('~');
    if (tilde > 0 && tilde < role.length() - 1 && role.indexOf('~', tilde + 1) < 0) {
      gateway = new GatewayKey(role.substring(0, tilde), role.substring(tilde + 1));
    } else {
      String namespace = string(metadata, "NAMESPACE");
      String name = string(metadata, "GATEWAY_NAME");
      if (!namespace.isEmpty() && !name.isEmpty()) {
        gateway = new GatewayKey(namespace, name);
      }
    }
    if (gateway == null) {
      return Optional.empty();
    }
    return Optional.of(
        new ProxyIdentity(
            gateway, node.getId(), string(metadata, "NAME"), string(metadata, "INSTANCE_IPS")));
  }

  private static String string(Struct metadata, String key) {
    Value value = metadata.getFieldsOrDefault(key, Value.getDefaultInstance());
    return value.hasStringValue() ? value.getStringValue() : "";
  }
}
