package dev.agentgatewayjcp.translator.engine;

import dev.agentgatewayjcp.translator.input.InputIndex;
import dev.agentgatewayjcp.translator.input.InputKind;
import dev.agentgatewayjcp.translator.input.ObjectRef;
import dev.agentgatewayjcp.translator.input.TranslationContext;
import dev.agentgatewayjcp.translator.output.GatewayKey;
import java.util.HashSet;
import java.util.Set;

/**
 * ReadSet records everything one computation read: objects (present or not), kind listings,
 * index buckets and Gateway translations.
 */
final class ReadSet implements TranslationContext.ReadListener {

  /** A listing of a kind, in one namespace or (namespace null) in all. */
  record KindScope(InputKind<?> kind, String namespace) {}

  /** One bucket of an index. */
  record Bucket(InputIndex<?> index, String key) {}

  final Set<ObjectRef> objects = new HashSet<>();
  final Set<KindScope> kinds = new HashSet<>();
  final Set<Bucket> buckets = new HashSet<>();
  final Set<GatewayKey> gateways = new HashSet<>();

  @Override
  public void readObject(ObjectRef ref) {
    objects.add(ref);
  }

  @Override
  public void readKind(InputKind<?> kind, String namespace) {
    kinds.add(new KindScope(kind, namespace));
  }

  @Override
  public void readIndex(InputIndex<?> index, String key) {
    buckets.add(new Bucket(index, key));
  }
}
