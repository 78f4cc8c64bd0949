package dev.agentgatewayjcp.translator.route;

import static org.assertj.core.api.Assertions.assertThatCode;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;

class RegexCheckTest {

  @Test
  void acceptsWhatTheProxyCompiles() {
    for (String ok : new String[] {"/items/[0-9]+", "^(a|b)$", "(?i)abc", "(?:x)+", "\\d{2,3}"}) {
      assertThatCode(() -> RegexCheck.requireValid("path", ok)).as(ok).doesNotThrowAnyException();
    }
  }

  @Test
  void rejectsSyntaxErrorsAndConstructsRustLacks() {
    for (String bad : new String[] {"[", "(a", "(?=x)", "(?!x)", "(?<=x)", "(?<!x)", "(a)\\1", "a++", "(?>a)"}) {
      assertThatThrownBy(() -> RegexCheck.requireValid("path", bad))
          .as(bad)
          .isInstanceOf(InvalidRuleException.class);
    }
  }
}
