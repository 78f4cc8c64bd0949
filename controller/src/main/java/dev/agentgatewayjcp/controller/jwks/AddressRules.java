package dev.agentgatewayjcp.controller.jwks;

import java.net.Inet6Address;
import java.net.InetAddress;
import java.net.UnknownHostException;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Pattern;

/**
 * AddressRules decides which IP addresses the key fetcher may connect to. A {@code jwksUri} is
 * written by whoever may create a RequestAuthentication, so without these rules the controller
 * would fetch, from its own network position, any address they name (server-side request forgery).
 *
 * <p>Always refused unless internal addresses are allowed: loopback, unspecified, link-local
 * (which holds the cloud metadata service at 169.254.169.254), the other known metadata addresses,
 * multicast and broadcast. Private ranges (10/8, 172.16/12, 192.168/16, fc00::/7) are allowed, as in
 * Istio, because issuers often run in the cluster; operators can refuse them with blocked CIDRs,
 * which apply even when internal addresses are allowed. IPv4 addresses embedded in IPv6 (mapped,
 * NAT64) are judged as the IPv4 address.
 */
public final class AddressRules {

  /** A CIDR block and why an address in it is refused. */
  public record Block(byte[] network, int prefix, String why) {

    boolean contains(byte[] address) {
      if (address.length != network.length) {
        return false;
      }
      int full = prefix / 8;
      for (int i = 0; i < full; i++) {
        if (address[i] != network[i]) {
          return false;
        }
      }
      int rest = prefix % 8;
      if (rest == 0) {
        return true;
      }
      int mask = (0xff << (8 - rest)) & 0xff;
      return (address[full] & mask) == (network[full] & mask);
    }
  }

  private static final Pattern LITERAL = Pattern.compile("[0-9.]+|[0-9a-fA-F:.]*:[0-9a-fA-F:.]*");
  private static final List<Block> INTERNAL = List.of(
      cidr("127.0.0.0/8", "loopback"),
      cidr("::1/128", "loopback"),
      cidr("0.0.0.0/8", "unspecified"),
      cidr("::/128", "unspecified"),
      cidr("169.254.0.0/16", "link-local (cloud metadata)"),
      cidr("fe80::/10", "link-local"),
      cidr("fd00:ec2::254/128", "a cloud metadata address"),
      cidr("100.100.100.200/32", "a cloud metadata address"),
      cidr("224.0.0.0/4", "multicast"),
      cidr("ff00::/8", "multicast"),
      cidr("255.255.255.255/32", "broadcast"));

  private final boolean allowInternal;
  private final List<Block> blocked;

  /**
   * @param allowInternal also allow loopback, link-local, metadata and unspecified addresses (tests,
   *     or an issuer the controller reaches on its own host)
   * @param blockedCidrs CIDRs refused in every case, e.g. the cluster's private ranges
   */
  public AddressRules(boolean allowInternal, List<String> blockedCidrs) {
    this.allowInternal = allowInternal;
    List<Block> b = new ArrayList<>();
    for (String c : blockedCidrs) {
      b.add(cidr(c.strip(), "in a blocked CIDR (" + c.strip() + ")"));
    }
    this.blocked = List.copyOf(b);
  }

  /** Why the fetcher must not connect to {@code address}, or null when it may. */
  public String refusal(InetAddress address) {
    byte[] raw = address.getAddress();
    byte[] v4 = embeddedIpv4(address);
    for (Block b : blocked) {
      if (b.contains(raw) || (v4 != null && b.contains(v4))) {
        return address.getHostAddress() + " is " + b.why();
      }
    }
    if (allowInternal) {
      return null;
    }
    for (Block b : INTERNAL) {
      if (b.contains(raw) || (v4 != null && b.contains(v4))) {
        return address.getHostAddress() + " is " + b.why()
            + "; internal addresses are refused unless --jwks-allow-internal-addresses is set";
      }
    }
    return null;
  }

  /** The IPv4 address inside an IPv4-mapped, IPv4-compatible or NAT64 IPv6 address, else null. */
  private static byte[] embeddedIpv4(InetAddress address) {
    if (!(address instanceof Inet6Address)) {
      return null;
    }
    byte[] a = address.getAddress();
    boolean zero80 = true;
    for (int i = 0; i < 10; i++) {
      zero80 &= a[i] == 0;
    }
    boolean mapped = zero80 && a[10] == (byte) 0xff && a[11] == (byte) 0xff;
    boolean compatible = zero80 && a[10] == 0 && a[11] == 0 && (a[12] != 0 || a[13] != 0);
    boolean nat64 = a[0] == 0 && a[1] == 0x64 && a[2] == (byte) 0xff && a[3] == (byte) 0x9b
        && a[4] == 0 && a[5] == 0 && a[6] == 0 && a[7] == 0 && a[8] == 0 && a[9] == 0 && a[10] == 0 && a[11] == 0;
    return mapped || compatible || nat64 ? new byte[] {a[12], a[13], a[14], a[15]} : null;
  }

  /** Parses an address literal or CIDR; never resolves a name. */
  public static Block cidr(String text, String why) {
    String[] parts = text.split("/", 2);
    if (!LITERAL.matcher(parts[0]).matches()) {
      throw new IllegalArgumentException("not an IP address or CIDR: " + text);
    }
    InetAddress network;
    try {
      network = InetAddress.getByName(parts[0]);
    } catch (UnknownHostException e) {
      throw new IllegalArgumentException("not an IP address or CIDR: " + text, e);
    }
    byte[] raw = network.getAddress();
    int bits = raw.length * 8;
    int prefix;
    try {
      prefix = parts.length == 2 ? Integer.parseInt(parts[1]) : bits;
    } catch (NumberFormatException e) {
      throw new IllegalArgumentException("not an IP address or CIDR: " + text, e);
    }
    if (prefix < 0 || prefix > bits) {
      throw new IllegalArgumentException("prefix out of range in " + text);
    }
    return new Block(raw, prefix, why);
  }
}
