package dev.agentgatewayjcp.controller.bench;

import dev.agentgatewayjcp.controller.loop.IncrementalTranslationLoop;
import dev.agentgatewayjcp.controller.source.InputStore;
import dev.agentgatewayjcp.controller.status.StatusSink;
import dev.agentgatewayjcp.controller.xds.XdsAuthenticator;
import dev.agentgatewayjcp.controller.xds.XdsCache;
import dev.agentgatewayjcp.controller.xds.XdsServer;
import dev.agentgatewayjcp.controller.xds.XdsServerCallbacks;
import dev.agentgatewayjcp.controller.xds.XdsServerConfig;
import dev.agentgatewayjcp.translator.input.TranslationSettings;
import io.fabric8.kubernetes.api.model.HasMetadata;
import java.io.IOException;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;

/**
 * InProcessController is the Kubernetes-mode pipeline without an API server: the harness writes
 * objects into the input store as informers would, one thread translates incrementally, and the
 * real Delta ADS server pushes to the simulated proxies.
 *
 * <p>Unlike {@code KubernetesControlPlane} it translates as soon as the translation thread is
 * free, without the 10 ms quiet period, so its figures are the pipeline's own cost; statuses are
 * counted instead of written.
 */
final class InProcessController implements AutoCloseable {

  final InputStore store = new InputStore();
  final XdsCache cache = new XdsCache();
  private final IncrementalTranslationLoop loop;
  private final XdsServer server;
  private final ExecutorService translation = Executors.newSingleThreadExecutor(r -> {
    Thread t = new Thread(r, "translation");
    t.setDaemon(true);
    return t;
  });
  private final AtomicBoolean scheduled = new AtomicBoolean();
  /** Objects whose status changed, summed over all batches: what a status writer would write. */
  final AtomicLong statusChanges = new AtomicLong();
  final AtomicLong batches = new AtomicLong();

  InProcessController() throws IOException {
    StatusSink counting = (changed, removed) -> statusChanges.addAndGet(changed.size() + removed.size());
    loop = new IncrementalTranslationLoop(TranslationSettings.defaults(Clock.systemUTC()), cache, counting);
    server = new XdsServer(XdsServerConfig.defaults().withHost("127.0.0.1").withPort(0),
        cache, XdsAuthenticator.ALLOW_ALL, XdsServerCallbacks.NONE).start();
    store.setListener(this::onChange);
  }

  int port() {
    return server.port();
  }

  private void onChange() {
    if (scheduled.compareAndSet(false, true)) {
      translation.execute(() -> {
        scheduled.set(false);
        batches.incrementAndGet();
        loop.apply(store.drainChanges());
      });
    }
  }

  /** Loads objects in one batch, as an informer's initial list would, and waits for translation. */
  void load(List<HasMetadata> objects) throws Exception {
    store.setListener(() -> {});
    objects.forEach(store::upsert);
    store.setListener(this::onChange);
    translation.submit(() -> loop.apply(store.drainChanges())).get(10, TimeUnit.MINUTES);
  }

  /** Waits until everything written so far has been translated and published. */
  void settle() throws Exception {
    translation.submit(() -> { }).get(1, TimeUnit.MINUTES);
    translation.submit(() -> { }).get(1, TimeUnit.MINUTES);
  }

  @Override
  public void close() {
    translation.shutdownNow();
    server.shutdown(Duration.ofSeconds(1));
  }
}
