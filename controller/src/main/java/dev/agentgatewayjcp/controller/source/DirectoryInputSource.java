package dev.agentgatewayjcp.controller.source;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.MappingIterator;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import dev.agentgatewayjcp.translator.input.InputKind;
import dev.agentgatewayjcp.translator.input.YamlInputs;
import io.fabric8.kubernetes.api.model.HasMetadata;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.ClosedWatchServiceException;
import java.nio.file.FileSystems;
import java.nio.file.FileVisitResult;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.SimpleFileVisitor;
import java.nio.file.StandardWatchEventKinds;
import java.nio.file.WatchService;
import java.nio.file.attribute.BasicFileAttributes;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.TreeMap;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * DirectoryInputSource reads every YAML and JSON file under a directory as Kubernetes objects and
 * re-reads it whenever something changes.
 *
 * <p>It always re-reads the whole tree rather than tracking single files: that is robust to
 * editors' temporary files and to the symlink swap of mounted ConfigMaps, and the loop suppresses
 * whatever did not change. File events are unreliable in containers, so a poll backs the watch.
 */
public final class DirectoryInputSource implements AutoCloseable {

  private static final Logger LOG = LoggerFactory.getLogger(DirectoryInputSource.class);
  private static final ObjectMapper YAML = new ObjectMapper(new YAMLFactory());

  private final Path root;
  private final Duration pollInterval;
  private final Duration debounce;
  private ScheduledExecutorService executor;
  private WatchService watcher;
  private String lastFingerprint = "";

  public DirectoryInputSource(Path root, Duration pollInterval, Duration debounce) {
    this.root = root;
    this.pollInterval = pollInterval;
    this.debounce = debounce;
  }

  /** Reads the directory once. Never throws for bad documents: they become problems. */
  public DirectoryLoad load() throws IOException {
    if (!Files.isDirectory(root)) {
      throw new IOException(root + " is not a directory");
    }
    List<HasMetadata> objects = new ArrayList<>();
    List<InputProblem> problems = new ArrayList<>();
    for (Path file : files()) {
      String relative = root.relativize(file).toString();
      String text;
      try {
        text = Files.readString(file, StandardCharsets.UTF_8);
      } catch (IOException e) {
        problems.add(new InputProblem(relative, 0, "cannot read: " + e.getMessage()));
        continue;
      }
      readDocuments(relative, text, objects, problems);
    }
    return new DirectoryLoad(objects, problems);
  }

  static void readDocuments(
      String file, String text, List<HasMetadata> objects, List<InputProblem> problems) {
    int index = 0;
    try (MappingIterator<JsonNode> docs = YAML.readerFor(JsonNode.class).readValues(text)) {
      while (true) {
        JsonNode doc;
        try {
          if (!docs.hasNextValue()) {
            break;
          }
          doc = docs.nextValue();
        } catch (IOException | RuntimeException e) {
          problems.add(new InputProblem(file, index + 1, "not valid YAML: " + firstLine(e)));
          break;
        }
        index++;
        if (doc == null || doc.isNull() || doc.isMissingNode() || doc.isEmpty()) {
          continue;
        }
        readDocument(file, index, doc, objects, problems);
      }
    } catch (IOException e) {
      problems.add(new InputProblem(file, 0, "not valid YAML: " + firstLine(e)));
    }
  }

  private static void readDocument(
      String file, int index, JsonNode doc, List<HasMetadata> objects, List<InputProblem> problems) {
    String kind = doc.path("kind").asText("");
    String apiVersion = doc.path("apiVersion").asText("");
    if (kind.isEmpty() || apiVersion.isEmpty()) {
      problems.add(new InputProblem(file, index, "a Kubernetes object needs apiVersion and kind"));
      return;
    }
    List<HasMetadata> parsed;
    try {
      parsed = YamlInputs.parse(YAML.writeValueAsString(doc));
    } catch (IOException | RuntimeException e) {
      problems.add(new InputProblem(file, index, kind + ": " + firstLine(e)));
      return;
    }
    for (HasMetadata object : parsed) {
      Optional<InputKind<?>> known = InputKind.of(object);
      if (known.isEmpty()) {
        problems.add(
            new InputProblem(
                file, index, "unsupported kind " + object.getKind() + " (" + object.getApiVersion() + ") is ignored"));
        continue;
      }
      if (object.getMetadata() == null || object.getMetadata().getName() == null
          || object.getMetadata().getName().isEmpty()) {
        problems.add(new InputProblem(file, index, object.getKind() + " has no metadata.name"));
        continue;
      }
      if (known.get().namespaced() && object.getMetadata().getNamespace() == null) {
        object.getMetadata().setNamespace("default");
      }
      objects.add(object);
    }
  }

  private static String firstLine(Exception e) {
    Throwable cause = e;
    while (cause.getCause() != null && cause.getCause() != cause) {
      cause = cause.getCause();
    }
    String message = String.valueOf(cause.getMessage());
    int newline = message.indexOf('\n');
    return newline > 0 ? message.substring(0, newline) : message;
  }

  private List<Path> files() throws IOException {
    List<Path> files = new ArrayList<>();
    Files.walkFileTree(
        root,
        new SimpleFileVisitor<>() {
          @Override
          public FileVisitResult preVisitDirectory(Path dir, BasicFileAttributes attrs) {
            String name = dir.getFileName() == null ? "" : dir.getFileName().toString();
            // Hidden directories hold editor state or the ..data indirection of ConfigMap volumes.
            return !dir.equals(root) && name.startsWith(".") ? FileVisitResult.SKIP_SUBTREE : FileVisitResult.CONTINUE;
          }

          @Override
          public FileVisitResult visitFile(Path file, BasicFileAttributes attrs) {
            String name = file.getFileName().toString();
            if (!name.startsWith(".")
                && (name.endsWith(".yaml") || name.endsWith(".yml") || name.endsWith(".json"))) {
              files.add(file);
            }
            return FileVisitResult.CONTINUE;
          }
        });
    files.sort(null);
    return files;
  }

  /**
   * Delivers the first load now and every later load whose files changed, from a background
   * thread, until closed.
   */
  public void watch(Consumer<DirectoryLoad> sink) throws IOException {
    executor = Executors.newSingleThreadScheduledExecutor(r -> {
      Thread t = new Thread(r, "config-dir-watch");
      t.setDaemon(true);
      return t;
    });
    lastFingerprint = fingerprint();
    sink.accept(load());
    try {
      watcher = FileSystems.getDefault().newWatchService();
      registerAll(watcher);
      Thread events = new Thread(() -> pumpEvents(sink), "config-dir-events");
      events.setDaemon(true);
      events.start();
    } catch (IOException | UnsupportedOperationException e) {
      LOG.info("file events unavailable ({}); polling {} every {}", e.toString(), root, pollInterval);
    }
    executor.scheduleWithFixedDelay(
        () -> reloadIfChanged(sink), pollInterval.toMillis(), pollInterval.toMillis(), TimeUnit.MILLISECONDS);
  }

  private void registerAll(WatchService service) throws IOException {
    Files.walkFileTree(
        root,
        new SimpleFileVisitor<>() {
          @Override
          public FileVisitResult preVisitDirectory(Path dir, BasicFileAttributes attrs) throws IOException {
            dir.register(
                service,
                StandardWatchEventKinds.ENTRY_CREATE,
                StandardWatchEventKinds.ENTRY_DELETE,
                StandardWatchEventKinds.ENTRY_MODIFY);
            return FileVisitResult.CONTINUE;
          }
        });
  }

  private void pumpEvents(Consumer<DirectoryLoad> sink) {
    try {
      while (true) {
        var key = watcher.take();
        key.pollEvents();
        key.reset();
        // Coalesce a burst of events (an editor's save, a ConfigMap swap) into one re-read.
        executor.schedule(() -> reloadIfChanged(sink), debounce.toMillis(), TimeUnit.MILLISECONDS);
      }
    } catch (InterruptedException | ClosedWatchServiceException e) {
      // Closed.
    }
  }

  private synchronized void reloadIfChanged(Consumer<DirectoryLoad> sink) {
    try {
      String now = fingerprint();
      if (now.equals(lastFingerprint)) {
        return;
      }
      lastFingerprint = now;
      if (watcher != null) {
        registerAll(watcher);
      }
      DirectoryLoad load = load();
      LOG.info("{} changed: {} objects, {} problems", root, load.objects().size(), load.problems().size());
      sink.accept(load);
    } catch (IOException | RuntimeException e) {
      LOG.warn("cannot re-read {}: {}", root, e.toString());
    }
  }

  /** A cheap summary of the tree: names, sizes and modification times. */
  private String fingerprint() throws IOException {
    TreeMap<String, String> entries = new TreeMap<>();
    for (Path file : files()) {
      BasicFileAttributes attrs = Files.readAttributes(file, BasicFileAttributes.class);
      entries.put(file.toString(), attrs.size() + ":" + attrs.lastModifiedTime());
    }
    return entries.toString();
  }

  @Override
  public void close() {
    if (executor != null) {
      executor.shutdownNow();
    }
    if (watcher != null) {
      try {
        watcher.close();
      } catch (IOException ignored) {
        // Nothing to do.
      }
    }
  }
}
