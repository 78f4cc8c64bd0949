package dev.agentgatewayjcp.controller.platform;

import static org.assertj.core.api.Assertions.assertThat;

import io.fabric8.kubernetes.api.model.gatewayapi.v1.GatewayClass;
import io.fabric8.kubernetes.client.Config;
import io.fabric8.kubernetes.client.ConfigBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientBuilder;
import io.fabric8.kubernetes.client.Version;
import io.javaoperatorsdk.operator.Operator;
import io.javaoperatorsdk.operator.api.reconciler.Context;
import io.javaoperatorsdk.operator.api.reconciler.ControllerConfiguration;
import io.javaoperatorsdk.operator.api.reconciler.Reconciler;
import io.javaoperatorsdk.operator.api.reconciler.UpdateControl;
import org.junit.jupiter.api.Test;

/**
 * Checks that JOSDK 5.3.2, built against fabric8 7.6, links and configures itself on the fabric8
 * 7.9 client we pin (the pairing is recorded in docs/architecture.md).
 *
 * <p>Registration resolves the controller configuration, the resource's GVK and the informer
 * setup through fabric8 APIs, so a binary incompatibility between the two fails here. Running the
 * operator against a live API server is covered by the integration tests.
 */
class JosdkOnFabric8Test {

  @ControllerConfiguration(name = "gatewayclass-probe")
  static final class GatewayClassProbe implements Reconciler<GatewayClass> {
    @Override
    public UpdateControl<GatewayClass> reconcile(GatewayClass resource, Context<GatewayClass> context) {
      return UpdateControl.noUpdate();
    }
  }

  @Test
  void josdkRegistersAGatewayApiReconcilerOnFabric8_7_9() {
    assertThat(Version.clientVersion()).startsWith("7.9.");
    Config config = new ConfigBuilder().withMasterUrl("https://127.0.0.1:1").withRequestTimeout(1000).build();
    try (KubernetesClient client = new KubernetesClientBuilder().withConfig(config).build()) {
      Operator operator = new Operator(o -> o.withKubernetesClient(client).withCloseClientOnStop(false));
      operator.register(new GatewayClassProbe());

      assertThat(operator.getRegisteredControllers()).hasSize(1);
      var registered = operator.getRegisteredControllers().iterator().next();
      assertThat(registered.getConfiguration().getName()).isEqualTo("gatewayclass-probe");
      assertThat(registered.getConfiguration().getResourceTypeName())
          .isEqualTo("gatewayclasses.gateway.networking.k8s.io");
    }
  }
}
