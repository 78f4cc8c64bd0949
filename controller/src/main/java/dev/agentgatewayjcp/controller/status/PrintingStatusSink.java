package dev.agentgatewayjcp.controller.status;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import com.fasterxml.jackson.dataformat.yaml.YAMLGenerator;
import dev.agentgatewayjcp.translator.input.ObjectRef;
import io.fabric8.kubernetes.api.model.KubernetesResource;
import java.io.PrintStream;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Set;

/**
 * PrintingStatusSink prints changed statuses as YAML, which is how file mode shows users what
 * {@code kubectl get -o yaml} would show in a cluster.
 */
public final class PrintingStatusSink implements StatusSink {

  private static final ObjectMapper YAML =
      new ObjectMapper(new YAMLFactory().disable(YAMLGenerator.Feature.WRITE_DOC_START_MARKER))
          .setSerializationInclusion(JsonInclude.Include.NON_EMPTY);

  private final PrintStream out;

  public PrintingStatusSink(PrintStream out) {
    this.out = out;
  }

  @Override
  public void onStatusChange(Map<ObjectRef, KubernetesResource> changed, Set<ObjectRef> removed) {
    StringBuilder text = new StringBuilder();
    for (Map.Entry<ObjectRef, KubernetesResource> e : changed.entrySet()) {
      Map<String, Object> doc = new LinkedHashMap<>();
      doc.put("object", e.getKey().toString());
      doc.put("status", e.getValue());
      try {
        text.append("---\n").append(YAML.writeValueAsString(doc));
      } catch (JsonProcessingException ex) {
        text.append("---\n# cannot render status of ").append(e.getKey()).append(": ").append(ex.getMessage()).append('\n');
      }
    }
    for (ObjectRef ref : removed) {
      text.append("---\n# no status any more: ").append(ref).append('\n');
    }
    if (!text.isEmpty()) {
      out.print(text);
      out.flush();
    }
  }
}
