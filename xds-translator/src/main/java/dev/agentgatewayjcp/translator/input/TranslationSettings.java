package dev.agentgatewayjcp.translator.input;

import java.time.Clock;
import java.util.Objects;

/**
 * TranslationSettings holds the fixed parameters of a translation: who we are, the cluster's DNS
 * suffix and identity, and the clock conditions are stamped with.
 *
 * @param controllerName the GatewayClass {@code spec.controllerName} this control plane owns
 * @param domainSuffix the cluster DNS suffix, e.g. {@code cluster.local}
 * @param clusterId the cluster id used in workload uids, e.g. {@code Kubernetes}
 * @param clock the source of condition timestamps; tests fix it
 * @param rootNamespace Istio's root namespace: security policies there apply to every namespace
 */
public record TranslationSettings(
    String controllerName, String domainSuffix, String clusterId, Clock clock, String rootNamespace) {

  public static final String DEFAULT_CONTROLLER_NAME = "agentgateway-jcp.dev/controller";
  public static final String DEFAULT_ROOT_NAMESPACE = "istio-system";

  public TranslationSettings {
    Objects.requireNonNull(controllerName, "controllerName");
    Objects.requireNonNull(domainSuffix, "domainSuffix");
    Objects.requireNonNull(clusterId, "clusterId");
    Objects.requireNonNull(clock, "clock");
    Objects.requireNonNull(rootNamespace, "rootNamespace");
  }

  /** Settings with Istio's default root namespace, {@code istio-system}. */
  public TranslationSettings(String controllerName, String domainSuffix, String clusterId, Clock clock) {
    this(controllerName, domainSuffix, clusterId, clock, DEFAULT_ROOT_NAMESPACE);
  }

  /** Our controller name, {@code cluster.local}, cluster {@code Kubernetes} and the given clock. */
  public static TranslationSettings defaults(Clock clock) {
    return new TranslationSettings(DEFAULT_CONTROLLER_NAME, "cluster.local", "Kubernetes", clock);
  }

  /** The hostname an InferencePool is published under (the Address stream's synthetic Service). */
  public String inferencePoolHostname(String name, String namespace) {
    return name + "." + namespace + ".inference." + domainSuffix;
  }

  /** Whether a hostname is inside the cluster's own DNS domain (not an external destination). */
  public boolean isClusterHostname(String hostname) {
    String h = hostname.toLowerCase(java.util.Locale.ROOT);
    return h.equals(domainSuffix) || h.endsWith("." + domainSuffix);
  }

  /** The FQDN of a Service. */
  public String serviceHostname(String name, String namespace) {
    return name + "." + namespace + ".svc." + domainSuffix;
  }
}
