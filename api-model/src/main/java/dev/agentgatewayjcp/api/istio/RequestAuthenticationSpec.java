package dev.agentgatewayjcp.api.istio;

import java.util.List;

/** RequestAuthenticationSpec is the spec of an Istio RequestAuthentication: targets and JWT rules. */
public class RequestAuthenticationSpec extends IstioSpecPart {
  public WorkloadSelector selector;
  /** Deprecated singular form of {@link #targetRefs}. */
  public PolicyTargetReference targetRef;
  public List<PolicyTargetReference> targetRefs;
  public List<JwtRule> jwtRules;

  /** JwtRule describes one accepted token issuer, its keys and where the token is read from. */
  public static class JwtRule extends IstioSpecPart {
    public String issuer;
    public List<String> audiences;
    public String jwksUri;
    public String jwks;
    public List<JwtHeader> fromHeaders;
    public List<String> fromParams;
    public List<String> fromCookies;
    public String outputPayloadToHeader;
    public Boolean forwardOriginalToken;
    public List<ClaimToHeader> outputClaimToHeaders;
    public String timeout;
  }

  /** JwtHeader is a header a token is read from, with an optional prefix such as "Bearer ". */
  public static class JwtHeader extends IstioSpecPart {
    public String name;
    public String prefix;
  }

  /** ClaimToHeader copies a claim to a request header (not supported by agentgateway). */
  public static class ClaimToHeader extends IstioSpecPart {
    public String header;
    public String claim;
  }
}
