package dev.agentgatewayjcp.translator.input;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.MappingIterator;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.KubernetesResource;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.List;

/**
 * YamlInputs reads multi-document Kubernetes YAML into fabric8 model objects.
 *
 * <p>Gateway API {@code v1beta1} documents (Gateway, GatewayClass, HTTPRoute, ReferenceGrant) are
 * read as {@code v1}: the schemas are identical and the translator only deals in {@code v1}.
 * {@code List} documents are flattened.
 */
public final class YamlInputs {

  private static final String GATEWAY_API_V1BETA1 = "gateway.networking.k8s.io/v1beta1";
  private static final String GATEWAY_API_V1 = "gateway.networking.k8s.io/v1";

  private static final ObjectMapper YAML = new ObjectMapper(new YAMLFactory());

  private YamlInputs() {}

  /** Parses every document; empty documents are skipped. */
  public static List<HasMetadata> parse(String yaml) {
    List<HasMetadata> objects = new ArrayList<>();
    try (MappingIterator<JsonNode> docs = YAML.readerFor(JsonNode.class).readValues(yaml)) {
      while (docs.hasNextValue()) {
        JsonNode doc = docs.nextValue();
        if (doc == null || doc.isNull() || doc.isMissingNode() || doc.isEmpty()) {
          continue;
        }
        addDocument(doc, objects);
      }
    } catch (IOException e) {
      throw new UncheckedIOException("cannot parse YAML input", e);
    }
    return objects;
  }

  /**
   * The object as the translator reads it: Gateway API {@code v1beta1} model objects (as a
   * client watching older CRD versions delivers them) are converted to their {@code v1} class;
   * anything else is returned as is.
   */
  public static HasMetadata toV1(HasMetadata object) {
    if (object == null || !GATEWAY_API_V1BETA1.equals(object.getApiVersion())) {
      return object;
    }
    ObjectNode node = YAML.valueToTree(object);
    node.put("apiVersion", GATEWAY_API_V1);
    try {
      KubernetesResource converted = YAML.treeToValue(node, KubernetesResource.class);
      return converted instanceof HasMetadata h ? h : object;
    } catch (IOException e) {
      throw new UncheckedIOException("cannot convert " + object.getKind() + " to v1", e);
    }
  }

  private static void addDocument(JsonNode doc, List<HasMetadata> objects) throws IOException {
    if (!(doc instanceof ObjectNode node)) {
      throw new IOException("a document is not a mapping: " + doc);
    }
    if (node.path("kind").asText().endsWith("List") && node.has("items")) {
      for (JsonNode item : node.get("items")) {
        addDocument(item, objects);
      }
      return;
    }
    if (GATEWAY_API_V1BETA1.equals(node.path("apiVersion").asText())) {
      node.put("apiVersion", GATEWAY_API_V1);
    }
    // KubernetesResource carries fabric8's deserializer, which picks the model class from
    // apiVersion and kind.
    KubernetesResource resource = YAML.treeToValue(node, KubernetesResource.class);
    if (resource instanceof HasMetadata object) {
      objects.add(object);
    }
  }
}
