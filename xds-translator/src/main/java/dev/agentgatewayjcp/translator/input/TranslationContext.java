package dev.agentgatewayjcp.translator.input;

import io.fabric8.kubernetes.api.model.HasMetadata;
import java.time.Clock;
import java.util.List;
import java.util.Objects;
import java.util.Optional;

/**
 * TranslationContext is the only way translators read inputs and settings, so that an engine can
 * observe what each computation read.
 *
 * <p>Every read is reported to a {@link ReadListener} before it is answered; the default listener
 * ignores them.
 */
public final class TranslationContext {

  /** ReadListener is told about every read a translator makes through the context. */
  public interface ReadListener {
    /** A lookup of one object by reference (whether or not it exists). */
    void readObject(ObjectRef ref);

    /** A listing of a whole kind, or of one namespace of it when namespace is non-null. */
    void readKind(InputKind<?> kind, String namespace);

    /** A lookup of one bucket of an index. */
    void readIndex(InputIndex<?> index, String key);
  }

  private static final ReadListener IGNORE =
      new ReadListener() {
        @Override
        public void readObject(ObjectRef ref) {}

        @Override
        public void readKind(InputKind<?> kind, String namespace) {}

        @Override
        public void readIndex(InputIndex<?> index, String key) {}
      };

  private final InputView view;
  private final TranslationSettings settings;
  private final ReadListener listener;

  public TranslationContext(InputView view, TranslationSettings settings) {
    this(view, settings, IGNORE);
  }

  public TranslationContext(InputView view, TranslationSettings settings, ReadListener listener) {
    this.view = Objects.requireNonNull(view, "view");
    this.settings = Objects.requireNonNull(settings, "settings");
    this.listener = Objects.requireNonNull(listener, "listener");
  }

  /** The same view and settings, reporting reads to another listener. */
  public TranslationContext withListener(ReadListener other) {
    return new TranslationContext(view, settings, other);
  }

  public TranslationSettings settings() {
    return settings;
  }

  public Clock clock() {
    return settings.clock();
  }

  public <T extends HasMetadata> Optional<T> get(InputKind<T> kind, String namespace, String name) {
    if (name == null || (kind.namespaced() && namespace == null)) {
      return Optional.empty();
    }
    listener.readObject(kind.ref(namespace, name));
    return view.get(kind, namespace, name);
  }

  public <T extends HasMetadata> List<T> list(InputKind<T> kind) {
    listener.readKind(kind, null);
    return view.list(kind);
  }

  public <T extends HasMetadata> List<T> listInNamespace(InputKind<T> kind, String namespace) {
    listener.readKind(kind, namespace);
    return view.listInNamespace(kind, namespace);
  }

  public <T extends HasMetadata> List<T> byIndex(InputIndex<T> index, String key) {
    listener.readIndex(index, key);
    return view.byIndex(index, key);
  }
}
