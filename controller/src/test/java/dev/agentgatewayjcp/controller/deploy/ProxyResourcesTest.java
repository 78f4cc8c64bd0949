package dev.agentgatewayjcp.controller.deploy;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.agentgatewayjcp.translator.input.YamlInputs;
import io.fabric8.kubernetes.api.model.ConfigMap;
import io.fabric8.kubernetes.api.model.ConfigMapBuilder;
import io.fabric8.kubernetes.api.model.EnvVar;
import io.fabric8.kubernetes.api.model.ServicePort;
import io.fabric8.kubernetes.api.model.gatewayapi.v1.Gateway;
import java.util.Map;
import org.junit.jupiter.api.Test;

class ProxyResourcesTest {

  private static final ProxyDeploymentSettings SETTINGS = new ProxyDeploymentSettings(
      ProxyDeploymentSettings.DEFAULT_IMAGE, "http://xds.example:15010", "LoadBalancer",
      "agentgateway-jcp.dev/controller", "Kubernetes");

  private static Gateway gateway(String yaml) {
    return (Gateway) YamlInputs.parse(yaml).get(0);
  }

  private static final String GATEWAY = """
      apiVersion: gateway.networking.k8s.io/v1
      kind: Gateway
      metadata:
        name: web
        namespace: apps
        uid: 1234
        annotations: {networking.istio.io/service-type: ClusterIP}
      spec:
        gatewayClassName: agentgateway-jcp
        addresses: [{type: IPAddress, value: 192.0.2.7}]
        infrastructure:
          labels: {team: edge, gateway.networking.k8s.io/ignored: x}
          annotations: {owner: sre}
        listeners:
        - {name: http, port: 80, protocol: HTTP}
        - {name: https.a, port: 443, protocol: HTTPS}
        - {name: https-b, port: 443, protocol: HTTPS}
      """;

  @Test
  void rendersOwnedObjectsWithPortsPerDistinctListenerPortAndTheProxyEnvironment() {
    Gateway gw = gateway(GATEWAY);
    ProxyResources.Rendered r = ProxyResources.render(gw, null, gw.getSpec().getListeners(), SETTINGS);

    assertThat(r.all()).allSatisfy(o -> {
      assertThat(o.getMetadata().getName()).isEqualTo("web");
      assertThat(o.getMetadata().getNamespace()).isEqualTo("apps");
      assertThat(o.getMetadata().getOwnerReferences()).singleElement()
          .satisfies(ref -> {
            assertThat(ref.getKind()).isEqualTo("Gateway");
            assertThat(ref.getUid()).isEqualTo("1234");
            assertThat(ref.getController()).isTrue();
          });
      assertThat(o.getMetadata().getLabels())
          .containsEntry("team", "edge")
          .containsEntry(ProxyResources.GATEWAY_NAME_LABEL, "web")
          .containsEntry(ProxyResources.MANAGED_LABEL, "agentgateway-jcp.dev-controller")
          .doesNotContainKey("gateway.networking.k8s.io/ignored");
      assertThat(o.getMetadata().getAnnotations()).containsEntry("owner", "sre");
    });
    assertThat(r.service().getSpec().getType()).isEqualTo("ClusterIP");
    assertThat(r.service().getSpec().getLoadBalancerIP()).isNull();
    assertThat(r.service().getSpec().getPorts()).extracting(ServicePort::getName, ServicePort::getPort, ServicePort::getAppProtocol)
        .containsExactly(
            org.assertj.core.groups.Tuple.tuple("status-port", 15021, "tcp"),
            org.assertj.core.groups.Tuple.tuple("http", 80, "http"),
            org.assertj.core.groups.Tuple.tuple("https-a", 443, "https"));
    var container = r.deployment().getSpec().getTemplate().getSpec().getContainers().get(0);
    assertThat(container.getImage()).isEqualTo(ProxyDeploymentSettings.DEFAULT_IMAGE);
    assertThat(container.getArgs()).containsExactly("--config", "{}");
    assertThat(container.getEnv()).extracting(EnvVar::getName)
        .contains("XDS_ADDRESS", "NAMESPACE", "GATEWAY", "INSTANCE_IP").doesNotContain("POD_NAME");
    assertThat(container.getEnv()).filteredOn(e -> e.getName().equals("GATEWAY")).extracting(EnvVar::getValue).containsExactly("web");
    assertThat(container.getReadinessProbe().getHttpGet().getPort().getIntVal()).isEqualTo(15021);
    assertThat(r.deployment().getSpec().getSelector().getMatchLabels()).isEqualTo(Map.of(ProxyResources.GATEWAY_NAME_LABEL, "web"));
  }

  @Test
  void aStaticAddressBecomesTheLoadBalancerIp() {
    Gateway gw = gateway(GATEWAY.replace("annotations: {networking.istio.io/service-type: ClusterIP}", "annotations: {}"));
    ProxyResources.Rendered r = ProxyResources.render(gw, null, gw.getSpec().getListeners(), SETTINGS);
    assertThat(r.service().getSpec().getType()).isEqualTo("LoadBalancer");
    assertThat(r.service().getSpec().getLoadBalancerIP()).isEqualTo("192.0.2.7");
  }

  /** Conformance GatewayInfrastructure (v1.6.3 tests/gateway-infrastructure.yaml) on the rendering. */
  @Test
  void infrastructureLabelsAndAnnotationsReachTheServiceAccountPodsAndService() {
    Gateway gw = gateway("""
        apiVersion: gateway.networking.k8s.io/v1
        kind: Gateway
        metadata: {name: gateway-with-infrastructure-metadata, namespace: gateway-conformance-infra}
        spec:
          gatewayClassName: agentgateway-jcp
          infrastructure:
            annotations: {key1: value1}
            labels: {key2: value2}
          listeners:
          - {name: http, port: 8080, protocol: HTTP}
        """);
    ProxyResources.Rendered r = ProxyResources.render(gw, null, gw.getSpec().getListeners(), SETTINGS);
    var pod = r.deployment().getSpec().getTemplate().getMetadata();
    for (var meta : java.util.List.of(r.serviceAccount().getMetadata(), pod, r.service().getMetadata())) {
      // The suite finds the objects by the gateway-name label, then checks both maps.
      assertThat(meta.getLabels())
          .containsEntry(ProxyResources.GATEWAY_NAME_LABEL, "gateway-with-infrastructure-metadata")
          .containsEntry("key2", "value2");
      assertThat(meta.getAnnotations()).containsEntry("key1", "value1");
    }
  }

  @Test
  void anAddressWithoutAValueSetsNoLoadBalancerIp() {
    Gateway gw = gateway(GATEWAY.replace("{type: IPAddress, value: 192.0.2.7}", "{type: IPAddress}"));
    ProxyResources.Rendered r = ProxyResources.render(gw, null, gw.getSpec().getListeners(), SETTINGS);
    assertThat(r.service().getSpec().getLoadBalancerIP()).isNull();
  }

  @Test
  void parametersConfigMapPatchesTheObjectsButNeverTheirIdentity() {
    Gateway gw = gateway(GATEWAY);
    ConfigMap parameters = new ConfigMapBuilder().withNewMetadata().withName("p").endMetadata()
        .addToData("deployment", """
            metadata: {name: hijacked, labels: {extra: "yes"}}
            spec: {replicas: 3}
            """)
        .addToData("service", "{\"spec\": {\"externalTrafficPolicy\": \"Local\"}}")
        .build();
    ProxyResources.Rendered r = ProxyResources.render(gw, parameters, gw.getSpec().getListeners(), SETTINGS);
    assertThat(r.deployment().getSpec().getReplicas()).isEqualTo(3);
    assertThat(r.deployment().getMetadata().getName()).isEqualTo("web");
    assertThat(r.deployment().getMetadata().getLabels()).containsEntry("extra", "yes").containsEntry("team", "edge");
    assertThat(r.service().getSpec().getExternalTrafficPolicy()).isEqualTo("Local");

    ConfigMap broken = new ConfigMapBuilder().addToData("service", "spec: [unclosed").build();
    assertThatThrownBy(() -> ProxyResources.render(gw, broken, gw.getSpec().getListeners(), SETTINGS))
        .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("'service'");
  }

  @Test
  void securedXdsMountsTheTrustBundleAndAProjectedTokenAndPinsTheServiceAccount() {
    Gateway gw = gateway(GATEWAY);
    ConfigMap parameters = new ConfigMapBuilder().withNewMetadata().withName("p").endMetadata()
        .withData(Map.of("deployment", "spec: {template: {spec: {serviceAccountName: someone-else}}}"))
        .build();
    ProxyResources.Rendered r = ProxyResources.render(gw, parameters, gw.getSpec().getListeners(),
        SETTINGS.withXdsSecurity("-----BEGIN CERTIFICATE-----\nCA\n-----END CERTIFICATE-----\n", "agentgateway-jcp"));

    assertThat(r.all()).hasSize(4);
    assertThat(r.xdsTrustBundle().getMetadata().getName()).isEqualTo("web-xds-ca");
    assertThat(r.xdsTrustBundle().getMetadata().getOwnerReferences()).singleElement()
        .satisfies(ref -> assertThat(ref.getUid()).isEqualTo("1234"));
    assertThat(r.xdsTrustBundle().getData()).containsOnlyKeys("ca.crt");
    var pod = r.deployment().getSpec().getTemplate().getSpec();
    assertThat(pod.getServiceAccountName()).isEqualTo("web");
    assertThat(pod.getAutomountServiceAccountToken()).isFalse();
    assertThat(pod.getContainers().get(0).getEnv()).extracting(EnvVar::getName, EnvVar::getValue).contains(
        org.assertj.core.groups.Tuple.tuple("XDS_ROOT_CA", "/var/run/secrets/xds/ca.crt"),
        org.assertj.core.groups.Tuple.tuple("XDS_AUTH_TOKEN", "/var/run/secrets/xds-tokens/xds-token"));
    assertThat(pod.getContainers().get(0).getVolumeMounts()).extracting(m -> m.getName() + "=" + m.getMountPath())
        .contains("xds-ca=/var/run/secrets/xds", "xds-token=/var/run/secrets/xds-tokens");
    var token = pod.getVolumes().stream().filter(v -> v.getName().equals("xds-token")).findFirst().orElseThrow()
        .getProjected().getSources().get(0).getServiceAccountToken();
    assertThat(token.getAudience()).isEqualTo("agentgateway-jcp");
    assertThat(token.getExpirationSeconds()).isEqualTo(3600L);
    assertThat(pod.getVolumes().stream().filter(v -> v.getName().equals("xds-ca")).findFirst().orElseThrow()
        .getConfigMap().getName()).isEqualTo("web-xds-ca");
    // A new CA changes the pod template, so the proxies restart and read it.
    String hash = r.deployment().getSpec().getTemplate().getMetadata().getAnnotations().get(ProxyResources.XDS_CA_HASH_ANNOTATION);
    assertThat(hash).hasSize(16);
    assertThat(ProxyResources.render(gw, null, gw.getSpec().getListeners(), SETTINGS.withXdsSecurity("other", "agentgateway-jcp"))
        .deployment().getSpec().getTemplate().getMetadata().getAnnotations().get(ProxyResources.XDS_CA_HASH_ANNOTATION))
        .isNotEqualTo(hash);
  }

  @Test
  void plaintextXdsRendersNoTrustBundleOrToken() {
    Gateway gw = gateway(GATEWAY);
    ProxyResources.Rendered r = ProxyResources.render(gw, null, gw.getSpec().getListeners(), SETTINGS);
    assertThat(r.xdsTrustBundle()).isNull();
    assertThat(r.all()).hasSize(3);
    assertThat(r.deployment().getSpec().getTemplate().getSpec().getContainers().get(0).getEnv())
        .extracting(EnvVar::getName).doesNotContain("XDS_ROOT_CA", "XDS_AUTH_TOKEN");
  }
}
