package dev.agentgatewayjcp.controller.source;

import static org.assertj.core.api.Assertions.assertThat;

import io.fabric8.kubernetes.api.model.ManagedFieldsEntryBuilder;
import io.fabric8.kubernetes.api.model.ServiceBuilder;
import org.junit.jupiter.api.Test;

/** Checks what the informers' objects lose before they are kept. */
class KubernetesInputSourceTest {

  @Test
  void writersBookkeepingIsDroppedAndEverythingElseKept() {
    var service = new ServiceBuilder().withNewMetadata().withName("s").withNamespace("n")
        .addToAnnotations("kubectl.kubernetes.io/last-applied-configuration", "{\"a\":1}")
        .addToAnnotations("security.istio.io/dry-run", "true")
        .addToManagedFields(new ManagedFieldsEntryBuilder().withManager("kubectl").withOperation("Apply").build())
        .withResourceVersion("7")
        .endMetadata().withNewSpec().withClusterIP("10.0.0.1").endSpec().build();

    var kept = KubernetesInputSource.withoutWriteBookkeeping(service);

    assertThat(kept.getMetadata().getManagedFields()).isNullOrEmpty();
    assertThat(kept.getMetadata().getAnnotations()).containsOnlyKeys("security.istio.io/dry-run");
    assertThat(kept.getMetadata().getResourceVersion()).isEqualTo("7");
    assertThat(kept.getSpec().getClusterIP()).isEqualTo("10.0.0.1");
  }
}
