package dev.agentgatewayjcp.controller.xds;

/**
 * RejectedResource is one entry of a proxy's NACK: a resource it refused or accepted with a
 * warning.
 *
 * @param typeUrl the type of the response the entry came back for
 * @param name the xDS resource name we sent
 * @param version the version we had sent for that name, or empty if unknown
 * @param severity whether the proxy rejected it or only warned
 * @param message the proxy's text
 */
public record RejectedResource(
    String typeUrl, String name, String version, Severity severity, String message) {

  /** How the proxy treated the resource. */
  public enum Severity {
    /** Not applied; the proxy keeps what it had before. */
    ERROR,
    /** Applied, possibly degraded (for example a regex that never matches). */
    WARNING
  }
}
