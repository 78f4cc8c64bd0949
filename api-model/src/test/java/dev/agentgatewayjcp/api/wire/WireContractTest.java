package dev.agentgatewayjcp.api.wire;

import static org.assertj.core.api.Assertions.assertThat;

import com.google.protobuf.Descriptors.Descriptor;
import com.google.protobuf.Descriptors.EnumDescriptor;
import com.google.protobuf.Descriptors.EnumValueDescriptor;
import com.google.protobuf.Descriptors.FieldDescriptor;
import com.google.protobuf.Descriptors.FileDescriptor;
import dev.agentgatewayjcp.api.discovery.AggregatedDiscoveryServiceGrpc;
import dev.agentgatewayjcp.api.discovery.DiscoveryProto;
import dev.agentgatewayjcp.api.discovery.StatusProto;
import dev.agentgatewayjcp.api.resource.ResourceProto;
import dev.agentgatewayjcp.api.workload.WorkloadProto;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Objects;
import java.util.TreeSet;
import org.junit.jupiter.api.Test;

/**
 * Pins every message, field and enum value we declare to agentgateway v1.4.1's wire contract.
 *
 * <p>The expected rows live in {@code wire-contract/fields.tsv}. A field whose number, type or
 * label drifts, or a field added without a row, fails the build: the proxy would decode it as
 * something else, or not at all.
 */
class WireContractTest {

  private static final List<FileDescriptor> DECLARED_FILES =
      List.of(
          ResourceProto.getDescriptor(),
          WorkloadProto.getDescriptor(),
          DiscoveryProto.getDescriptor(),
          StatusProto.getDescriptor());

  @Test
  void declaredFieldsEqualTheV141FieldTable() throws IOException {
    TreeSet<String> expected = new TreeSet<>(readTable());
    TreeSet<String> actual = new TreeSet<>(declaredRows());

    TreeSet<String> undeclared = new TreeSet<>(expected);
    undeclared.removeAll(actual);
    TreeSet<String> unexpected = new TreeSet<>(actual);
    unexpected.removeAll(expected);

    assertThat(unexpected)
        .as("declared but absent from (or different in) fields.tsv")
        .isEmpty();
    assertThat(undeclared).as("in fields.tsv but not declared").isEmpty();
  }

  @Test
  void protoPackagesAreUpstreams() {
    assertThat(ResourceProto.getDescriptor().getPackage()).isEqualTo("agentgateway.dev.resource");
    assertThat(WorkloadProto.getDescriptor().getPackage()).isEqualTo("istio.workload");
    assertThat(DiscoveryProto.getDescriptor().getPackage()).isEqualTo("envoy.service.discovery.v3");
    assertThat(StatusProto.getDescriptor().getPackage()).isEqualTo("envoy.service.common.v3");
  }

  @Test
  void typeUrlsAreTheOnesTheProxySubscribesTo() {
    assertThat(TypeUrls.RESOURCE)
        .isEqualTo("type.googleapis.com/agentgateway.dev.resource.Resource")
        .isEqualTo(
            "type.googleapis.com/"
                + dev.agentgatewayjcp.api.resource.Resource.getDescriptor().getFullName());
    assertThat(TypeUrls.ADDRESS)
        .isEqualTo("type.googleapis.com/istio.workload.Address")
        .isEqualTo(
            "type.googleapis.com/"
                + dev.agentgatewayjcp.api.workload.Address.getDescriptor().getFullName());
  }

  @Test
  void deltaAdsMethodPathIsEnvoys() {
    assertThat(AggregatedDiscoveryServiceGrpc.getDeltaAggregatedResourcesMethod().getFullMethodName())
        .isEqualTo("envoy.service.discovery.v3.AggregatedDiscoveryService/DeltaAggregatedResources");
  }

  private static List<String> readTable() throws IOException {
    List<String> rows = new ArrayList<>();
    try (InputStream in =
            Objects.requireNonNull(
                WireContractTest.class.getResourceAsStream("/wire-contract/fields.tsv"));
        BufferedReader reader =
            new BufferedReader(new InputStreamReader(in, StandardCharsets.UTF_8))) {
      String line;
      while ((line = reader.readLine()) != null) {
        if (line.isBlank() || line.startsWith("#")) {
          continue;
        }
        assertThat(line.split("\t")).as("row %s", line).hasSize(5);
        rows.add(line);
      }
    }
    return rows;
  }

  private static List<String> declaredRows() {
    List<String> rows = new ArrayList<>();
    for (FileDescriptor file : DECLARED_FILES) {
      file.getMessageTypes().forEach(m -> addMessage(m, rows));
      file.getEnumTypes().forEach(e -> addEnum(e, rows));
    }
    return rows;
  }

  private static void addMessage(Descriptor message, List<String> rows) {
    if (message.getOptions().getMapEntry()) {
      return;
    }
    for (FieldDescriptor field : message.getFields()) {
      rows.add(
          String.join(
              "\t",
              message.getFullName(),
              field.getName(),
              Integer.toString(field.getNumber()),
              typeOf(field),
              labelOf(field)));
    }
    message.getNestedTypes().forEach(n -> addMessage(n, rows));
    message.getEnumTypes().forEach(e -> addEnum(e, rows));
  }

  private static void addEnum(EnumDescriptor enumType, List<String> rows) {
    for (EnumValueDescriptor value : enumType.getValues()) {
      rows.add(
          String.join(
              "\t",
              enumType.getFullName(),
              value.getName(),
              Integer.toString(value.getNumber()),
              "enum-value",
              "value"));
    }
  }

  private static String typeOf(FieldDescriptor field) {
    if (field.isMapField()) {
      Descriptor entry = field.getMessageType();
      return "map<"
          + typeOf(entry.findFieldByName("key"))
          + ","
          + typeOf(entry.findFieldByName("value"))
          + ">";
    }
    return switch (field.getType()) {
      case MESSAGE, GROUP -> field.getMessageType().getFullName();
      case ENUM -> field.getEnumType().getFullName();
      default -> field.getType().name().toLowerCase(Locale.ROOT);
    };
  }

  private static String labelOf(FieldDescriptor field) {
    if (field.isMapField()) {
      return "map";
    }
    if (field.isRepeated()) {
      return "repeated";
    }
    if (field.toProto().getProto3Optional()) {
      return "optional";
    }
    if (field.getRealContainingOneof() != null) {
      return "oneof";
    }
    return "singular";
  }
}
