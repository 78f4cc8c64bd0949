package dev.agentgatewayjcp.translator.route;

import java.util.regex.Pattern;
import java.util.regex.PatternSyntaxException;

/**
 * RegexCheck rejects regular expressions the proxy cannot compile.
 *
 * <p>The proxy uses Rust's regex crate, which has no look-around and no back-references; Java's
 * parser accepts both, so they are refused explicitly before Java's syntax check.
 */
public final class RegexCheck {

  private static final Pattern UNSUPPORTED =
      Pattern.compile("\\(\\?<?[=!]|\\\\[1-9]|\\\\k<|\\(\\?>|[*+?}][+]");

  private RegexCheck() {}

  /** Throws InvalidRuleException (UnsupportedValue) unless the regex is usable. */
  public static void requireValid(String what, String regex) throws InvalidRuleException {
    if (regex == null) {
      throw new InvalidRuleException("UnsupportedValue", what + " regex is missing");
    }
    if (UNSUPPORTED.matcher(regex).find()) {
      throw new InvalidRuleException(
          "UnsupportedValue", what + " regex \"" + regex + "\" uses an unsupported construct");
    }
    try {
      Pattern.compile(regex);
    } catch (PatternSyntaxException e) {
      throw new InvalidRuleException(
          "UnsupportedValue", what + " regex \"" + regex + "\" is invalid: " + e.getDescription());
    }
  }
}
