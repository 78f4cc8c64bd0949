package dev.agentgatewayjcp.controller.cli;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import com.fasterxml.jackson.dataformat.yaml.YAMLGenerator;
import dev.agentgatewayjcp.translator.GatewayOutput;
import dev.agentgatewayjcp.translator.TranslationResult;
import dev.agentgatewayjcp.translator.output.GatewayKey;
import dev.agentgatewayjcp.translator.output.ReadableProto;
import dev.agentgatewayjcp.translator.output.XdsResource;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** Rendering turns a translation result into the YAML or JSON the CLI prints. */
final class Rendering {

  /** Output formats of {@code translate}. */
  enum Format {
    YAML,
    JSON
  }

  private Rendering() {}

  static String render(TranslationResult result, GatewayKey only, Format format) throws JsonProcessingException {
    Map<String, Object> root = new LinkedHashMap<>();
    Map<String, Object> gateways = new LinkedHashMap<>();
    for (GatewayOutput output : result.gateways().values()) {
      if (only != null && !only.equals(output.gateway())) {
        continue;
      }
      Map<String, Object> gateway = new LinkedHashMap<>();
      gateway.put("resources", resources(output.resources()));
      gateway.put("addresses", resources(output.addresses()));
      gateways.put(output.gateway().toString(), gateway);
    }
    root.put("gateways", gateways);
    Map<String, Object> statuses = new LinkedHashMap<>();
    result.statuses().forEach((ref, status) -> {
      if (only == null || ("Gateway".equals(ref.kind()) && ref.namespace().equals(only.namespace()) && ref.name().equals(only.name()))
          || !"Gateway".equals(ref.kind())) {
        statuses.put(ref.toString(), status);
      }
    });
    root.put("statuses", statuses);
    List<String> diagnostics = new ArrayList<>();
    result.diagnostics().forEach(d -> diagnostics.add(d.severity() + " " + d.object() + ": " + d.message()));
    root.put("diagnostics", diagnostics);
    return mapper(format).writeValueAsString(root);
  }

  private static List<Map<String, Object>> resources(List<XdsResource> resources) {
    List<Map<String, Object>> out = new ArrayList<>();
    for (XdsResource r : resources) {
      Map<String, Object> entry = new LinkedHashMap<>();
      entry.put("name", r.name());
      entry.put("version", r.version());
      entry.put("resource", ReadableProto.toMap(r.message()));
      out.add(entry);
    }
    return out;
  }

  static ObjectMapper mapper(Format format) {
    ObjectMapper mapper = format == Format.JSON
        ? new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT)
        : new ObjectMapper(new YAMLFactory().disable(YAMLGenerator.Feature.WRITE_DOC_START_MARKER)
            .enable(YAMLGenerator.Feature.MINIMIZE_QUOTES));
    return mapper.setSerializationInclusion(JsonInclude.Include.NON_EMPTY);
  }
}
