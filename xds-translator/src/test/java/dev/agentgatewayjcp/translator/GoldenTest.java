package dev.agentgatewayjcp.translator;

import static org.assertj.core.api.Assertions.assertThat;

import dev.agentgatewayjcp.translator.input.InMemoryInputView;
import dev.agentgatewayjcp.translator.input.TranslationSettings;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.TestFactory;

/**
 * Runs every case under {@code src/test/resources/golden/<case>/}: {@code input.yaml} is
 * translated and compared with {@code output.yaml} (xDS resources per Gateway) and {@code
 * status.yaml} (desired statuses and diagnostics). Run with {@code -Dgolden.update=true} to
 * rewrite the expected files instead; then review them like code.
 */
class GoldenTest {

  static final Path ROOT = Path.of("src", "test", "resources", "golden");
  static final Clock CLOCK = Clock.fixed(Instant.parse("2026-01-01T00:00:00Z"), ZoneOffset.UTC);
  static final TranslationSettings SETTINGS =
      new TranslationSettings("agentgateway-jcp.dev/controller", "cluster.local", "Kubernetes", CLOCK);

  @TestFactory
  Stream<DynamicTest> goldenCases() throws IOException {
    List<Path> cases;
    try (Stream<Path> dirs = Files.list(ROOT)) {
      cases = dirs.filter(Files::isDirectory).sorted().toList();
    }
    assertThat(cases).isNotEmpty();
    return cases.stream().map(dir -> DynamicTest.dynamicTest(dir.getFileName().toString(), () -> run(dir)));
  }

  private static void run(Path dir) throws IOException {
    String input = Files.readString(dir.resolve("input.yaml"));
    TranslationResult result = Translator.translate(InMemoryInputView.fromYaml(input), SETTINGS);
    // Translation must be a function of its input: a second run renders identically.
    TranslationResult again = Translator.translate(InMemoryInputView.fromYaml(input), SETTINGS);
    String output = renderOutput(result);
    String status = renderStatus(result);
    assertThat(renderOutput(again)).isEqualTo(output);
    assertThat(renderStatus(again)).isEqualTo(status);
    if (Boolean.getBoolean("golden.update")) {
      Files.writeString(dir.resolve("output.yaml"), output, StandardCharsets.UTF_8);
      Files.writeString(dir.resolve("status.yaml"), status, StandardCharsets.UTF_8);
      return;
    }
    assertThat(output).as(dir + "/output.yaml").isEqualTo(Files.readString(dir.resolve("output.yaml")));
    assertThat(status).as(dir + "/status.yaml").isEqualTo(Files.readString(dir.resolve("status.yaml")));
  }

  static String renderOutput(TranslationResult result) {
    return ReadableResult.outputYaml(result);
  }

  static String renderStatus(TranslationResult result) {
    return ReadableResult.statusYaml(result);
  }
}
