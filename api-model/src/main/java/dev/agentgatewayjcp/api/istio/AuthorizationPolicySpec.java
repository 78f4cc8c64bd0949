package dev.agentgatewayjcp.api.istio;

import java.util.List;

/** AuthorizationPolicySpec is the spec of an Istio AuthorizationPolicy: targets, action and rules. */
public class AuthorizationPolicySpec extends IstioSpecPart {
  public WorkloadSelector selector;
  /** Deprecated singular form of {@link #targetRefs}. */
  public PolicyTargetReference targetRef;
  public List<PolicyTargetReference> targetRefs;
  public List<Rule> rules;
  /** ALLOW (the default when absent), DENY, AUDIT or CUSTOM. */
  public String action;
  /** The extension provider of a CUSTOM policy. */
  public ExtensionProvider provider;

  /** ExtensionProvider names the external authorizer of a CUSTOM policy. */
  public static class ExtensionProvider extends IstioSpecPart {
    public String name;
  }

  /** Rule matches a request when its from, to and when parts all match. */
  public static class Rule extends IstioSpecPart {
    public List<From> from;
    public List<To> to;
    public List<Condition> when;
  }

  /** From holds one source; a rule's from matches when any of its sources does. */
  public static class From extends IstioSpecPart {
    public Source source;
  }

  /** To holds one operation; a rule's to matches when any of its operations does. */
  public static class To extends IstioSpecPart {
    public Operation operation;
  }

  /** Source describes request origins; every set field must match. */
  public static class Source extends IstioSpecPart {
    public List<String> principals;
    public List<String> notPrincipals;
    public List<String> requestPrincipals;
    public List<String> notRequestPrincipals;
    public List<String> namespaces;
    public List<String> notNamespaces;
    public List<String> ipBlocks;
    public List<String> notIpBlocks;
    public List<String> remoteIpBlocks;
    public List<String> notRemoteIpBlocks;
  }

  /** Operation describes what a request asks for; every set field must match. */
  public static class Operation extends IstioSpecPart {
    public List<String> hosts;
    public List<String> notHosts;
    public List<String> ports;
    public List<String> notPorts;
    public List<String> methods;
    public List<String> notMethods;
    public List<String> paths;
    public List<String> notPaths;
  }

  /** Condition matches one request attribute, by key, against values and notValues. */
  public static class Condition extends IstioSpecPart {
    public String key;
    public List<String> values;
    public List<String> notValues;
  }
}
