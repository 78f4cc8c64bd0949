package dev.agentgatewayjcp.controller.source;

import static org.assertj.core.api.Assertions.assertThat;

import io.fabric8.kubernetes.api.model.PodBuilder;
import io.fabric8.kubernetes.api.model.gatewayapi.v1.HTTPRoute;
import io.fabric8.kubernetes.api.model.gatewayapi.v1.HTTPRouteBuilder;
import org.junit.jupiter.api.Test;

/** Checks which updates the store counts as changes for translation. */
class InputStoreTest {

  @Test
  void aRouteStatusWriteIsNotAChangeButAPodStatusIs() {
    InputStore store = new InputStore();
    assertThat(store.upsert(route("1", null))).isTrue();
    store.drainChanges();

    // Our own status write (or another controller's) comes back through the watch.
    HTTPRoute withStatus = route("2", "example.com/controller");
    assertThat(store.upsert(withStatus)).isFalse();
    assertThat(store.drainChanges()).isEmpty();
    // The store still holds the newest copy: the status writer merges into it.
    assertThat(store.get(dev.agentgatewayjcp.translator.input.ObjectRef.of(withStatus)).orElseThrow())
        .isSameAs(withStatus);

    // A Pod's status is input (its IP, its readiness).
    var pod = new PodBuilder().withNewMetadata().withName("p").withNamespace("n").withResourceVersion("1").endMetadata()
        .withNewStatus().withPodIP("10.0.0.1").endStatus().build();
    store.upsert(pod);
    store.drainChanges();
    var moved = new PodBuilder(pod).editMetadata().withResourceVersion("2").endMetadata()
        .editStatus().withPodIP("10.0.0.2").endStatus().build();
    assertThat(store.upsert(moved)).isTrue();
  }

  private static HTTPRoute route(String resourceVersion, String statusController) {
    var builder = new HTTPRouteBuilder().withNewMetadata().withName("r").withNamespace("n")
        .withResourceVersion(resourceVersion).endMetadata()
        .withNewSpec().addNewParentRef().withName("gw").endParentRef().endSpec();
    if (statusController != null) {
      builder.withNewStatus().addNewParent().withControllerName(statusController)
          .withNewParentRef().withName("gw").endParentRef().endParent().endStatus();
    }
    return builder.build();
  }
}
