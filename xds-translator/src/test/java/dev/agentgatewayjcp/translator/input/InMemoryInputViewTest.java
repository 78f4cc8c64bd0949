package dev.agentgatewayjcp.translator.input;

import static org.assertj.core.api.Assertions.assertThat;

import io.fabric8.kubernetes.api.model.gatewayapi.v1.HTTPRoute;
import io.fabric8.kubernetes.api.model.gatewayapi.v1.ReferenceGrant;
import java.util.List;
import org.junit.jupiter.api.Test;

class InMemoryInputViewTest {

  private static final String YAML =
      """
      apiVersion: gateway.networking.k8s.io/v1
      kind: HTTPRoute
      metadata: {name: b, namespace: ns2}
      spec:
        parentRefs: [{name: gw}]
      ---
      apiVersion: gateway.networking.k8s.io/v1
      kind: HTTPRoute
      metadata: {name: a, namespace: ns2}
      ---
      apiVersion: gateway.networking.k8s.io/v1
      kind: HTTPRoute
      metadata: {name: z, namespace: ns1}
      ---
      apiVersion: gateway.networking.k8s.io/v1beta1
      kind: ReferenceGrant
      metadata: {name: grant, namespace: ns1}
      spec:
        from: [{group: gateway.networking.k8s.io, kind: HTTPRoute, namespace: ns2}]
        to: [{group: "", kind: Service}]
      ---
      apiVersion: discovery.k8s.io/v1
      kind: EndpointSlice
      metadata:
        name: svc-abc
        namespace: ns1
        labels: {kubernetes.io/service-name: svc}
      addressType: IPv4
      endpoints: [{addresses: [10.0.0.1]}]
      ---
      apiVersion: apps/v1
      kind: Deployment
      metadata: {name: ignored, namespace: ns1}
      """;

  @Test
  void listsAreSortedByNamespaceThenName() {
    InMemoryInputView view = InMemoryInputView.fromYaml(YAML);
    List<String> names =
        view.list(InputKind.HTTP_ROUTE).stream()
            .map(r -> r.getMetadata().getNamespace() + "/" + r.getMetadata().getName())
            .toList();
    assertThat(names).containsExactly("ns1/z", "ns2/a", "ns2/b");
    assertThat(view.listInNamespace(InputKind.HTTP_ROUTE, "ns2"))
        .extracting(r -> r.getMetadata().getName())
        .containsExactly("a", "b");
    assertThat(view.listInNamespace(InputKind.HTTP_ROUTE, "ns")).isEmpty();
  }

  @Test
  void v1beta1GatewayApiDocumentsAreReadAsV1() {
    InMemoryInputView view = InMemoryInputView.fromYaml(YAML);
    ReferenceGrant grant = view.get(InputKind.REFERENCE_GRANT, "ns1", "grant").orElseThrow();
    assertThat(grant.getSpec().getFrom()).hasSize(1);
  }

  @Test
  void v1beta1ModelObjectsConvertToV1() {
    var beta =
        new io.fabric8.kubernetes.api.model.gatewayapi.v1beta1.ReferenceGrantBuilder()
            .withNewMetadata().withName("g").withNamespace("ns").endMetadata()
            .withNewSpec().addNewFrom().withGroup("gateway.networking.k8s.io").withKind("HTTPRoute").withNamespace("a").endFrom()
            .addNewTo().withGroup("").withKind("Service").endTo().endSpec()
            .build();
    var converted = YamlInputs.toV1(beta);
    assertThat(converted).isInstanceOf(ReferenceGrant.class);
    assertThat(((ReferenceGrant) converted).getSpec().getTo().get(0).getKind()).isEqualTo("Service");
    assertThat(InMemoryInputView.of(List.of(converted)).list(InputKind.REFERENCE_GRANT)).hasSize(1);
  }

  @Test
  void indexesAndCopiesWork() {
    InMemoryInputView view = InMemoryInputView.fromYaml(YAML);
    assertThat(view.byIndex(InputIndex.ENDPOINT_SLICES_BY_SERVICE, "ns1/svc")).hasSize(1);
    assertThat(view.objects()).hasSize(5);

    HTTPRoute extra = new HTTPRoute();
    extra.setMetadata(new io.fabric8.kubernetes.api.model.ObjectMetaBuilder().withName("c").withNamespace("ns2").build());
    InMemoryInputView more = view.with(extra);
    assertThat(more.listInNamespace(InputKind.HTTP_ROUTE, "ns2")).hasSize(3);
    assertThat(view.listInNamespace(InputKind.HTTP_ROUTE, "ns2")).hasSize(2);
    assertThat(more.without(ObjectRef.of(extra)).objects()).hasSize(5);
  }
}
