package dev.agentgatewayjcp.controller.bench;

import io.fabric8.kubernetes.api.model.HasMetadata;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * InProcessBench runs the scenarios with no API server: the harness writes objects into the
 * controller's input store as its informers would, and simulated proxies in the same JVM receive
 * the pushes over real HTTP/2 on loopback.
 */
final class InProcessBench {

  private final Results results;

  InProcessBench(Results results) {
    this.results = results;
  }

  /** A controller loaded with {@code workload}, writable as a {@link Target}. */
  static final class Loaded implements AutoCloseable, Target {
    final InProcessController controller;
    final Workload workload;
    /** Stands in for the API server's resourceVersion, which the store uses to skip no-op updates. */
    private final java.util.concurrent.atomic.AtomicLong resourceVersion = new java.util.concurrent.atomic.AtomicLong();

    Loaded(Workload workload) throws Exception {
      this.workload = workload;
      this.controller = new InProcessController();
      List<HasMetadata> objects = new ArrayList<>(workload.base(false));
      for (int app = 0; app < workload.apps; app++) {
        objects.addAll(workload.app(app, true));
      }
      objects.forEach(o -> o.getMetadata().setResourceVersion(Long.toString(resourceVersion.incrementAndGet())));
      controller.load(objects);
    }

    @Override
    public void apply(HasMetadata object) {
      object.getMetadata().setResourceVersion(Long.toString(resourceVersion.incrementAndGet()));
      controller.store.upsert(object);
    }

    @Override
    public void delete(HasMetadata object) {
      controller.store.delete(object);
    }

    ProxyFleet fleet(int proxies) throws InterruptedException {
      return new ProxyFleet("127.0.0.1", controller.port(), Workload.GATEWAY_NAMESPACE, Workload.OUR_GATEWAY, proxies)
          .connect(workload.routes(), Duration.ofMinutes(10));
    }

    @Override
    public void close() {
      controller.close();
    }
  }

  /** Route propagation: K proxies, N routes present, quiet or under churn. */
  void propagation(int[] routeCounts, int[] proxyCounts, int probes) throws Exception {
    for (int n : routeCounts) {
      for (int k : proxyCounts) {
        for (boolean churn : new boolean[] {false, true}) {
          try (Loaded loaded = new Loaded(Workload.routeScale(n)); ProxyFleet fleet = loaded.fleet(k)) {
            // Enough probes for the JIT to compile the change path; 20 left it interpreted.
            propagate(loaded, fleet, k >= 1000 ? 50 : 300, -1, false, "warm-up");
            int r = k >= 1000 ? Math.max(30, probes / 2) : probes;
            try (Churn c = new Churn(loaded, loaded.workload).start(Churn.Kind.BOTH, churn ? 20 : 0)) {
              double[] ms = propagate(loaded, fleet, r, 1000, true, "");
              String label = "in-process N=" + n + " K=" + k + (churn ? " churn" : " quiet");
              results.samples(label, ms);
              results.row("propagation-inprocess", n, k, churn ? "20/s" : "quiet", r,
                  Results.percentile(ms, 50), Results.percentile(ms, 90), Results.percentile(ms, 99),
                  ms[ms.length - 1], Meter.loadAverage());
            }
          } catch (Exception | AssertionError e) {
            results.row("propagation-inprocess", n, k, churn ? "20/s" : "quiet", "failed: "
                + String.valueOf(e.getMessage()).replace('\n', ' '), "", "", "", "", Meter.loadAverage());
          }
          System.gc();
        }
      }
    }
  }

  private static double[] propagate(Loaded loaded, ProxyFleet fleet, int count, int offset, boolean record, String what)
      throws Exception {
    double[] ms = new double[count];
    for (int i = 0; i < count; i++) {
      var route = Workload.probeRoute((offset < 0 ? 100_000 : offset) + i);
      String marker = Workload.marker(Workload.PROBE_NAMESPACE, route.getMetadata().getName());
      var arrival = fleet.watch(marker);
      long t0 = System.nanoTime();
      loaded.apply(route);
      long last = fleet.awaitAll(marker, arrival, Duration.ofSeconds(60));
      ms[i] = (last - t0) / 1e6;
    }
    for (int i = 0; i < count; i++) {
      loaded.delete(Workload.probeRoute((offset < 0 ? 100_000 : offset) + i));
    }
    loaded.controller.settle();
    Arrays.sort(ms);
    return ms;
  }

  /**
   * Route scale, run in a JVM of its own so that its RSS is the controller's: load N routes, time
   * it, read live heap and RSS, connect proxies, then change single routes one at a time.
   */
  void scale(Workload workload, int proxies, int changes, String label) throws Exception {
    Meter meter = Meter.inThisJvm();
    long heapBefore = Meter.liveHeapBytes();
    Meter.Reading before = meter.read();
    Loaded loaded = new Loaded(workload);
    Meter.Reading loadedAt = meter.read().minus(before);
    long liveAfterLoad = Meter.liveHeapBytes() - heapBefore;
    ProxyFleet fleet = loaded.fleet(proxies);
    long initialBytesPerProxy = fleet.bytesReceived() / proxies;
    long liveWithProxies = Meter.liveHeapBytes() - heapBefore;
    // Warm-up changes, then measured ones; each waits until every proxy has it.
    Churn churn = new Churn(loaded, workload);
    int[] revision = new int[workload.apps];
    java.util.Random random = new java.util.Random(3);
    double[] ms = new double[changes];
    Meter.Reading start = null;
    long translationCpuBefore = 0;
    long gcMillisBefore = 0;
    long statusBefore = 0;
    long bytesBefore = 0;
    // As many warm-up changes as measured ones (at least 200): with only 200, the window still paid
    // for JIT compilation, which tripled the CPU per change at 300 measured changes.
    for (int i = -Math.max(200, changes); i < changes; i++) {
      if (i == 0) {
        loaded.controller.settle();
        translationCpuBefore = threadCpuNanos("translation");
        gcMillisBefore = gcMillis();
        start = meter.read();
        statusBefore = loaded.controller.statusChanges.get();
        bytesBefore = fleet.bytesReceived();
      }
      int app = random.nextInt(workload.apps);
      var route = workload.route(app, 0, ++revision[app] + 1_000_000 * (i < 0 ? 1 : 2));
      String marker = Workload.marker(route.getMetadata().getNamespace(), route.getMetadata().getName());
      // The name is unchanged by an update: watch for its next arrival at every proxy.
      var arrival = fleet.watch(marker);
      long t0 = System.nanoTime();
      loaded.apply(route);
      long last = fleet.awaitAll(marker, arrival, Duration.ofSeconds(60));
      if (i >= 0) {
        ms[i] = (last - t0) / 1e6;
      }
    }
    loaded.controller.settle();
    Meter.Reading window = meter.read().minus(start);
    // Split the CPU per change into the engine's own thread and garbage collection, the two
    // parts that behave differently as the route count grows.
    double translationMsPerChange = (threadCpuNanos("translation") - translationCpuBefore) / 1e6 / changes;
    double gcMsPerChange = (gcMillis() - gcMillisBefore) / (double) changes;
    long bytesPerProxyPerChange = (fleet.bytesReceived() - bytesBefore) / ((long) changes * proxies);
    double statusPerChange = (loaded.controller.statusChanges.get() - statusBefore) / (double) changes;
    Arrays.sort(ms);
    long rss = Meter.rss("self");
    results.row("scale-inprocess", label, workload.routes(), proxies,
        loadedAt.nanos() / 1e9, loadedAt.cpuNanos() / 1e9, loadedAt.allocatedBytes() / 1048576.0,
        liveAfterLoad / 1048576.0, liveWithProxies / 1048576.0, rss / 1048576.0,
        Runtime.getRuntime().maxMemory() >> 20,
        initialBytesPerProxy / 1024.0,
        Results.percentile(ms, 50), Results.percentile(ms, 99),
        window.cpuNanos() / 1e6 / changes, window.allocatedBytes() / 1024.0 / changes,
        bytesPerProxyPerChange, statusPerChange, translationMsPerChange, gcMsPerChange, Meter.loadAverage());
    fleet.close();
    loaded.close();
    churn.close();
  }

  private static long threadCpuNanos(String name) {
    var threads = java.lang.management.ManagementFactory.getThreadMXBean();
    long total = 0;
    for (Thread t : Thread.getAllStackTraces().keySet()) {
      if (t.getName().equals(name)) {
        total += Math.max(0, threads.getThreadCpuTime(t.getId()));
      }
    }
    return total;
  }

  private static long gcMillis() {
    return java.lang.management.ManagementFactory.getGarbageCollectorMXBeans().stream()
        .mapToLong(b -> Math.max(0, b.getCollectionTime())).sum();
  }

  /** Steady churn at several rates: CPU, allocation, status changes and bytes per change. */
  void churn(int routes, int proxies, double[] rates) throws Exception {
    Meter meter = Meter.inThisJvm();
    try (Loaded loaded = new Loaded(Workload.routeScale(routes)); ProxyFleet fleet = loaded.fleet(proxies)) {
      // Warm the JIT on the change paths, then measure the idle cost.
      try (Churn warm = new Churn(loaded, loaded.workload).start(Churn.Kind.BOTH, 50)) {
        Thread.sleep(10_000);
      }
      loaded.controller.settle();
      Meter.Reading idleStart = meter.read();
      Thread.sleep(10_000);
      Meter.Reading idle = meter.read().minus(idleStart);
      double idleCores = idle.cpuNanos() / (double) idle.nanos();
      results.row("churn-inprocess", routes, proxies, "idle", 0, 0, idleCores, 0, 0, 0, 0, Meter.loadAverage());
      for (Churn.Kind kind : new Churn.Kind[] {Churn.Kind.ROUTES, Churn.Kind.PODS}) {
        for (double rate : rates) {
          long seconds = rate >= 50 ? 10 : rate >= 10 ? 15 : 30;
          Churn churn = new Churn(loaded, loaded.workload);
          long statusBefore = loaded.controller.statusChanges.get();
          long bytesBefore = fleet.bytesReceived();
          Meter.Reading start = meter.read();
          churn.start(kind, rate);
          Thread.sleep(seconds * 1000);
          churn.close();
          loaded.controller.settle();
          Thread.sleep(200);
          Meter.Reading w = meter.read().minus(start);
          long n = churn.changes.get();
          // The churn thread ended inside the window, so the meter cannot exclude it by itself.
          long cpu = w.cpuNanos() - churn.driverCpuNanos;
          double cpuMs = (cpu - idleCores * w.nanos()) / 1e6 / n;
          results.row("churn-inprocess", routes, proxies, kind.name().toLowerCase(java.util.Locale.ROOT), rate, n,
              cpu / (double) w.nanos(), cpuMs, w.allocatedBytes() / 1024.0 / n,
              (loaded.controller.statusChanges.get() - statusBefore) / (double) n,
              (fleet.bytesReceived() - bytesBefore) / (double) n / proxies, Meter.loadAverage());
        }
      }
    }
  }
}
