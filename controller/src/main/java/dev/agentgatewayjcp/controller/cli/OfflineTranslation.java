package dev.agentgatewayjcp.controller.cli;

import dev.agentgatewayjcp.controller.source.DirectoryInputSource;
import dev.agentgatewayjcp.controller.source.DirectoryLoad;
import dev.agentgatewayjcp.translator.TranslationResult;
import dev.agentgatewayjcp.translator.Translator;
import dev.agentgatewayjcp.translator.input.InMemoryInputView;
import dev.agentgatewayjcp.translator.input.TranslationSettings;
import java.io.IOException;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;

/**
 * OfflineTranslation reads a directory once and translates it, for the commands that do not run
 * a server.
 *
 * @param load what was read, including unreadable documents
 * @param result the translation of what was read
 */
record OfflineTranslation(DirectoryLoad load, TranslationResult result) {

  static OfflineTranslation of(Path dir, String controllerName, String rootNamespace) throws IOException {
    DirectoryLoad load = new DirectoryInputSource(dir, Duration.ofSeconds(2), Duration.ofMillis(100)).load();
    TranslationSettings settings =
        new TranslationSettings(controllerName, "cluster.local", "Kubernetes", Clock.systemUTC(), rootNamespace);
    return new OfflineTranslation(load, Translator.translate(InMemoryInputView.of(load.objects()), settings));
  }
}
