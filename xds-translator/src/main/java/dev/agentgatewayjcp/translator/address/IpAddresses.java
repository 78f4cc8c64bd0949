package dev.agentgatewayjcp.translator.address;

import com.google.protobuf.ByteString;
import java.net.InetAddress;
import java.net.UnknownHostException;
import java.util.Optional;
import java.util.regex.Pattern;

/**
 * IpAddresses converts textual IP literals to the raw 4 or 16 bytes the proxy expects, without
 * ever resolving a name.
 */
public final class IpAddresses {

  private static final Pattern V4 = Pattern.compile("(\\d{1,3})\\.(\\d{1,3})\\.(\\d{1,3})\\.(\\d{1,3})");
  private static final Pattern V6 = Pattern.compile("[0-9A-Fa-f:.]+");

  private IpAddresses() {}

  /** The bytes of an IPv4 or IPv6 literal, or empty if the text is not one. */
  public static Optional<ByteString> parse(String text) {
    if (text == null) {
      return Optional.empty();
    }
    var m = V4.matcher(text);
    if (m.matches()) {
      byte[] b = new byte[4];
      for (int i = 0; i < 4; i++) {
        int octet = Integer.parseInt(m.group(i + 1));
        if (octet > 255) {
          return Optional.empty();
        }
        b[i] = (byte) octet;
      }
      return Optional.of(ByteString.copyFrom(b));
    }
    if (text.contains(":") && V6.matcher(text).matches()) {
      try {
        // A literal containing ':' is parsed, never looked up.
        byte[] b = InetAddress.getByName(text).getAddress();
        return b.length == 16 ? Optional.of(ByteString.copyFrom(b)) : Optional.empty();
      } catch (UnknownHostException e) {
        return Optional.empty();
      }
    }
    return Optional.empty();
  }
}
