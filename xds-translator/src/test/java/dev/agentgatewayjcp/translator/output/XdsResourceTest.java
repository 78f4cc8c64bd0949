package dev.agentgatewayjcp.translator.output;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.agentgatewayjcp.api.resource.Bind;
import dev.agentgatewayjcp.api.resource.Resource;
import dev.agentgatewayjcp.api.wire.TypeUrls;
import dev.agentgatewayjcp.api.workload.Address;
import dev.agentgatewayjcp.api.workload.PortList;
import dev.agentgatewayjcp.api.workload.Workload;
import org.junit.jupiter.api.Test;

class XdsResourceTest {

  @Test
  void versionDependsOnContentOnly() {
    XdsResource a = XdsResource.of("bind/80/ns/gw", bind(80));
    XdsResource b = XdsResource.of("bind/80/ns/gw", bind(80));
    XdsResource c = XdsResource.of("bind/80/ns/gw", bind(81));

    assertThat(a.version()).isEqualTo(b.version()).hasSize(16);
    assertThat(c.version()).isNotEqualTo(a.version());
    assertThat(a).isEqualTo(b).isNotEqualTo(c);
  }

  @Test
  void versionIsStableForMapsWhateverTheInsertionOrder() {
    Workload.Builder first = Workload.newBuilder().setUid("w1");
    Workload.Builder second = Workload.newBuilder().setUid("w1");
    for (int i = 0; i < 50; i++) {
      first.putServices("ns/s" + i + ".ns.svc.cluster.local", PortList.getDefaultInstance());
      second.putServices("ns/s" + (49 - i) + ".ns.svc.cluster.local", PortList.getDefaultInstance());
    }
    XdsResource a = XdsResource.of("w1", Address.newBuilder().setWorkload(first).build());
    XdsResource b = XdsResource.of("w1", Address.newBuilder().setWorkload(second).build());

    assertThat(a.version()).isEqualTo(b.version());
  }

  @Test
  void envelopeCarriesNameVersionAndTypedPayload() {
    XdsResource resource = XdsResource.of("bind/80/ns/gw", bind(80));

    assertThat(resource.typeUrl()).isEqualTo(TypeUrls.RESOURCE);
    assertThat(resource.envelope().getName()).isEqualTo("bind/80/ns/gw");
    assertThat(resource.envelope().getVersion()).isEqualTo(resource.version());
    assertThat(resource.envelope().getResource().getTypeUrl()).isEqualTo(TypeUrls.RESOURCE);
    assertThat(resource.serializedSize()).isPositive();
  }

  @Test
  void gatewayKeyParsesNamespacedNames() {
    assertThat(GatewayKey.parse("ns/gw")).isEqualTo(new GatewayKey("ns", "gw"));
    assertThat(new GatewayKey("ns", "gw")).hasToString("ns/gw");
    assertThatThrownBy(() -> GatewayKey.parse("gw")).isInstanceOf(IllegalArgumentException.class);
  }

  private static Resource bind(int port) {
    return Resource.newBuilder()
        .setBind(Bind.newBuilder().setKey(port + "/ns/gw").setPort(port))
        .build();
  }
}
