package dev.agentgatewayjcp.api.gatewayx;

import dev.agentgatewayjcp.api.extension.ExtensionResource;
import io.fabric8.kubernetes.model.annotation.Group;
import io.fabric8.kubernetes.model.annotation.Kind;
import io.fabric8.kubernetes.model.annotation.Plural;
import io.fabric8.kubernetes.model.annotation.Singular;
import io.fabric8.kubernetes.model.annotation.Version;

/**
 * XBackend is Gateway API's experimental {@code gateway.networking.x-k8s.io/v1alpha1} XBackend
 * (GEP-4894): a destination outside the cluster, reached by hostname, with its own TLS settings.
 */
@Group(XBackend.GROUP)
@Version("v1alpha1")
@Kind("XBackend")
@Plural("xbackends")
@Singular("xbackend")
public class XBackend extends ExtensionResource<XBackendSpec, XBackendStatus> {
  public static final String GROUP = "gateway.networking.x-k8s.io";
}
