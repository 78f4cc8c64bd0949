package dev.agentgatewayjcp.api.istio;

import dev.agentgatewayjcp.api.extension.ExtensionResource;

/**
 * IstioResource is the common shape of the Istio security resources: an {@link ExtensionResource}
 * whose status is Istio's shared {@link IstioStatus}.
 *
 * @param <S> the spec type
 */
public abstract class IstioResource<S> extends ExtensionResource<S, IstioStatus> {}
