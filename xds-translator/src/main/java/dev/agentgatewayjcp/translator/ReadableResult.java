package dev.agentgatewayjcp.translator;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import com.fasterxml.jackson.dataformat.yaml.YAMLGenerator;
import dev.agentgatewayjcp.translator.output.ReadableProto;
import dev.agentgatewayjcp.translator.output.XdsResource;
import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * ReadableResult renders a {@link TranslationResult} as YAML for people: the golden files, a
 * translate CLI and the controller's debug endpoints all use this one format.
 */
public final class ReadableResult {

  private static final ObjectMapper YAML =
      new ObjectMapper(
              new YAMLFactory()
                  .disable(YAMLGenerator.Feature.WRITE_DOC_START_MARKER)
                  .disable(YAMLGenerator.Feature.SPLIT_LINES)
                  .enable(YAMLGenerator.Feature.MINIMIZE_QUOTES)
                  .enable(YAMLGenerator.Feature.ALWAYS_QUOTE_NUMBERS_AS_STRINGS)
                  .enable(YAMLGenerator.Feature.LITERAL_BLOCK_STYLE))
          .setDefaultPropertyInclusion(JsonInclude.Include.NON_EMPTY);

  private ReadableResult() {}

  /** Per Gateway, its Resource and Address entries by xDS name, protobuf fields by proto name. */
  public static String outputYaml(TranslationResult result) {
    Map<String, Object> gateways = new LinkedHashMap<>();
    for (GatewayOutput out : result.gateways().values()) {
      Map<String, Object> gw = new LinkedHashMap<>();
      gw.put("resources", render(out.resources()));
      gw.put("addresses", render(out.addresses()));
      gateways.put(out.gateway().toString(), gw);
    }
    Map<String, Object> doc = new LinkedHashMap<>();
    doc.put("gateways", gateways);
    return write(doc);
  }

  /** The desired statuses by object, then the diagnostics. */
  public static String statusYaml(TranslationResult result) {
    Map<String, Object> statuses = new LinkedHashMap<>();
    result.statuses().forEach((ref, status) -> statuses.put(ref.toString(), status));
    Map<String, Object> doc = new LinkedHashMap<>();
    doc.put("statuses", statuses);
    doc.put(
        "diagnostics",
        result.diagnostics().stream()
            .map(d -> d.object() + " " + d.severity() + " " + d.message())
            .toList());
    return write(doc);
  }

  private static List<Object> render(List<XdsResource> resources) {
    List<Object> list = new ArrayList<>();
    for (XdsResource r : resources) {
      Map<String, Object> entry = new LinkedHashMap<>();
      entry.put("name", r.name());
      entry.putAll(ReadableProto.toMap(r.message()));
      list.add(entry);
    }
    return list;
  }

  private static String write(Object doc) {
    try {
      return YAML.writeValueAsString(doc);
    } catch (JsonProcessingException e) {
      throw new UncheckedIOException(e);
    }
  }
}
