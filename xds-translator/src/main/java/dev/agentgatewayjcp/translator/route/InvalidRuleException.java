package dev.agentgatewayjcp.translator.route;

/**
 * InvalidRuleException reports that one route rule cannot be translated, with the status reason
 * that explains it; it never leaves the route translators.
 */
public final class InvalidRuleException extends Exception {

  private static final long serialVersionUID = 1L;

  private final String reason;

  public InvalidRuleException(String reason, String message) {
    super(message, null, false, false);
    this.reason = reason;
  }

  public String reason() {
    return reason;
  }
}
