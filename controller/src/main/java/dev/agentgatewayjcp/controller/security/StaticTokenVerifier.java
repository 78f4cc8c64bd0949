package dev.agentgatewayjcp.controller.security;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * StaticTokenVerifier is file mode's stand-in for TokenReview: a file lists tokens and the service
 * account each one stands for, one per line as {@code <token> <namespace>/<serviceaccount>}.
 * Blank lines and lines starting with {@code #} are ignored.
 *
 * <p>It exists to run a proxy locally with {@code XDS_AUTH_TOKEN} exactly as in a cluster; the
 * Gateway binding that follows is the same one Kubernetes mode applies.
 */
public final class StaticTokenVerifier implements TokenVerifier {

  private final Map<String, ServiceAccountIdentity> byToken;

  private StaticTokenVerifier(Map<String, ServiceAccountIdentity> byToken) {
    this.byToken = Map.copyOf(byToken);
  }

  /** Reads the token file; a malformed line fails with its line number. */
  public static StaticTokenVerifier read(Path file) {
    try {
      return parse(Files.readAllLines(file, StandardCharsets.UTF_8), file.toString());
    } catch (IOException e) {
      throw new UncheckedIOException("cannot read xDS token file " + file, e);
    }
  }

  static StaticTokenVerifier parse(List<String> lines, String source) {
    Map<String, ServiceAccountIdentity> tokens = new HashMap<>();
    for (int i = 0; i < lines.size(); i++) {
      String line = lines.get(i).strip();
      if (line.isEmpty() || line.startsWith("#")) {
        continue;
      }
      String[] parts = line.split("\\s+");
      String[] account = parts.length == 2 ? parts[1].split("/", -1) : new String[0];
      if (account.length != 2 || account[0].isEmpty() || account[1].isEmpty()) {
        throw new IllegalArgumentException(source + ":" + (i + 1) + ": expected '<token> <namespace>/<serviceaccount>'");
      }
      tokens.put(parts[0], new ServiceAccountIdentity(account[0], account[1], ""));
    }
    return new StaticTokenVerifier(tokens);
  }

  @Override
  public Optional<ServiceAccountIdentity> verify(String token) {
    byte[] presented = token.getBytes(StandardCharsets.UTF_8);
    ServiceAccountIdentity match = null;
    // Compare with every entry in constant time, so timing does not reveal a prefix.
    for (Map.Entry<String, ServiceAccountIdentity> e : byToken.entrySet()) {
      if (MessageDigest.isEqual(presented, e.getKey().getBytes(StandardCharsets.UTF_8))) {
        match = e.getValue();
      }
    }
    return Optional.ofNullable(match);
  }
}
