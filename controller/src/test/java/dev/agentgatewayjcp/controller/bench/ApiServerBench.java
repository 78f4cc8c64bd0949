package dev.agentgatewayjcp.controller.bench;

import dev.agentgatewayjcp.controller.kube.RealApiServer;
import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.gatewayapi.v1.Gateway;
import io.fabric8.kubernetes.api.model.gatewayapi.v1.HTTPRoute;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientException;
import io.fabric8.kubernetes.client.informers.ResourceEventHandler;
import io.fabric8.kubernetes.client.informers.SharedIndexInformer;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.stream.Stream;

/**
 * ApiServerBench runs the scenarios against a real kube-apiserver and etcd (no node, no
 * controller manager: the harness writes Pod status and EndpointSlices itself, as pilot-load's
 * fake kubelet does). Each controller under test runs alone as a process of its own, ours and
 * agentgateway's in alternation, on the same objects.
 *
 * <p>A bare informer in the harness measures the API server's own watch delay (create call
 * returned to watch event) and counts status writes (updates that leave the generation alone).
 */
final class ApiServerBench implements AutoCloseable {

  private final Results results;
  private final RealApiServer api;
  private final KubernetesClient client;
  private final Path work;
  private final Path kubeconfig;
  private final Map<String, Long> routeAddedNanos = new ConcurrentHashMap<>();
  private final AtomicLong routeStatusWrites = new AtomicLong();
  private final AtomicLong gatewayStatusWrites = new AtomicLong();
  private final List<SharedIndexInformer<?>> informers = new ArrayList<>();
  private final ExecutorService writers = Executors.newFixedThreadPool(8, r -> {
    Thread t = new Thread(r, "bench-writer");
    t.setDaemon(true);
    return t;
  });
  private Workload workload;

  ApiServerBench(Results results, Path work) throws IOException {
    this.results = results;
    this.work = work;
    this.api = RealApiServer.startOrSkip();
    this.client = api.newClient();
    Files.createDirectories(work);
    this.kubeconfig = work.resolve("kubeconfig");
    Files.writeString(kubeconfig, api.kubeConfigYaml());
  }

  /** The Target that writes through the API server; a write returns once the server committed it. */
  final Target target = new Target() {
    @Override
    public void apply(HasMetadata object) {
      if (object instanceof Pod pod) {
        Pod created = client.resource(pod).create();
        created.setStatus(pod.getStatus());
        client.resource(created).updateStatus();
      } else {
        client.resource(object).forceConflicts().serverSideApply();
      }
    }

    @Override
    public void delete(HasMetadata object) {
      client.resource(object).withGracePeriod(0).delete();
    }
  };

  /** Installs agentgateway's CRDs from its source tree, so that the peer's informers can start. */
  void installCrds(Path dir) throws IOException {
    try (Stream<Path> files = Files.list(dir)) {
      for (Path f : files.filter(p -> p.toString().endsWith(".yaml")).sorted().toList()) {
        try (InputStream in = Files.newInputStream(f)) {
          for (HasMetadata o : client.load(in).items()) {
            client.resource(o).forceConflicts().serverSideApply();
          }
        } catch (RuntimeException e) {
          System.err.println("skipping " + f.getFileName() + ": " + e.getMessage());
        }
      }
    }
  }

  /** Creates the base objects and {@code apps} apps, eight writers in parallel; returns seconds. */
  double load(Workload w) throws Exception {
    this.workload = w;
    long t0 = System.nanoTime();
    // kube-api-test's Service range is a /24 (254 Services); the bench needs one per app.
    for (HasMetadata o : client.load(new java.io.ByteArrayInputStream("""
        apiVersion: networking.k8s.io/v1
        kind: ServiceCIDR
        metadata: {name: bench}
        spec: {cidrs: [10.96.0.0/16]}
        """.getBytes(java.nio.charset.StandardCharsets.UTF_8))).items()) {
      client.resource(o).create();
    }
    for (HasMetadata o : w.base(true)) {
      target.apply(o);
    }
    List<Future<?>> pending = new ArrayList<>();
    for (int app = 0; app < w.apps; app++) {
      int a = app;
      pending.add(writers.submit(() -> w.app(a, false).forEach(target::apply)));
    }
    for (Future<?> f : pending) {
      f.get(10, TimeUnit.MINUTES);
    }
    watch();
    return (System.nanoTime() - t0) / 1e9;
  }

  private void watch() {
    informers.add(client.resources(HTTPRoute.class).inAnyNamespace().inform(new ResourceEventHandler<>() {
      @Override
      public void onAdd(HTTPRoute r) {
        routeAddedNanos.put(r.getMetadata().getName(), System.nanoTime());
      }

      @Override
      public void onUpdate(HTTPRoute old, HTTPRoute now) {
        if (Objects.equals(old.getMetadata().getGeneration(), now.getMetadata().getGeneration())
            && !Objects.equals(old.getStatus(), now.getStatus())) {
          routeStatusWrites.incrementAndGet();
        }
      }

      @Override
      public void onDelete(HTTPRoute r, boolean unknown) {}
    }, 0));
    informers.add(client.resources(Gateway.class).inAnyNamespace().inform(new ResourceEventHandler<>() {
      @Override
      public void onAdd(Gateway g) {}

      @Override
      public void onUpdate(Gateway old, Gateway now) {
        if (Objects.equals(old.getMetadata().getGeneration(), now.getMetadata().getGeneration())
            && !Objects.equals(old.getStatus(), now.getStatus())) {
          gatewayStatusWrites.incrementAndGet();
        }
      }

      @Override
      public void onDelete(Gateway g, boolean unknown) {}
    }, 0));
  }

  /**
   * One round for one controller: start it, time until K proxies hold every route, propagation
   * quiet and under churn, then steady churn at each rate.
   */
  void round(int round, ControllerProcess.Kind kind, Path ourJar, Path peerBinary, int heapMiB,
      int[] proxyCounts, int probes, double[] rates, int churnProxies) throws Exception {
    Path log = work.resolve(kind.label + "-round" + round + ".log");
    long started = System.nanoTime();
    try (ControllerProcess controller = ControllerProcess.start(kind, kubeconfig, log, heapMiB, ourJar, peerBinary)) {
      Meter meter = Meter.process(controller.pid());
      String label = kind.label;
      int routes = workload.routes();
      // Cold start: the first proxy to full state.
      try (ProxyFleet first = fleet(controller, 1)) {
        double syncSeconds = (System.nanoTime() - started) / 1e9;
        Thread.sleep(5_000);
        Meter.Reading afterSync = meter.read();
        results.row("api-sync", round, label, routes, syncSeconds, afterSync.cpuNanos() / 1e9,
            afterSync.rssBytes() / 1048576.0, first.bytesReceived() / 1024.0, first.heldByFirst(), Meter.loadAverage());
      }
      for (int k : proxyCounts) {
        try (ProxyFleet fleet = fleet(controller, k)) {
          // Warm-up: enough single-route changes for the JIT to compile the change path, in
          // either controller, before anything is recorded.
          probe(fleet, 100, 900_000 + round * 10_000 + k * 100, null);
          for (boolean churning : new boolean[] {false, true}) {
            try (Churn churn = new Churn(target, workload, writers).start(Churn.Kind.BOTH, churning ? 20 : 0)) {
              double[][] r = probe(fleet, probes, 1_000_000 + round * 100_000 + k * 10 + (churning ? 5000 : 0), label);
              double[] total = r[0];
              double[] watchDelay = r[1];
              double[] afterEvent = r[2];
              results.samples("api " + label + " r" + round + " K=" + k + (churning ? " churn" : " quiet"), total);
              results.row("propagation-api", round, label, routes, k, churning ? "20/s" : "quiet", probes,
                  Results.percentile(total, 50), Results.percentile(total, 99),
                  Results.percentile(watchDelay, 50), Results.percentile(watchDelay, 99),
                  Results.percentile(afterEvent, 50), Results.percentile(afterEvent, 99), Meter.loadAverage());
            }
          }
        }
      }
      try (ProxyFleet fleet = fleet(controller, churnProxies)) {
        // Let status writes and pushes left from the propagation phase finish first.
        Thread.sleep(10_000);
        Meter.Reading idleStart = meter.read();
        Thread.sleep(15_000);
        Meter.Reading idle = meter.read().minus(idleStart);
        double idleCores = idle.cpuNanos() / (double) idle.nanos();
        results.row("churn-api", round, label, routes, "idle", 0, 0, idleCores, 0, 0, 0,
            idle.rssBytes() / 1048576.0, Meter.loadAverage());
        for (Churn.Kind churnKind : new Churn.Kind[] {Churn.Kind.ROUTES, Churn.Kind.PODS}) {
          for (double rate : rates) {
            long seconds = rate >= 50 ? 10 : rate >= 10 ? 15 : 20;
            Churn churn = new Churn(target, workload, writers);
            long statusBefore = routeStatusWrites.get() + gatewayStatusWrites.get();
            long bytesBefore = fleet.bytesReceived();
            Meter.Reading start = meter.read();
            churn.start(churnKind, rate);
            Thread.sleep(seconds * 1000);
            churn.close();
            Thread.sleep(1500);
            Meter.Reading w = meter.read().minus(start);
            long n = churn.changes.get();
            results.row("churn-api", round, label, routes, churnKind.name().toLowerCase(java.util.Locale.ROOT), rate, n,
                w.cpuNanos() / (double) w.nanos(), (w.cpuNanos() - idleCores * w.nanos()) / 1e6 / n,
                (routeStatusWrites.get() + gatewayStatusWrites.get() - statusBefore) / (double) n,
                (fleet.bytesReceived() - bytesBefore) / (double) n / churnProxies,
                w.rssBytes() / 1048576.0, Meter.loadAverage());
          }
        }
      }
    }
  }

  private ProxyFleet fleet(ControllerProcess controller, int k) throws InterruptedException {
    return new ProxyFleet("127.0.0.1", controller.xdsPort, Workload.GATEWAY_NAMESPACE, controller.kind.gateway, k)
        .connect(workload.routes(), Duration.ofMinutes(5));
  }

  /**
   * Creates probe routes one after another; returns sorted [total, API watch delay, event to last
   * proxy] in milliseconds. t0 is when the create call returned, as in gateway-api-bench.
   */
  private double[][] probe(ProxyFleet fleet, int count, int first, String label) throws Exception {
    double[] total = new double[count];
    double[] watchDelay = new double[count];
    double[] afterEvent = new double[count];
    List<HTTPRoute> created = new ArrayList<>();
    for (int i = 0; i < count; i++) {
      HTTPRoute route = Workload.probeRoute(first + i);
      String name = route.getMetadata().getName();
      String marker = Workload.marker(Workload.PROBE_NAMESPACE, name);
      var arrival = fleet.watch(marker);
      client.resource(route).create();
      long t0 = System.nanoTime();
      created.add(route);
      long last = fleet.awaitAll(marker, arrival, Duration.ofSeconds(60));
      Long event = routeAddedNanos.get(name);
      long eventAt = event == null ? t0 : Math.max(t0, event);
      total[i] = (last - t0) / 1e6;
      watchDelay[i] = (eventAt - t0) / 1e6;
      afterEvent[i] = (last - eventAt) / 1e6;
    }
    for (HTTPRoute r : created) {
      try {
        client.resource(r).withGracePeriod(0).delete();
      } catch (KubernetesClientException ignored) {
        // Already gone.
      }
    }
    Arrays.sort(total);
    Arrays.sort(watchDelay);
    Arrays.sort(afterEvent);
    return new double[][] {total, watchDelay, afterEvent};
  }

  @Override
  public void close() {
    informers.forEach(SharedIndexInformer::close);
    writers.shutdownNow();
    client.close();
    api.close();
  }
}
