package dev.agentgatewayjcp.controller.xds;

import java.time.Duration;

/**
 * XdsServerConfig holds the xDS server's listening address and transport limits.
 *
 * @param host address to bind, e.g. {@code 0.0.0.0} in a pod or {@code 127.0.0.1} in file mode
 * @param port the plaintext port, 15010 by default; 0 picks a free port (tests); -1 turns
 *     plaintext off
 * @param tlsPort the TLS port (15012 when secured); 0 picks a free port; -1 (the default) turns TLS
 *     off
 * @param maxConnectionAge after this a connection is closed gracefully so proxies rebalance over
 *     replicas
 * @param maxConnectionAgeGrace time in-flight calls get to finish after that
 * @param keepAliveTime how often the server pings an idle connection
 * @param keepAliveTimeout how long it waits for the ping's answer
 * @param maxResponseBytes a response is cut after the resource that crosses this size; the rest
 *     follows in further responses (agentgateway accepts up to 200 MiB per message)
 * @param pushThreads threads that build and send responses for all connections
 */
public record XdsServerConfig(
    String host,
    int port,
    Duration maxConnectionAge,
    Duration maxConnectionAgeGrace,
    Duration keepAliveTime,
    Duration keepAliveTimeout,
    int maxResponseBytes,
    int pushThreads,
    int tlsPort) {

  /** The defaults: port 15010 on all addresses, 30-minute connection age, 4 MiB responses. */
  public static XdsServerConfig defaults() {
    return new XdsServerConfig(
        "0.0.0.0",
        15010,
        Duration.ofMinutes(30),
        Duration.ofMinutes(1),
        Duration.ofSeconds(30),
        Duration.ofSeconds(10),
        4 * 1024 * 1024,
        Math.max(2, Runtime.getRuntime().availableProcessors()),
        -1);
  }

  public XdsServerConfig withHost(String newHost) {
    return new XdsServerConfig(newHost, port, maxConnectionAge, maxConnectionAgeGrace, keepAliveTime, keepAliveTimeout, maxResponseBytes, pushThreads, tlsPort);
  }

  public XdsServerConfig withPort(int newPort) {
    return new XdsServerConfig(host, newPort, maxConnectionAge, maxConnectionAgeGrace, keepAliveTime, keepAliveTimeout, maxResponseBytes, pushThreads, tlsPort);
  }

  public XdsServerConfig withMaxResponseBytes(int bytes) {
    return new XdsServerConfig(host, port, maxConnectionAge, maxConnectionAgeGrace, keepAliveTime, keepAliveTimeout, bytes, pushThreads, tlsPort);
  }

  public XdsServerConfig withMaxConnectionAge(Duration age, Duration grace) {
    return new XdsServerConfig(host, port, age, grace, keepAliveTime, keepAliveTimeout, maxResponseBytes, pushThreads, tlsPort);
  }

  public XdsServerConfig withTlsPort(int newTlsPort) {
    return new XdsServerConfig(host, port, maxConnectionAge, maxConnectionAgeGrace, keepAliveTime, keepAliveTimeout, maxResponseBytes, pushThreads, newTlsPort);
  }
}
