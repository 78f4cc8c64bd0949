package dev.agentgatewayjcp.controller.source;

/**
 * InputProblem is an input document that could not be read, with where it was.
 *
 * @param file the file, relative to the configuration directory
 * @param document the document's 1-based index within the file, or 0 for the whole file
 * @param message what is wrong
 */
public record InputProblem(String file, int document, String message) {

  @Override
  public String toString() {
    return file + (document > 0 ? " (document " + document + ")" : "") + ": " + message;
  }
}
