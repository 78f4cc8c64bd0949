package dev.agentgatewayjcp.controller.bench;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.stream.Collectors;

/**
 * Results collects the rows of every result table, from this JVM and from the child JVMs the
 * suite starts (which print them as {@code BENCHROW} lines), and the raw latency samples for the
 * plots.
 */
final class Results {

  static final String ROW_PREFIX = "BENCHROW\t";

  final Map<String, List<List<String>>> tables = new LinkedHashMap<>();
  final Map<String, double[]> samples = new LinkedHashMap<>();

  /** Adds a row and prints it, so that a parent JVM (or a reader of the log) gets it too. */
  synchronized void row(String table, Object... cells) {
    List<String> row = Arrays.stream(cells).map(Results::format).collect(Collectors.toList());
    tables.computeIfAbsent(table, t -> new ArrayList<>()).add(row);
    System.out.println(ROW_PREFIX + table + "\t" + String.join("\t", row));
    System.out.flush();
  }

  /** Takes a row printed by a child JVM. */
  synchronized void parse(String line) {
    String[] f = line.substring(ROW_PREFIX.length()).split("\t", -1);
    tables.computeIfAbsent(f[0], t -> new ArrayList<>()).add(List.of(Arrays.copyOfRange(f, 1, f.length)));
  }

  synchronized void samples(String label, double[] millis) {
    samples.put(label, millis.clone());
  }

  static String format(Object cell) {
    if (cell instanceof Double d) {
      double a = Math.abs(d);
      return a >= 100 ? String.format(Locale.ROOT, "%.0f", d)
          : a >= 10 ? String.format(Locale.ROOT, "%.1f", d) : String.format(Locale.ROOT, "%.2f", d);
    }
    return String.valueOf(cell);
  }

  /**
   * Writes every table and sample set as TSV under {@code dir}, replacing files of the same name,
   * so that a phase can be re-run alone and the report still sees the other phases' results.
   */
  synchronized void writeTsv(Path dir) {
    try {
      Files.createDirectories(dir);
      for (var e : tables.entrySet()) {
        Files.write(dir.resolve(e.getKey() + ".tsv"),
            e.getValue().stream().map(r -> String.join("\t", r)).toList());
      }
      List<String> lines = new ArrayList<>();
      Path samplesFile = dir.resolve("samples.tsv");
      Map<String, double[]> all = new LinkedHashMap<>();
      if (Files.exists(samplesFile)) {
        all.putAll(readSamples(samplesFile));
      }
      all.putAll(samples);
      all.forEach((label, values) -> lines.add(label + "\t"
          + Arrays.stream(values).mapToObj(v -> String.format(Locale.ROOT, "%.3f", v)).collect(Collectors.joining(","))));
      Files.write(samplesFile, lines);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /** Reads every table and sample set a previous {@link #writeTsv} left in {@code dir}. */
  static Results readTsv(Path dir) throws IOException {
    Results r = new Results();
    if (!Files.isDirectory(dir)) {
      return r;
    }
    try (var files = Files.list(dir)) {
      for (Path f : files.sorted().toList()) {
        String name = f.getFileName().toString();
        if (name.equals("samples.tsv")) {
          r.samples.putAll(readSamples(f));
        } else if (name.endsWith(".tsv")) {
          List<List<String>> rows = new ArrayList<>();
          for (String line : Files.readAllLines(f)) {
            rows.add(List.of(line.split("\t", -1)));
          }
          r.tables.put(name.substring(0, name.length() - 4), rows);
        }
      }
    }
    return r;
  }

  private static Map<String, double[]> readSamples(Path f) throws IOException {
    Map<String, double[]> out = new LinkedHashMap<>();
    for (String line : Files.readAllLines(f)) {
      String[] parts = line.split("\t");
      if (parts.length == 2 && !parts[1].isEmpty()) {
        out.put(parts[0], Arrays.stream(parts[1].split(",")).mapToDouble(Double::parseDouble).toArray());
      }
    }
    return out;
  }

  static double percentile(double[] sorted, double p) {
    if (sorted.length == 0) {
      return Double.NaN;
    }
    int index = (int) Math.ceil(p / 100.0 * sorted.length) - 1;
    return sorted[Math.max(0, Math.min(sorted.length - 1, index))];
  }
}
