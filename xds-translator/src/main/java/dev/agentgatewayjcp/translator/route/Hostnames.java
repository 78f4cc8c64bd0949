package dev.agentgatewayjcp.translator.route;

import java.util.List;

/** Hostnames implements Gateway API hostname intersection between routes and listeners. */
public final class Hostnames {

  private Hostnames() {}

  /**
   * Whether any route hostname intersects the listener hostname. No route hostnames, or no
   * listener hostname, means any host.
   */
  public static boolean anyIntersect(List<String> routeHostnames, String listenerHostname) {
    if (listenerHostname == null || listenerHostname.isEmpty()) {
      return true;
    }
    if (routeHostnames == null || routeHostnames.isEmpty()) {
      return true;
    }
    for (String h : routeHostnames) {
      if (intersect(h, listenerHostname)) {
        return true;
      }
    }
    return false;
  }

  /** Whether two hostnames, either possibly a {@code *.} wildcard, share at least one host. */
  public static boolean intersect(String a, String b) {
    if (a.equals(b) || "*".equals(a) || "*".equals(b)) {
      return true;
    }
    boolean wa = a.startsWith("*.");
    boolean wb = b.startsWith("*.");
    if (wa && wb) {
      String sa = a.substring(1);
      String sb = b.substring(1);
      return sa.endsWith(sb) || sb.endsWith(sa);
    }
    if (wa) {
      // A wildcard covers one or more labels in front of its suffix.
      return b.endsWith(a.substring(1)) && b.length() > a.length() - 1;
    }
    if (wb) {
      return a.endsWith(b.substring(1)) && a.length() > b.length() - 1;
    }
    return false;
  }
}
