package dev.agentgatewayjcp.translator.route;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import org.junit.jupiter.api.Test;

class HostnamesTest {

  @Test
  void exactAndWildcardIntersection() {
    assertThat(Hostnames.intersect("a.example.com", "a.example.com")).isTrue();
    assertThat(Hostnames.intersect("a.example.com", "b.example.com")).isFalse();
    assertThat(Hostnames.intersect("*.example.com", "a.example.com")).isTrue();
    assertThat(Hostnames.intersect("a.b.example.com", "*.example.com")).isTrue();
    assertThat(Hostnames.intersect("*.example.com", "example.com")).isFalse();
    assertThat(Hostnames.intersect("*.example.com", "*.a.example.com")).isTrue();
    assertThat(Hostnames.intersect("*.example.com", "*.example.org")).isFalse();
    assertThat(Hostnames.intersect("*.example.com", "badexample.com")).isFalse();
  }

  @Test
  void missingHostnamesMeanAnyHost() {
    assertThat(Hostnames.anyIntersect(List.of(), "a.example.com")).isTrue();
    assertThat(Hostnames.anyIntersect(List.of("x.example.org"), null)).isTrue();
    assertThat(Hostnames.anyIntersect(List.of("x.example.org", "a.example.com"), "*.example.com")).isTrue();
    assertThat(Hostnames.anyIntersect(List.of("x.example.org"), "*.example.com")).isFalse();
  }
}
