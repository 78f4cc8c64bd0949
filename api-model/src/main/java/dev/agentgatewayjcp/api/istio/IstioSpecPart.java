package dev.agentgatewayjcp.api.istio;

import com.fasterxml.jackson.annotation.JsonInclude;
import dev.agentgatewayjcp.api.extension.ModelPart;

/**
 * IstioSpecPart is the base of every part of an Istio security spec: a {@link ModelPart} whose
 * unknown fields make the translator reject a policy rather than apply half of it.
 */
@JsonInclude(JsonInclude.Include.NON_EMPTY)
public abstract class IstioSpecPart extends ModelPart {}
