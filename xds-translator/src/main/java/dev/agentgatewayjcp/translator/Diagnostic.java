package dev.agentgatewayjcp.translator;

import dev.agentgatewayjcp.translator.input.ObjectRef;
import java.util.Comparator;

/**
 * Diagnostic is one finding about an input object, for the controller's logs and debug
 * endpoints; translation itself never logs.
 *
 * @param object the object concerned
 * @param severity {@code WARNING} for user errors reflected in status, {@code ERROR} for a
 *     failure of the translator itself
 * @param message what was found
 */
public record Diagnostic(ObjectRef object, Severity severity, String message)
    implements Comparable<Diagnostic> {

  /** Severity says whether the user or the translator is at fault. */
  public enum Severity {
    WARNING,
    ERROR
  }

  private static final Comparator<Diagnostic> ORDER =
      Comparator.comparing(Diagnostic::object)
          .thenComparing(Diagnostic::severity)
          .thenComparing(Diagnostic::message);

  @Override
  public int compareTo(Diagnostic o) {
    return ORDER.compare(this, o);
  }
}
