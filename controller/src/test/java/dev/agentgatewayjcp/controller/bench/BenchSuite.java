package dev.agentgatewayjcp.controller.bench;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Set;

/**
 * BenchSuite runs the control-plane benchmarks modelled on gateway-api-bench (route propagation,
 * route scale, steady churn), in process and against a real API server, side by side with
 * agentgateway's own controller when one is given, and regenerates docs/performance.md.
 *
 * <p>Run it with {@code scripts/bench.sh}; see docs/performance.md. Arguments: a comma-separated
 * list of phases ({@code inprocess}, {@code scale}, {@code churn}, {@code api}, {@code report};
 * default all), and optionally {@code quick} for a short smoke run. Environment:
 * {@code BENCH_DIR} (results, logs; default target/bench), {@code BENCH_REPO_ROOT} (where docs/
 * is), {@code AGENTGATEWAY_CONTROLLER_BIN} (the peer's binary), {@code AGENTGATEWAY_CRDS_DIR}
 * (the peer's CRD YAML directory), {@code BENCH_OUR_JAR} (our shaded jar).
 */
public final class BenchSuite {

  /**
   * Memory ceiling of each controller process: ours -Xmx, the peer's GOMEMLIMIT. At 5,000 apps our
   * controller runs out of a 192 MiB heap while its informers list the Pods; 384 MiB fits.
   */
  static final int HEAP_MIB = Integer.parseInt(System.getenv().getOrDefault("BENCH_HEAP_MIB", "384"));

  private BenchSuite() {}

  public static void main(String[] args) throws Exception {
    Thread.currentThread().setName("bench-main");
    Set<String> phases = Set.of((args.length > 0 && !args[0].isBlank() ? args[0] : "inprocess,scale,churn,api,report").split(","));
    boolean quick = args.length > 1 && args[1].equals("quick");
    Path root = Path.of(System.getenv().getOrDefault("BENCH_REPO_ROOT", ".")).toAbsolutePath().normalize();
    Path dir = Path.of(System.getenv().getOrDefault("BENCH_DIR", root.resolve("controller/target/bench").toString()));
    Path resultsDir = dir.resolve("results");
    Files.createDirectories(resultsDir);
    Results results = new Results();

    if (phases.contains("scale-child")) {
      // args: scale-child ROUTES_PER_APP:APPS:LABEL:CHANGES[:listenersets]
      String[] a = args[1].split(":");
      int apps = Integer.parseInt(a[1]);
      int routesPerApp = Integer.parseInt(a[0]);
      Workload workload = a.length > 4 && a[4].equals("listenersets")
          ? Workload.listenerSets(apps, routesPerApp) : Workload.manyRoutesPerApp(apps, routesPerApp);
      new InProcessBench(results).scale(workload, 1, Integer.parseInt(a[3]), a[2]);
      System.exit(0);
    }
    if (phases.contains("inprocess")) {
      results.row("machine", "inprocess-start", Meter.loadAverage());
      new InProcessBench(results).propagation(new int[] {0, 5_000},
          quick ? new int[] {1, 100} : new int[] {1, 100, 1_000}, quick ? 30 : 100);
      results.writeTsv(resultsDir);
    }
    if (phases.contains("scale")) {
      scaleChildren(results, quick, dir);
      results.writeTsv(resultsDir);
    }
    if (phases.contains("churn")) {
      new InProcessBench(results).churn(quick ? 1_000 : 5_000, 10, new double[] {1, 10, 50});
      results.writeTsv(resultsDir);
    }
    if (phases.contains("api")) {
      api(results, quick, dir, root);
      results.writeTsv(resultsDir);
    }
    if (phases.contains("report")) {
      Report.write(Results.readTsv(resultsDir), root.resolve("docs/performance.md"), root.resolve("docs/images"));
    }
    System.exit(0);
  }

  /** Each route-scale point in a fresh JVM with a fixed heap, so that its RSS is the controller's. */
  private static void scaleChildren(Results results, boolean quick, Path dir) throws Exception {
    record Point(String label, int routesPerApp, int apps, int heapMiB, boolean listenerSets) {}
    List<Point> points = new ArrayList<>(List.of(
        new Point("1k", 1, 1_000, 160, false), new Point("5k", 1, 5_000, 160, false)));
    if (!quick) {
      // The bench's listenerset profile: 2,500 ListenerSets, each with one listener and 16 routes.
      points.add(new Point("40k", 16, 2_500, 400, true));
    }
    for (Point p : points) {
      for (int heap : new int[] {p.heapMiB, p.heapMiB * 2}) {
        List<String> cmd = new ArrayList<>(List.of(
            Path.of(System.getProperty("java.home"), "bin", "java").toString(),
            "-Xmx" + heap + "m", "-XX:+UseSerialGC", "-XX:ActiveProcessorCount=2",
            "-cp", System.getProperty("java.class.path"), BenchSuite.class.getName(),
            "scale-child", p.routesPerApp + ":" + p.apps + ":" + p.label + ":" + (quick ? 50 : 3_000)
                + (p.listenerSets ? ":listenersets" : "")));
        Process child = new ProcessBuilder(cmd).redirectErrorStream(true).start();
        Path log = dir.resolve("scale-" + p.label + "-" + heap + "m.log");
        List<String> lines = new ArrayList<>();
        try (BufferedReader in = new BufferedReader(new InputStreamReader(child.getInputStream(), StandardCharsets.UTF_8))) {
          String line;
          while ((line = in.readLine()) != null) {
            lines.add(line);
            if (line.startsWith(Results.ROW_PREFIX)) {
              results.parse(line);
              System.out.println(line);
            }
          }
        }
        Files.write(log, lines);
        if (child.waitFor() == 0) {
          break;
        }
        System.out.println("scale " + p.label + " failed with -Xmx" + heap + "m; see " + log);
      }
    }
  }

  private static void api(Results results, boolean quick, Path dir, Path root) throws Exception {
    Path ourJar = Path.of(System.getenv().getOrDefault("BENCH_OUR_JAR",
        root.resolve("controller/target/agentgateway-jcp.jar").toString()));
    String peerEnv = System.getenv("AGENTGATEWAY_CONTROLLER_BIN");
    Path peer = peerEnv == null || peerEnv.isBlank() ? null : Path.of(peerEnv);
    List<ControllerProcess.Kind> order = new ArrayList<>();
    int rounds = quick ? 1 : 2;
    for (int r = 0; r < rounds; r++) {
      // A/B then B/A, so neither always runs first on a warmer API server.
      List<ControllerProcess.Kind> pair = peer == null ? List.of(ControllerProcess.Kind.OURS)
          : r % 2 == 0 ? List.of(ControllerProcess.Kind.OURS, ControllerProcess.Kind.PEER)
              : List.of(ControllerProcess.Kind.PEER, ControllerProcess.Kind.OURS);
      order.addAll(pair);
    }
    if (peer == null) {
      results.row("peer", "not run", "AGENTGATEWAY_CONTROLLER_BIN is not set");
    }
    // BENCH_ONLY=jcp or BENCH_ONLY=agentgateway runs one of them (for debugging a run).
    String only = System.getenv("BENCH_ONLY");
    if (only != null && !only.isBlank()) {
      order.removeIf(k -> !k.label.equals(only));
    }
    try (ApiServerBench bench = new ApiServerBench(results, dir.resolve("api"))) {
      String crds = System.getenv("AGENTGATEWAY_CRDS_DIR");
      if (peer != null && crds != null) {
        bench.installCrds(Path.of(crds));
      }
      int routes = quick ? 500 : 5_000;
      double seconds = bench.load(Workload.routeScale(routes));
      results.row("api-load", routes, seconds, Meter.loadAverage());
      int round = 0;
      for (ControllerProcess.Kind kind : order) {
        try {
          bench.round(round / 2, kind, ourJar, peer, HEAP_MIB,
              quick ? new int[] {1, 10} : new int[] {1, 100}, quick ? 20 : 100, new double[] {1, 10, 50}, 10);
        } catch (Exception | AssertionError e) {
          results.row("peer", kind.label + " round " + round / 2 + " failed", String.valueOf(e.getMessage()).replace('\n', ' '));
          e.printStackTrace();
        }
        round++;
        results.writeTsv(dir.resolve("results"));
      }
    }
  }

  static String join(double[] values) {
    return Arrays.toString(values);
  }
}
