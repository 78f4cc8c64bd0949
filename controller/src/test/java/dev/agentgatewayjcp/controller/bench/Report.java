package dev.agentgatewayjcp.controller.bench;

import java.io.IOException;
import java.lang.management.ManagementFactory;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.function.Predicate;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.knowm.xchart.BitmapEncoder;
import org.knowm.xchart.CategoryChart;
import org.knowm.xchart.CategoryChartBuilder;
import org.knowm.xchart.XYChart;
import org.knowm.xchart.XYChartBuilder;
import org.knowm.xchart.style.Styler;

/**
 * Report turns the result tables into the generated blocks of docs/performance.md (between
 * {@code <!-- generated:NAME -->} and {@code <!-- /generated:NAME -->}) and into PNG plots;
 * the prose around the blocks is written by hand and left alone.
 */
final class Report {

  private final Results r;
  private final Map<String, String> blocks = new LinkedHashMap<>();

  private Report(Results r) {
    this.r = r;
  }

  static void write(Results results, Path markdown, Path images) throws IOException {
    Files.createDirectories(images);
    Report report = new Report(results);
    report.build(images);
    String doc = Files.readString(markdown);
    for (var e : report.blocks.entrySet()) {
      Pattern p = Pattern.compile("(<!-- generated:" + e.getKey() + " -->\n)(.*?)(<!-- /generated:" + e.getKey() + " -->)",
          Pattern.DOTALL);
      Matcher m = p.matcher(doc);
      if (m.find()) {
        doc = m.replaceFirst(Matcher.quoteReplacement(m.group(1) + e.getValue() + m.group(3)));
      } else {
        System.out.println("docs/performance.md has no block " + e.getKey() + "; not written");
      }
    }
    Files.writeString(markdown, doc);
    System.out.println("wrote " + markdown + " and plots in " + images);
  }

  private List<List<String>> table(String name) {
    return r.tables.getOrDefault(name, List.of());
  }

  private void build(Path images) throws IOException {
    blocks.put("machine", machine());
    blocks.put("propagation-inprocess", markdown(
        "| routes present | proxies (K) | churn | probes | p50 ms | p90 ms | p99 ms | max ms | load avg |",
        table("propagation-inprocess")));
    blocks.put("scale-inprocess", markdown(
        "| profile | routes | proxies | load s | load CPU s | load alloc MiB | live heap MiB | live heap with proxies MiB | RSS MiB | -Xmx MiB | initial KiB per proxy | change p50 ms | change p99 ms | CPU per change ms | alloc per change KiB | bytes per proxy per change | status changes per change | of which translation thread ms | GC ms per change | load avg |",
        table("scale-inprocess")));
    blocks.put("churn-inprocess", markdown(
        "| routes | proxies | what changes | rate /s | changes | controller cores | CPU per change ms | alloc per change KiB | status changes per change | bytes per proxy per change | load avg |",
        table("churn-inprocess")));
    blocks.put("api-load", markdown("| routes | seconds to create all objects | load avg |", table("api-load")));
    blocks.put("api-sync", markdown(
        "| round | controller | routes | start to first proxy in full state s | CPU s so far | RSS MiB | initial KiB per proxy | Resource names held | load avg |",
        table("api-sync")));
    blocks.put("propagation-api", markdown(
        "| round | controller | routes | proxies (K) | churn | probes | total p50 ms | total p99 ms | API watch delay p50 ms | p99 ms | watch event to last proxy p50 ms | p99 ms | load avg |",
        table("propagation-api")));
    blocks.put("churn-api", markdown(
        "| round | controller | routes | what changes | rate /s | changes | controller cores | CPU per change ms | status writes per change | bytes per proxy per change | RSS MiB | load avg |",
        table("churn-api")));
    blocks.put("peer", peerNotes());
    blocks.put("ratios", ratios());
    blocks.put("goals", goals());
    plots(images);
  }

  private static String markdown(String header, List<List<String>> rows) {
    if (rows.isEmpty()) {
      return "_Not measured in this run._\n";
    }
    StringBuilder out = new StringBuilder(header).append('\n');
    out.append("|---".repeat((int) header.chars().filter(c -> c == '|').count() - 1)).append("|\n");
    for (List<String> row : rows) {
      out.append("| ").append(String.join(" | ", row)).append(" |\n");
    }
    return out.toString();
  }

  private String machine() {
    List<Double> loads = new ArrayList<>();
    for (var e : r.tables.entrySet()) {
      if (e.getKey().equals("machine")) {
        continue;
      }
      for (List<String> row : e.getValue()) {
        try {
          loads.add(Double.parseDouble(row.get(row.size() - 1)));
        } catch (RuntimeException ignored) {
          // Tables without a load column.
        }
      }
    }
    double min = loads.stream().mapToDouble(d -> d).min().orElse(Double.NaN);
    double max = loads.stream().mapToDouble(d -> d).max().orElse(Double.NaN);
    long memory = ((com.sun.management.OperatingSystemMXBean) ManagementFactory.getOperatingSystemMXBean())
        .getTotalMemorySize();
    return String.format(Locale.ROOT, """
        - Date: %s. Cores (`nproc`): %d, %s. Memory: %.1f GiB. OS: %s %s.
        - JDK: %s %s. Benchmark JVM heap: %d MiB.
        - One-minute load average while the rows below were measured: %.1f to %.1f (each table's
          last column gives it per row). Other helpers' builds shared these cores.
        """,
        LocalDate.now(ZoneOffset.UTC), Runtime.getRuntime().availableProcessors(), System.getProperty("os.arch"),
        memory / 1073741824.0, System.getProperty("os.name"), System.getProperty("os.version"),
        System.getProperty("java.vm.name"), System.getProperty("java.version"), Runtime.getRuntime().maxMemory() >> 20,
        min, max);
  }

  private String peerNotes() {
    List<List<String>> rows = table("peer");
    if (rows.isEmpty()) {
      return table("api-sync").stream().anyMatch(row -> row.get(1).equals("agentgateway"))
          ? "agentgateway's controller ran in every round listed in the API-server tables.\n"
          : "_agentgateway's controller was not run._\n";
    }
    StringBuilder out = new StringBuilder();
    for (List<String> row : rows) {
      out.append("- ").append(String.join(": ", row)).append('\n');
    }
    return out.toString();
  }

  /** Median over rounds of one column, for one controller and a row filter. */
  private double median(String table, String controller, Predicate<List<String>> filter, int column) {
    double[] v = table(table).stream()
        .filter(row -> row.get(1).equals(controller) && filter.test(row))
        .mapToDouble(row -> number(row, column)).filter(d -> !Double.isNaN(d)).sorted().toArray();
    if (v.length == 0) {
      return Double.NaN;
    }
    return v.length % 2 == 1 ? v[v.length / 2] : (v[v.length / 2 - 1] + v[v.length / 2]) / 2;
  }

  private String ratios() {
    record Figure(String name, String table, Predicate<List<String>> filter, int column) {}
    List<Figure> figures = new ArrayList<>();
    figures.add(new Figure("start to first proxy in full state (s)", "api-sync", x -> true, 3));
    figures.add(new Figure("RSS after sync (MiB)", "api-sync", x -> true, 5));
    figures.add(new Figure("initial bytes per proxy (KiB)", "api-sync", x -> true, 6));
    for (String k : new String[] {"1", "100"}) {
      for (String churn : new String[] {"quiet", "20/s"}) {
        figures.add(new Figure("propagation p50, K=" + k + ", " + churn + " (ms)", "propagation-api",
            x -> x.get(3).equals(k) && x.get(4).equals(churn), 6));
        figures.add(new Figure("propagation p99, K=" + k + ", " + churn + " (ms)", "propagation-api",
            x -> x.get(3).equals(k) && x.get(4).equals(churn), 7));
        figures.add(new Figure("watch event to last proxy p50, K=" + k + ", " + churn + " (ms)", "propagation-api",
            x -> x.get(3).equals(k) && x.get(4).equals(churn), 10));
      }
    }
    figures.add(new Figure("idle CPU (cores)", "churn-api", x -> x.get(3).equals("idle"), 6));
    for (String what : new String[] {"routes", "pods"}) {
      for (String rate : new String[] {"1.00", "10.0", "50.0"}) {
        figures.add(new Figure("CPU per change, " + what + " at " + rate + "/s (ms)", "churn-api",
            x -> x.get(3).equals(what) && x.get(4).equals(rate), 7));
        figures.add(new Figure("status writes per change, " + what + " at " + rate + "/s", "churn-api",
            x -> x.get(3).equals(what) && x.get(4).equals(rate), 8));
        figures.add(new Figure("bytes per proxy per change, " + what + " at " + rate + "/s", "churn-api",
            x -> x.get(3).equals(what) && x.get(4).equals(rate), 9));
      }
    }
    StringBuilder out = new StringBuilder(
        "| figure (API-server mode, medians over rounds) | ours | agentgateway | ours / agentgateway |\n|---|---|---|---|\n");
    boolean any = false;
    for (Figure f : figures) {
      double ours = median(f.table, "jcp", f.filter, f.column);
      double peer = median(f.table, "agentgateway", f.filter, f.column);
      if (Double.isNaN(ours) && Double.isNaN(peer)) {
        continue;
      }
      any = true;
      if (ours < 0 || peer < 0) {
        // A negative CPU per change means that controller's idle window was busy (status backlog).
        out.append("| ").append(f.name).append(" | ").append(ours < 0 ? "not measurable" : Results.format(ours))
            .append(" | ").append(peer < 0 ? "not measurable" : Results.format(peer)).append(" | — |\n");
        continue;
      }
      out.append("| ").append(f.name).append(" | ").append(Results.format(ours)).append(" | ")
          .append(Double.isNaN(peer) ? "not measured" : Results.format(peer)).append(" | ")
          .append(Double.isNaN(peer) || peer == 0 ? "—" : Results.format(ours / peer)).append(" |\n");
    }
    return any ? out.toString() : "_Not measured in this run._\n";
  }

  private double cell(String table, Predicate<List<String>> filter, int column) {
    return table(table).stream().filter(filter).mapToDouble(row -> number(row, column))
        .filter(d -> !Double.isNaN(d)).sorted().findFirst().orElse(Double.NaN);
  }

  private static double number(List<String> row, int column) {
    try {
      return Double.parseDouble(row.get(column));
    } catch (RuntimeException e) {
      return Double.NaN;
    }
  }

  private String goals() {
    StringBuilder out = new StringBuilder("| figure | goal | where we stand | met? |\n|---|---|---|---|\n");
    double apiP50 = median("propagation-api", "jcp", x -> x.get(3).equals("100") && x.get(4).equals("quiet"), 10);
    double apiP99 = median("propagation-api", "jcp", x -> x.get(3).equals("100") && x.get(4).equals("quiet"), 11);
    double inP50 = cell("propagation-inprocess", x -> x.get(0).equals("5000") && x.get(1).equals("100") && x.get(2).equals("quiet"), 4);
    double inP99 = cell("propagation-inprocess", x -> x.get(0).equals("5000") && x.get(1).equals("100") && x.get(2).equals("quiet"), 6);
    goal(out, "Propagation, watch event to last proxy, 5,000 routes, 100 proxies: p50", "≤ 5 ms",
        "API server: " + Results.format(apiP50) + " ms; in process: " + Results.format(inP50) + " ms", apiP50 <= 5);
    goal(out, "same, p99", "≤ 20 ms",
        "API server: " + Results.format(apiP99) + " ms; in process: " + Results.format(inP99) + " ms", apiP99 <= 20);
    double cpuApi = median("churn-api", "jcp", x -> x.get(3).equals("routes") && x.get(4).equals("10.0"), 7);
    double cpuIn = cell("churn-inprocess", x -> x.get(2).equals("routes") && x.get(3).equals("10.0"), 6);
    // A negative figure means the idle window was not idle (a status backlog): not a measurement.
    String apiCpu = cpuApi < 0 ? "not measurable in this run (idle window busy: " + Results.format(cpuApi) + ")"
        : Results.format(cpuApi) + " ms";
    goal(out, "CPU per route change (10 changes/s, 5,000 routes)", "≤ 1 ms",
        "whole controller process, API server: " + apiCpu + "; in process (translation and push only): "
            + Results.format(cpuIn) + " ms", (cpuApi < 0 || cpuApi <= 1) && cpuIn <= 1);
    double rss5 = cell("scale-inprocess", x -> x.get(0).equals("5k"), 8);
    double rss5api = median("api-sync", "jcp", x -> true, 5);
    goal(out, "RSS at 5,000 routes", "≤ 256 MiB",
        Results.format(rss5) + " MiB in process (-Xmx" + cellText("scale-inprocess", "5k", 9) + "m); "
            + Results.format(rss5api) + " MiB as a process against the API server (-Xmx" + BenchSuite.HEAP_MIB + "m)",
        rss5 <= 256 && (Double.isNaN(rss5api) || rss5api <= 256));
    double rss40 = cell("scale-inprocess", x -> x.get(0).equals("40k"), 8);
    goal(out, "RSS at 40,000 routes", "≤ 512 MiB",
        Results.format(rss40) + " MiB in process (-Xmx" + cellText("scale-inprocess", "40k", 9) + "m)", rss40 <= 512);
    double bytes = table("scale-inprocess").stream().mapToDouble(x -> number(x, 15)).filter(d -> !Double.isNaN(d))
        .max().orElse(Double.NaN);
    goal(out, "Bytes pushed per single-route change", "≤ 1 KiB per proxy", Results.format(bytes) + " B", bytes <= 1024);
    double c1 = cell("scale-inprocess", x -> x.get(0).equals("1k"), 13);
    double c5 = cell("scale-inprocess", x -> x.get(0).equals("5k"), 13);
    double c40 = cell("scale-inprocess", x -> x.get(0).equals("40k"), 13);
    double l1 = cell("scale-inprocess", x -> x.get(0).equals("1k"), 11);
    double l40 = cell("scale-inprocess", x -> x.get(0).equals("40k"), 11);
    double t1 = cell("scale-inprocess", x -> x.get(0).equals("1k"), 17);
    double t40 = cell("scale-inprocess", x -> x.get(0).equals("40k"), 17);
    goal(out, "Cost of one change at 40,000 routes relative to 1,000", "≤ 1.5x",
        "CPU " + Results.format(c40) + " / " + Results.format(c1) + " ms = " + Results.format(c40 / c1)
            + "x (translation thread alone " + Results.format(t40) + " / " + Results.format(t1) + " ms = "
            + Results.format(t40 / t1) + "x); latency p50 " + Results.format(l40 / l1) + "x (5,000 routes: "
            + Results.format(c5) + " ms)", c40 / c1 <= 1.5);
    return out.toString();
  }

  private String cellText(String table, String label, int column) {
    return table(table).stream().filter(x -> x.get(0).equals(label)).map(x -> x.get(column)).findFirst().orElse("?");
  }

  private static void goal(StringBuilder out, String figure, String goal, String stand, boolean met) {
    out.append("| ").append(figure).append(" | ").append(goal).append(" | ").append(stand).append(" | ")
        .append(stand.contains("NaN") ? "not measured" : met ? "yes" : "**no**").append(" |\n");
  }

  private void plots(Path images) throws IOException {
    // Propagation latency distributions (CDF), one line per configuration.
    for (String prefix : new String[] {"in-process", "api"}) {
      XYChart cdf = new XYChartBuilder().width(900).height(520)
          .title("Route propagation to the last proxy (" + prefix + ")")
          .xAxisTitle("milliseconds (log)").yAxisTitle("fraction of probes").build();
      cdf.getStyler().setXAxisLogarithmic(true).setLegendPosition(Styler.LegendPosition.InsideSE)
          .setMarkerSize(0).setChartBackgroundColor(java.awt.Color.WHITE);
      cdf.getStyler().setYAxisDecimalPattern("0.00");
      int series = 0;
      for (var e : r.samples.entrySet()) {
        if (!e.getKey().startsWith(prefix) || e.getValue().length == 0) {
          continue;
        }
        double[] x = Arrays.stream(e.getValue()).map(v -> Math.max(v, 0.01)).toArray();
        double[] y = new double[x.length];
        for (int i = 0; i < x.length; i++) {
          y[i] = (i + 1) / (double) x.length;
        }
        cdf.addSeries(e.getKey(), x, y);
        series++;
      }
      if (series > 0) {
        BitmapEncoder.saveBitmap(cdf, images.resolve("perf-propagation-" + prefix).toString(), BitmapEncoder.BitmapFormat.PNG);
      }
    }
    // CPU per change against churn rate.
    CategoryChart cpu = new CategoryChartBuilder().width(900).height(520).title("CPU per change under steady churn")
        .xAxisTitle("changes per second").yAxisTitle("CPU ms per change").build();
    cpu.getStyler().setChartBackgroundColor(java.awt.Color.WHITE).setLegendPosition(Styler.LegendPosition.InsideNE);
    boolean anyCpu = false;
    for (String what : new String[] {"routes", "pods"}) {
      anyCpu |= addCpuSeries(cpu, "in-process, " + what, table("churn-inprocess").stream()
          .filter(x -> x.get(2).equals(what)).map(x -> new String[] {x.get(3), x.get(6)}).toList());
      for (String c : new String[] {"jcp", "agentgateway"}) {
        List<String[]> pts = new ArrayList<>();
        for (String rate : new String[] {"1.00", "10.0", "50.0"}) {
          double v = median("churn-api", c, x -> x.get(3).equals(what) && x.get(4).equals(rate), 7);
          if (!Double.isNaN(v)) {
            pts.add(new String[] {rate, Double.toString(v)});
          }
        }
        anyCpu |= addCpuSeries(cpu, c + " via API server, " + what, pts);
      }
    }
    if (anyCpu) {
      BitmapEncoder.saveBitmap(cpu, images.resolve("perf-churn-cpu").toString(), BitmapEncoder.BitmapFormat.PNG);
    }
    // Memory against route count.
    List<List<String>> scale = table("scale-inprocess");
    if (!scale.isEmpty()) {
      CategoryChart mem = new CategoryChartBuilder().width(900).height(520).title("Memory at route scale (in process)")
          .xAxisTitle("routes").yAxisTitle("MiB").build();
      mem.getStyler().setChartBackgroundColor(java.awt.Color.WHITE).setLegendPosition(Styler.LegendPosition.InsideNW);
      List<String> x = scale.stream().map(row -> row.get(1)).toList();
      mem.addSeries("live heap", x, scale.stream().map(row -> Double.parseDouble(row.get(6))).toList());
      mem.addSeries("RSS", x, scale.stream().map(row -> Double.parseDouble(row.get(8))).toList());
      BitmapEncoder.saveBitmap(mem, images.resolve("perf-scale-memory").toString(), BitmapEncoder.BitmapFormat.PNG);
    }
  }

  private static boolean addCpuSeries(CategoryChart chart, String name, List<String[]> points) {
    if (points.isEmpty()) {
      return false;
    }
    List<String> x = points.stream().map(p -> Results.format(Double.parseDouble(p[0]))).toList();
    List<Double> y = points.stream().map(p -> Math.max(0, Double.parseDouble(p[1]))).toList();
    if (!chart.getSeriesMap().isEmpty()) {
      // CategoryChart needs the same categories in every series.
      List<?> first = chart.getSeriesMap().values().iterator().next().getXData().stream().toList();
      if (!first.equals(x)) {
        return false;
      }
    }
    chart.addSeries(name, x, y);
    return true;
  }
}
