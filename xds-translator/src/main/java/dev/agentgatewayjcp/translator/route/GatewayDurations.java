package dev.agentgatewayjcp.translator.route;

import java.math.BigDecimal;
import java.time.Duration;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * GatewayDurations parses Gateway API durations ({@code 10s}, {@code 1h30m}, {@code 500ms}),
 * which use Go's duration syntax.
 */
public final class GatewayDurations {

  private static final Pattern PART = Pattern.compile("([0-9]+(?:\\.[0-9]+)?)(ms|us|µs|ns|h|m|s)");

  private GatewayDurations() {}

  /** Parses a duration, or throws IllegalArgumentException. */
  public static Duration parse(String text) {
    if (text == null || text.isEmpty()) {
      throw new IllegalArgumentException("empty duration");
    }
    if ("0".equals(text)) {
      return Duration.ZERO;
    }
    Matcher m = PART.matcher(text);
    int pos = 0;
    BigDecimal nanos = BigDecimal.ZERO;
    while (pos < text.length()) {
      if (!m.find(pos) || m.start() != pos) {
        throw new IllegalArgumentException("invalid duration " + text);
      }
      BigDecimal value = new BigDecimal(m.group(1));
      long unit =
          switch (m.group(2)) {
            case "h" -> 3_600_000_000_000L;
            case "m" -> 60_000_000_000L;
            case "s" -> 1_000_000_000L;
            case "ms" -> 1_000_000L;
            case "us", "µs" -> 1_000L;
            default -> 1L;
          };
      nanos = nanos.add(value.multiply(BigDecimal.valueOf(unit)));
      pos = m.end();
    }
    return Duration.ofNanos(nanos.longValueExact());
  }

  /** A protobuf Duration. */
  public static com.google.protobuf.Duration toProto(Duration d) {
    return com.google.protobuf.Duration.newBuilder()
        .setSeconds(d.getSeconds())
        .setNanos(d.getNano())
        .build();
  }
}
