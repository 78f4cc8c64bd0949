package dev.agentgatewayjcp.translator.address;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class IpAddressesTest {

  @Test
  void parsesLiteralsOnly() {
    assertThat(IpAddresses.parse("10.0.0.1")).get().extracting(b -> b.size()).isEqualTo(4);
    assertThat(IpAddresses.parse("fd00::1")).get().extracting(b -> b.size()).isEqualTo(16);
    assertThat(IpAddresses.parse("256.0.0.1")).isEmpty();
    assertThat(IpAddresses.parse("None")).isEmpty();
    assertThat(IpAddresses.parse("example.com")).isEmpty();
    assertThat(IpAddresses.parse(null)).isEmpty();
  }
}
