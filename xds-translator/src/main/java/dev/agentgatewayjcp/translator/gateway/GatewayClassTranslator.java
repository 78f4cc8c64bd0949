package dev.agentgatewayjcp.translator.gateway;

import dev.agentgatewayjcp.translator.input.TranslationContext;
import dev.agentgatewayjcp.translator.status.ConditionList;
import io.fabric8.kubernetes.api.model.gatewayapi.v1.GatewayClass;
import io.fabric8.kubernetes.api.model.gatewayapi.v1.GatewayClassStatus;
import io.fabric8.kubernetes.api.model.gatewayapi.v1.SupportedFeature;
import java.util.ArrayList;
import java.util.List;

/** GatewayClassTranslator computes the status of the GatewayClasses that name our controller. */
public final class GatewayClassTranslator {

  /**
   * The Gateway API features this translator implements, sorted by name as the API requires.
   * Conformance runs read this list, so it names only what is translated and tested.
   */
  public static final List<String> SUPPORTED_FEATURES =
      List.of(
          "BackendTLSPolicy",
          "BackendTLSPolicySANValidation",
          "GRPCRoute",
          "GRPCRouteNamedRouteRule",
          "Gateway",
          "GatewayAddressEmpty",
          "GatewayBackendClientCertificate",
          "GatewayFrontendClientCertificateValidation",
          "GatewayFrontendClientCertificateValidationInsecureFallback",
          "GatewayHTTPListenerIsolation",
          "GatewayHTTPSListenerDetectMisdirectedRequests",
          "GatewayInfrastructure",
          "GatewayPort8080",
          "GatewayStaticAddresses",
          "HTTPRoute",
          "HTTPRoute303RedirectStatusCode",
          "HTTPRoute307RedirectStatusCode",
          "HTTPRoute308RedirectStatusCode",
          "HTTPRouteBackendProtocolH2C",
          "HTTPRouteBackendProtocolWebSocket",
          "HTTPRouteBackendRequestHeaderModification",
          "HTTPRouteBackendTimeout",
          "HTTPRouteCORS",
          "HTTPRouteDestinationPortMatching",
          "HTTPRouteHostRewrite",
          "HTTPRouteMethodMatching",
          "HTTPRouteNamedRouteRule",
          "HTTPRouteParentRefPort",
          "HTTPRoutePathRedirect",
          "HTTPRoutePathRewrite",
          "HTTPRoutePortRedirect",
          "HTTPRouteQueryParamMatching",
          "HTTPRouteRequestMirror",
          "HTTPRouteRequestMultipleMirrors",
          "HTTPRouteRequestPercentageMirror",
          "HTTPRouteRequestTimeout",
          "HTTPRouteResponseHeaderModification",
          "HTTPRouteRetry",
          "HTTPRouteSchemeRedirect",
          "ListenerSet",
          "ReferenceGrant",
          "TCPRoute",
          "TLSRoute",
          "TLSRouteModeMixed",
          "TLSRouteModeTerminate");

  private GatewayClassTranslator() {}

  /** Whether a class is handled by this controller. */
  public static boolean isOurs(TranslationContext ctx, GatewayClass gatewayClass) {
    return gatewayClass.getSpec() != null
        && ctx.settings().controllerName().equals(gatewayClass.getSpec().getControllerName());
  }

  /** The desired status of one of our classes. */
  public static GatewayClassStatus status(TranslationContext ctx, GatewayClass gatewayClass) {
    ConditionList conditions =
        new ConditionList(ctx.clock(), gatewayClass.getMetadata().getGeneration());
    conditions.set("Accepted", true, "Accepted", "Handled by " + ctx.settings().controllerName());
    GatewayClassStatus status = new GatewayClassStatus();
    status.setConditions(conditions.toList());
    List<SupportedFeature> features = new ArrayList<>();
    for (String name : SUPPORTED_FEATURES) {
      SupportedFeature f = new SupportedFeature();
      f.setName(name);
      features.add(f);
    }
    status.setSupportedFeatures(features);
    return status;
  }
}
