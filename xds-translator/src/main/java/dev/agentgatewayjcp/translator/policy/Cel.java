package dev.agentgatewayjcp.translator.policy;

import java.util.List;
import java.util.stream.Collectors;

/**
 * Cel writes the fragments of the CEL expressions we generate. User text only ever enters an
 * expression through {@link #string} (a CEL string literal) or {@link #regexLiteral} (a regex
 * with every non-alphanumeric character hex-escaped, then quoted), so it cannot change the
 * expression's structure.
 */
final class Cel {

  private Cel() {}

  /** A double-quoted CEL string literal: quotes, backslashes and non-printable ASCII escaped. */
  static String string(String value) {
    StringBuilder out = new StringBuilder(value.length() + 2).append('"');
    value.codePoints().forEach(cp -> {
      switch (cp) {
        case '"' -> out.append("\\\"");
        case '\\' -> out.append("\\\\");
        case '\n' -> out.append("\\n");
        case '\r' -> out.append("\\r");
        case '\t' -> out.append("\\t");
        default -> {
          if (cp < 0x20 || cp == 0x7f || (cp >= 0x80 && Character.isISOControl(cp))) {
            out.append(String.format("\\u%04x", cp));
          } else if ((cp <= 0xffff && Character.getType(cp) == Character.FORMAT)
              || cp == 0x2028
              || cp == 0x2029) {
            // Invisible or separator code points are escaped so expressions read as they act.
            out.append(String.format("\\u%04x", cp));
          } else {
            out.appendCodePoint(cp);
          }
        }
      }
    });
    return out.append('"').toString();
  }

  /** Regex text matching {@code value} literally: ASCII letters and digits as is, all else as hex. */
  static String regexLiteral(String value) {
    StringBuilder out = new StringBuilder();
    value.codePoints().forEach(cp -> {
      if ((cp >= 'a' && cp <= 'z') || (cp >= 'A' && cp <= 'Z') || (cp >= '0' && cp <= '9')) {
        out.appendCodePoint(cp);
      } else {
        out.append("\\x{").append(Integer.toHexString(cp)).append('}');
      }
    });
    return out.toString();
  }

  /** OR of the parts, parenthesised; "false" when there are none. */
  static String or(List<String> parts) {
    if (parts.isEmpty()) {
      return "false";
    }
    return parts.size() == 1 ? parts.get(0) : parts.stream().collect(Collectors.joining(" || ", "(", ")"));
  }

  /** AND of the parts, parenthesised; "true" when there are none. */
  static String and(List<String> parts) {
    if (parts.isEmpty()) {
      return "true";
    }
    return parts.size() == 1 ? parts.get(0) : parts.stream().collect(Collectors.joining(" && ", "(", ")"));
  }

  static String not(String expr) {
    return "!" + (expr.startsWith("(") && expr.endsWith(")") && balanced(expr) ? expr : "(" + expr + ")");
  }

  /** Whether the outer parentheses of expr enclose all of it. */
  private static boolean balanced(String expr) {
    int depth = 0;
    boolean inString = false;
    for (int i = 0; i < expr.length(); i++) {
      char c = expr.charAt(i);
      if (inString) {
        if (c == '\\') {
          i++;
        } else if (c == '"') {
          inString = false;
        }
        continue;
      }
      if (c == '"') {
        inString = true;
      } else if (c == '(') {
        depth++;
      } else if (c == ')') {
        depth--;
        if (depth == 0 && i != expr.length() - 1) {
          return false;
        }
      }
    }
    return true;
  }

  /**
   * Istio's string match of a string-valued CEL expression: {@code *} is presence (non-empty),
   * {@code abc*} a prefix, {@code *abc} a suffix, anything else exact.
   */
  static String match(String subject, String value) {
    if (value.equals("*")) {
      return "size(" + subject + ") > 0";
    }
    if (value.endsWith("*")) {
      return subject + ".startsWith(" + string(value.substring(0, value.length() - 1)) + ")";
    }
    if (value.startsWith("*")) {
      return subject + ".endsWith(" + string(value.substring(1)) + ")";
    }
    return subject + " == " + string(value);
  }
}
