package dev.agentgatewayjcp.translator.gateway;

import static org.assertj.core.api.Assertions.assertThat;

import io.fabric8.kubernetes.api.model.LabelSelector;
import io.fabric8.kubernetes.api.model.LabelSelectorBuilder;
import java.util.Map;
import org.junit.jupiter.api.Test;

class LabelSelectorMatcherTest {

  @Test
  void matchLabelsAndExpressions() {
    LabelSelector selector =
        new LabelSelectorBuilder()
            .addToMatchLabels("team", "a")
            .addNewMatchExpression().withKey("env").withOperator("In").withValues("prod", "stage").endMatchExpression()
            .addNewMatchExpression().withKey("legacy").withOperator("DoesNotExist").endMatchExpression()
            .build();
    assertThat(LabelSelectorMatcher.matches(selector, Map.of("team", "a", "env", "prod"))).isTrue();
    assertThat(LabelSelectorMatcher.matches(selector, Map.of("team", "a", "env", "dev"))).isFalse();
    assertThat(LabelSelectorMatcher.matches(selector, Map.of("team", "a", "env", "prod", "legacy", "1"))).isFalse();
    assertThat(LabelSelectorMatcher.matches(selector, Map.of("env", "prod"))).isFalse();
  }

  @Test
  void unknownOperatorsMatchNothing() {
    LabelSelector selector =
        new LabelSelectorBuilder()
            .addNewMatchExpression().withKey("a").withOperator("Bogus").endMatchExpression()
            .build();
    assertThat(LabelSelectorMatcher.matches(selector, Map.of("a", "b"))).isFalse();
    assertThat(LabelSelectorMatcher.matches(null, Map.of())).isTrue();
  }
}
