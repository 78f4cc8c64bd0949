package dev.agentgatewayjcp.controller.jwks;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.net.InetAddress;
import java.util.List;
import org.junit.jupiter.api.Test;

/** Which addresses the key fetcher may connect to. */
class AddressRulesTest {

  private static String refusal(AddressRules rules, String literal) throws Exception {
    return rules.refusal(InetAddress.getByName(literal));
  }

  @Test
  void refusesInternalAddressesByDefault() throws Exception {
    AddressRules rules = new AddressRules(false, List.of());
    assertThat(refusal(rules, "127.0.0.1")).contains("loopback");
    assertThat(refusal(rules, "127.5.6.7")).contains("loopback");
    assertThat(refusal(rules, "::1")).contains("loopback");
    assertThat(refusal(rules, "0.0.0.0")).contains("unspecified");
    assertThat(refusal(rules, "::")).contains("unspecified");
    assertThat(refusal(rules, "169.254.169.254")).contains("link-local (cloud metadata)");
    assertThat(refusal(rules, "fe80::1")).contains("link-local");
    assertThat(refusal(rules, "fd00:ec2::254")).contains("metadata");
    assertThat(refusal(rules, "100.100.100.200")).contains("metadata");
    assertThat(refusal(rules, "224.0.0.1")).contains("multicast");
    // IPv4 hidden in IPv6 is judged as IPv4.
    assertThat(refusal(rules, "::ffff:169.254.169.254")).contains("link-local");
    assertThat(refusal(rules, "64:ff9b::a9fe:a9fe")).contains("link-local");
    assertThat(refusal(rules, "::127.0.0.1")).contains("loopback");
  }

  @Test
  void allowsPublicAndPrivateAddressesAsIstioDoes() throws Exception {
    AddressRules rules = new AddressRules(false, List.of());
    assertThat(refusal(rules, "8.8.8.8")).isNull();
    assertThat(refusal(rules, "10.96.0.10")).isNull();
    assertThat(refusal(rules, "192.168.1.1")).isNull();
    assertThat(refusal(rules, "2001:db8::1")).isNull();
    assertThat(refusal(rules, "fd12::1")).isNull();
  }

  @Test
  void theFlagAllowsInternalAddressesButBlockedCidrsStayBlocked() throws Exception {
    AddressRules rules = new AddressRules(true, List.of("10.0.0.0/8", "fd00::/8", "169.254.169.254/32"));
    assertThat(refusal(rules, "127.0.0.1")).isNull();
    assertThat(refusal(rules, "169.254.1.1")).isNull();
    assertThat(refusal(rules, "169.254.169.254")).contains("blocked CIDR (169.254.169.254/32)");
    assertThat(refusal(rules, "10.1.2.3")).contains("blocked CIDR (10.0.0.0/8)");
    assertThat(refusal(rules, "::ffff:10.1.2.3")).contains("blocked CIDR");
    assertThat(refusal(rules, "fd12::1")).contains("blocked CIDR (fd00::/8)");
    assertThat(refusal(rules, "11.0.0.1")).isNull();
  }

  @Test
  void blockedCidrsAreLiteralsNeverNames() {
    assertThatThrownBy(() -> new AddressRules(false, List.of("metadata.google.internal/32")))
        .isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(() -> new AddressRules(false, List.of("10.0.0.0/33")))
        .isInstanceOf(IllegalArgumentException.class);
  }
}
