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
 * read as {@code v1}, and so are the older served versions of TLSRoute ({@code v1alpha2}, {@code
 * v1alpha3}), TCPRoute ({@code v1alpha2}), ReferenceGrant ({@code v1alpha2}) and BackendTLSPolicy
 * ({@code v1alpha3}): the fields the
 * translator reads are the same in every version, and it only deals in {@code v1}. {@code List}
 * documents are flattened.
 */
public final class YamlInputs {

  private static final String GATEWAY_API_V1BETA1 = "gateway.networking.k8s.io/v1beta1";
  private static final String GATEWAY_API_V1 = "gateway.networking.k8s.io/v1";

  /** Older versions read as v1, per kind; v1beta1 applies to every kind that has it. */
  private static final java.util.Map<String, java.util.Set<String>> OLDER_VERSIONS =
      java.util.Map.of(
          "TLSRoute",
          java.util.Set.of("gateway.networking.k8s.io/v1alpha2", "gateway.networking.k8s.io/v1alpha3"),
          "TCPRoute",
          java.util.Set.of("gateway.networking.k8s.io/v1alpha2"),
          "ReferenceGrant",
          java.util.Set.of("gateway.networking.k8s.io/v1alpha2"),
          "BackendTLSPolicy",
          java.util.Set.of("gateway.networking.k8s.io/v1alpha3"));

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
    if (object == null || !isOlderVersion(object.getApiVersion(), object.getKind())) {
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

  /** Whether a Gateway API object of this apiVersion and kind is read as v1. */
  public static boolean isOlderVersion(String apiVersion, String kind) {
    return GATEWAY_API_V1BETA1.equals(apiVersion)
        || OLDER_VERSIONS.getOrDefault(kind, java.util.Set.of()).contains(apiVersion);
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
    if (isOlderVersion(node.path("apiVersion").asText(), node.path("kind").asText())) {
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
