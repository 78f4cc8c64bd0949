package dev.agentgatewayjcp.api.istio;

import io.fabric8.kubernetes.model.annotation.Group;
import io.fabric8.kubernetes.model.annotation.Kind;
import io.fabric8.kubernetes.model.annotation.Plural;
import io.fabric8.kubernetes.model.annotation.Singular;
import io.fabric8.kubernetes.model.annotation.Version;

/** RequestAuthentication is Istio's {@code security.istio.io/v1} RequestAuthentication. */
@Group(AuthorizationPolicy.GROUP)
@Version("v1")
@Kind("RequestAuthentication")
@Plural("requestauthentications")
@Singular("requestauthentication")
public class RequestAuthentication extends IstioResource<RequestAuthenticationSpec> {}
