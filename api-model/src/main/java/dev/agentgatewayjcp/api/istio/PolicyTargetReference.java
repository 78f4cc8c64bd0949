package dev.agentgatewayjcp.api.istio;

/** PolicyTargetReference names the object (a Gateway or GatewayClass) a policy attaches to. */
public class PolicyTargetReference extends IstioSpecPart {
  public String group;
  public String kind;
  public String name;
  public String namespace;
}
