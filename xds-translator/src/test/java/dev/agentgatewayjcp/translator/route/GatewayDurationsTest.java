package dev.agentgatewayjcp.translator.route;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import org.junit.jupiter.api.Test;

class GatewayDurationsTest {

  @Test
  void parsesGoDurations() {
    assertThat(GatewayDurations.parse("10s")).isEqualTo(Duration.ofSeconds(10));
    assertThat(GatewayDurations.parse("500ms")).isEqualTo(Duration.ofMillis(500));
    assertThat(GatewayDurations.parse("1h30m")).isEqualTo(Duration.ofMinutes(90));
    assertThat(GatewayDurations.parse("1m0s500ms")).isEqualTo(Duration.ofMillis(60_500));
    assertThat(GatewayDurations.parse("1.5s")).isEqualTo(Duration.ofMillis(1500));
    assertThat(GatewayDurations.parse("0s")).isZero();
    assertThat(GatewayDurations.parse("0")).isZero();
  }

  @Test
  void rejectsAnythingElse() {
    for (String bad : new String[] {"", "10", "s", "10x", "1h 2m", "-1s", "1s garbage"}) {
      assertThatThrownBy(() -> GatewayDurations.parse(bad)).as(bad).isInstanceOf(IllegalArgumentException.class);
    }
  }
}
