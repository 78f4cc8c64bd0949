package dev.agentgatewayjcp.api.istio;

import io.fabric8.kubernetes.model.annotation.Group;
import io.fabric8.kubernetes.model.annotation.Kind;
import io.fabric8.kubernetes.model.annotation.Plural;
import io.fabric8.kubernetes.model.annotation.Singular;
import io.fabric8.kubernetes.model.annotation.Version;

/** AuthorizationPolicy is Istio's {@code security.istio.io/v1} AuthorizationPolicy. */
@Group(AuthorizationPolicy.GROUP)
@Version("v1")
@Kind("AuthorizationPolicy")
@Plural("authorizationpolicies")
@Singular("authorizationpolicy")
public class AuthorizationPolicy extends IstioResource<AuthorizationPolicySpec> {
  public static final String GROUP = "security.istio.io";
}
