package dev.agentgatewayjcp.translator.route;

/**
 * InvalidRuleException reports that one route rule cannot be translated, with the status reason
 * that explains it; it never leaves the route translators.
 */
public final class InvalidRuleException extends Exception {

  private static final long serialVersionUID = 1L;

  private final String reason;
  private final boolean wholeRoute;

  public InvalidRuleException(String reason, String message) {
    this(reason, message, false);
  }

  private InvalidRuleException(String reason, String message, boolean wholeRoute) {
    super(message, null, false, false);
    this.reason = reason;
    this.wholeRoute = wholeRoute;
  }

  /**
   * A problem that the API says rejects the whole route (Accepted=False), such as a filter type
   * the route kind does not define, rather than only the rule it appears in.
   */
  public static InvalidRuleException wholeRoute(String reason, String message) {
    return new InvalidRuleException(reason, message, true);
  }

  /** Whether the whole route, not just this rule, is rejected. */
  public boolean wholeRoute() {
    return wholeRoute;
  }

  public String reason() {
    return reason;
  }
}
