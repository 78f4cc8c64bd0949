package dev.agentgatewayjcp.api.istio;

import io.fabric8.kubernetes.model.annotation.Group;
import io.fabric8.kubernetes.model.annotation.Kind;
import io.fabric8.kubernetes.model.annotation.Plural;
import io.fabric8.kubernetes.model.annotation.Singular;
import io.fabric8.kubernetes.model.annotation.Version;

/**
 * RequestAuthenticationV1beta1 is the {@code v1beta1} version, read from clusters that serve only
 * that one; its schema equals v1, so it is a RequestAuthentication to the translator.
 */
@Group(AuthorizationPolicy.GROUP)
@Version(value = "v1beta1", storage = false)
@Kind("RequestAuthentication")
@Plural("requestauthentications")
@Singular("requestauthentication")
public class RequestAuthenticationV1beta1 extends RequestAuthentication {}
