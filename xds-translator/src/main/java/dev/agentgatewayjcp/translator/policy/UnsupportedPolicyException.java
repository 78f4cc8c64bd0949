package dev.agentgatewayjcp.translator.policy;

/** UnsupportedPolicyException says why a policy cannot be translated faithfully. */
final class UnsupportedPolicyException extends Exception {
  UnsupportedPolicyException(String message) {
    super(message);
  }
}
