package dev.agentgatewayjcp.api.istio;

import static org.assertj.core.api.Assertions.assertThat;

import io.fabric8.crdv2.generator.CRDGenerator;
import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.KubernetesResource;
import io.fabric8.kubernetes.client.utils.Serialization;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import org.junit.jupiter.api.Test;

/**
 * Generates the test CRDs for the Istio security kinds from our model and checks that the copy
 * the integration tests install is current; {@code -Dcrd.update=true} rewrites it.
 */
class IstioCrdsTest {

  static final Path COMMITTED = Path.of("src/test/resources/crds/istio-security.yaml");

  @Test
  void committedCrdsMatchTheModel() throws IOException {
    Path dir = Files.createTempDirectory("crds");
    new CRDGenerator()
        .customResourceClasses(
            AuthorizationPolicy.class,
            AuthorizationPolicyV1beta1.class,
            RequestAuthentication.class,
            RequestAuthenticationV1beta1.class)
        .forCRDVersions("v1")
        .inOutputDir(dir.toFile())
        .generate();
    Map<String, String> out = new TreeMap<>();
    try (var files = Files.list(dir)) {
      for (Path f : files.toList()) {
        out.put(f.getFileName().toString(), Files.readString(f));
        Files.delete(f);
      }
    }
    Files.delete(dir);
    StringBuilder yaml = new StringBuilder();
    yaml.append("# Generated from api-model's Istio security model by IstioCrdsTest; do not edit.\n");
    yaml.append("# These are test CRDs: real clusters get Istio's own.\n");
    for (String doc : out.values()) {
      yaml.append(doc.startsWith("---") ? doc : "---\n" + doc);
    }
    String generated = yaml.toString();
    assertThat(generated).contains("authorizationpolicies.security.istio.io");
    assertThat(generated).contains("requestauthentications.security.istio.io");
    if (Boolean.getBoolean("crd.update")) {
      Files.createDirectories(COMMITTED.getParent());
      Files.writeString(COMMITTED, generated);
    }
    assertThat(Files.readString(COMMITTED))
        .as("committed CRDs are stale: rerun with -Dcrd.update=true")
        .isEqualTo(generated);
  }

  @Test
  void v1beta1AndUnknownFieldsRead() {
    String yaml =
        """
        apiVersion: security.istio.io/v1beta1
        kind: AuthorizationPolicy
        metadata: {name: a, namespace: ns}
        spec:
          action: DENY
          rules:
          - to:
            - operation: {paths: ["/admin"], futureField: x}
        """;
    KubernetesResource r = Serialization.unmarshal(yaml, KubernetesResource.class);
    assertThat(r).isInstanceOf(AuthorizationPolicy.class);
    AuthorizationPolicy p = (AuthorizationPolicy) r;
    assertThat(((HasMetadata) p).getApiVersion()).isEqualTo("security.istio.io/v1beta1");
    AuthorizationPolicySpec.Operation op = p.getSpec().rules.get(0).to.get(0).operation;
    assertThat(op.paths).isEqualTo(List.of("/admin"));
    assertThat(op.getUnknownFields()).containsEntry("futureField", "x");
  }
}
