package dev.agentgatewayjcp.translator.bench;

import dev.agentgatewayjcp.translator.TranslationResult;
import dev.agentgatewayjcp.translator.Translator;
import dev.agentgatewayjcp.translator.engine.IncrementalEngine;
import dev.agentgatewayjcp.translator.engine.InputChange;
import dev.agentgatewayjcp.translator.engine.TranslationDelta;
import dev.agentgatewayjcp.translator.input.InMemoryInputView;
import dev.agentgatewayjcp.translator.input.TranslationSettings;
import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.Service;
import io.fabric8.kubernetes.api.model.ServiceBuilder;
import io.fabric8.kubernetes.api.model.gatewayapi.v1.GatewayBuilder;
import io.fabric8.kubernetes.api.model.gatewayapi.v1.GatewayClassBuilder;
import io.fabric8.kubernetes.api.model.gatewayapi.v1.HTTPRoute;
import io.fabric8.kubernetes.api.model.gatewayapi.v1.HTTPRouteBuilder;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.Random;

/**
 * TranslatorBenchmark measures what issue 3 asks for: the cost of one route change with 1k, 5k
 * and 40k existing routes (incremental engine), a full translation of 5k routes, and retained
 * heap per route. It is a plain main class, not a test, so the build never runs it.
 *
 * <p>Run it as docs/performance.md (section Translator) shows: compile both modules in one reactor
 * run, then start this class with {@code java -cp} over their target directories.
 */
public final class TranslatorBenchmark {

  private static final TranslationSettings SETTINGS =
      TranslationSettings.defaults(Clock.fixed(Instant.parse("2026-01-01T00:00:00Z"), ZoneOffset.UTC));
  private static final int NAMESPACES = 50;
  private static final int SERVICES_PER_NAMESPACE = 4;
  // -Dbench.servicePerRoute=true gives each route its own Service, so one Gateway uses N Services.
  private static final boolean SERVICE_PER_ROUTE = Boolean.getBoolean("bench.servicePerRoute");

  private TranslatorBenchmark() {}

  public static void main(String[] args) {
    int[] sizes = args.length > 0 ? Arrays.stream(args).mapToInt(Integer::parseInt).toArray() : new int[] {1_000, 5_000, 40_000};
    System.out.printf(Locale.ROOT, "JVM %s, %d CPUs, max heap %d MiB%n",
        System.getProperty("java.version"), Runtime.getRuntime().availableProcessors(),
        Runtime.getRuntime().maxMemory() >> 20);
    // One unreported round first, so the 1k figure is not paying for JIT compilation.
    routeChange(1_000, false);
    for (int n : sizes) {
      routeChange(n, true);
    }
    fullTranslation(5_000);
  }

  /** Base objects: our class, one Gateway accepting routes from all namespaces, Services. */
  static List<HasMetadata> base() {
    List<HasMetadata> objects = new ArrayList<>();
    objects.add(new GatewayClassBuilder().withNewMetadata().withName("agentgateway").endMetadata()
        .withNewSpec().withControllerName(SETTINGS.controllerName()).endSpec().build());
    objects.add(new GatewayBuilder().withNewMetadata().withName("gw").withNamespace("infra").endMetadata()
        .withNewSpec().withGatewayClassName("agentgateway")
        .addNewListener().withName("http").withPort(80).withProtocol("HTTP")
        .withNewAllowedRoutes().withNewNamespaces().withFrom("All").endNamespaces().endAllowedRoutes()
        .endListener().endSpec().build());
    for (int ns = 0; ns < NAMESPACES; ns++) {
      for (int s = 0; s < SERVICES_PER_NAMESPACE; s++) {
        objects.add(new ServiceBuilder().withNewMetadata().withName("svc-" + s).withNamespace("team-" + ns).endMetadata()
            .withNewSpec().withClusterIP("10.96." + ns + "." + (s + 1))
            .addNewPort().withName("http").withPort(8080).endPort().endSpec().build());
      }
    }
    return objects;
  }

  static Service routeService(int i) {
    return new ServiceBuilder().withNewMetadata().withName("route-svc-" + i).withNamespace("team-" + (i % NAMESPACES))
        .endMetadata().withNewSpec().withClusterIP("10." + (100 + i / 65_536) + "." + (i / 256 % 256) + "." + (i % 256))
        .addNewPort().withName("http").withPort(8080).endPort().endSpec().build();
  }

  static HTTPRoute route(int i, String path) {
    return new HTTPRouteBuilder()
        .withNewMetadata().withName("route-" + i).withNamespace("team-" + (i % NAMESPACES))
        .withCreationTimestamp("2025-01-01T00:00:00Z").endMetadata()
        .withNewSpec()
        .addNewParentRef().withName("gw").withNamespace("infra").endParentRef()
        .withHostnames("h" + i + ".example.com")
        .addNewRule()
        .addNewMatch().withNewPath().withType("PathPrefix").withValue(path).endPath().endMatch()
        .addNewBackendRef().withName(SERVICE_PER_ROUTE ? "route-svc-" + i : "svc-" + (i % SERVICES_PER_NAMESPACE))
        .withPort(8080).endBackendRef()
        .endRule()
        .endSpec().build();
  }

  private static void routeChange(int n, boolean report) {
    long heapBefore = usedHeapAfterGc();
    IncrementalEngine engine = new IncrementalEngine(SETTINGS);
    List<InputChange> load = new ArrayList<>();
    base().forEach(o -> load.add(InputChange.upsert(o)));
    engine.apply(load);
    long heapBase = usedHeapAfterGc();
    List<InputChange> routes = new ArrayList<>();
    for (int i = 0; i < n; i++) {
      if (SERVICE_PER_ROUTE) {
        routes.add(InputChange.upsert(routeService(i)));
      }
      routes.add(InputChange.upsert(route(i, "/api")));
    }
    long t0 = System.nanoTime();
    engine.apply(routes);
    long loadMs = (System.nanoTime() - t0) / 1_000_000;
    routes = null;
    long heapLoaded = usedHeapAfterGc();

    Random random = new Random(7);
    boolean[] onV2 = new boolean[n];
    int warmup = Integer.getInteger("bench.warmup", 5_000);
    int measured = Integer.getInteger("bench.measured", 20_000);
    long[] samples = new long[measured];
    int resourcesChanged = 0;
    for (int k = 0; k < warmup + measured; k++) {
      int i = random.nextInt(n);
      // Every change really changes the route, so each delta carries one Route upsert.
      onV2[i] = !onV2[i];
      HTTPRoute changed = route(i, onV2[i] ? "/v2" : "/api");
      long start = System.nanoTime();
      TranslationDelta delta = engine.apply(List.of(InputChange.upsert(changed)));
      long took = System.nanoTime() - start;
      if (k >= warmup) {
        samples[k - warmup] = took;
        resourcesChanged += delta.gateways().values().stream().mapToInt(d -> d.upserted().size() + d.removed().size()).sum();
      }
    }
    Arrays.sort(samples);
    double mean = Arrays.stream(samples).average().orElse(0) / 1000.0;
    if (!report) {
      return;
    }
    System.out.printf(Locale.ROOT,
        "routes=%d initial load %d ms; one route change: mean %.1f us, p50 %.1f us, p99 %.1f us (%.2f resources per delta); retained heap %.1f KiB/route (engine+inputs)%n",
        n, loadMs, mean, samples[measured / 2] / 1000.0, samples[measured * 99 / 100] / 1000.0,
        resourcesChanged / (double) measured, (heapLoaded - heapBase) / 1024.0 / n);
    if (engine.result().gateways().isEmpty() || heapBefore < 0) {
      throw new IllegalStateException("benchmark produced no output");
    }
  }

  private static void fullTranslation(int n) {
    List<HasMetadata> objects = base();
    for (int i = 0; i < n; i++) {
      if (SERVICE_PER_ROUTE) {
        objects.add(routeService(i));
      }
      objects.add(route(i, "/api"));
    }
    InMemoryInputView view = InMemoryInputView.of(objects);
    int runs = 15;
    long[] samples = new long[runs];
    TranslationResult last = null;
    for (int r = 0; r < runs + 5; r++) {
      long start = System.nanoTime();
      last = Translator.translate(view, SETTINGS);
      if (r >= 5) {
        samples[r - 5] = System.nanoTime() - start;
      }
    }
    Arrays.sort(samples);
    System.out.printf(Locale.ROOT, "full translation of %d routes: median %.1f ms, min %.1f ms (%d resources)%n",
        n, samples[runs / 2] / 1e6, samples[0] / 1e6, last.gateways().values().iterator().next().resources().size());
  }

  private static long usedHeapAfterGc() {
    Runtime rt = Runtime.getRuntime();
    for (int i = 0; i < 4; i++) {
      System.gc();
      try {
        Thread.sleep(50);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      }
    }
    return rt.totalMemory() - rt.freeMemory();
  }
}
