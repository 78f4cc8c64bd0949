package dev.agentgatewayjcp.controller.security;

import dev.agentgatewayjcp.translator.output.GatewayKey;
import io.fabric8.kubernetes.api.model.OwnerReference;
import io.fabric8.kubernetes.api.model.ServiceAccount;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientException;
import java.util.List;

/**
 * DeployedServiceAccounts confirms that a service account was created by our deployer for the
 * Gateway: it is controlled (ownerReference with {@code controller: true}) by that Gateway, and
 * its uid is the one the token was issued for.
 *
 * <p>Without this, a Gateway named like an existing account (for example {@code default}) would
 * hand its configuration, listener keys included, to every pod running as that account.
 */
public final class DeployedServiceAccounts implements GatewayBinding {

  private final KubernetesClient client;

  public DeployedServiceAccounts(KubernetesClient client) {
    this.client = client;
  }

  @Override
  public boolean confirms(ServiceAccountIdentity account, GatewayKey gateway) throws TokenVerifier.UnavailableException {
    ServiceAccount found;
    try {
      found = client.serviceAccounts().inNamespace(account.namespace()).withName(account.name()).get();
    } catch (KubernetesClientException e) {
      throw new TokenVerifier.UnavailableException("cannot read ServiceAccount " + account + ": " + e.getMessage(), e);
    }
    if (found == null) {
      return false;
    }
    if (!account.uid().isEmpty() && !account.uid().equals(found.getMetadata().getUid())) {
      return false;
    }
    List<OwnerReference> owners = found.getMetadata().getOwnerReferences();
    return owners != null && owners.stream().anyMatch(o -> Boolean.TRUE.equals(o.getController())
        && "Gateway".equals(o.getKind())
        && o.getApiVersion() != null && o.getApiVersion().startsWith("gateway.networking.k8s.io/")
        && gateway.name().equals(o.getName()));
  }
}
