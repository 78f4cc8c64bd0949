package dev.agentgatewayjcp.controller.bench;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/**
 * ControllerProcess starts one controller under test as a process of its own against the
 * benchmark's API server: ours from the shaded jar, or agentgateway's Go controller from a
 * binary the developer built locally (never part of this repository).
 */
final class ControllerProcess implements AutoCloseable {

  /** Which controller, and how its proxies find their Gateway. */
  enum Kind {
    OURS("jcp", Workload.OUR_GATEWAY),
    PEER("agentgateway", Workload.PEER_GATEWAY);

    final String label;
    final String gateway;

    Kind(String label, String gateway) {
      this.label = label;
      this.gateway = gateway;
    }
  }

  final Kind kind;
  final int xdsPort;
  private final Process process;

  private ControllerProcess(Kind kind, int xdsPort, Process process) {
    this.kind = kind;
    this.xdsPort = xdsPort;
    this.process = process;
  }

  /**
   * Starts a controller with one CPU's worth of parallelism and the same memory ceiling for both:
   * {@code -XX:ActiveProcessorCount=1 -Xmx} for ours, {@code GOMAXPROCS=1 GOMEMLIMIT} for the peer.
   */
  static ControllerProcess start(Kind kind, Path kubeconfig, Path log, int heapMiB, Path ourJar, Path peerBinary)
      throws IOException, InterruptedException {
    int xdsPort = freePort();
    List<String> command = new ArrayList<>();
    ProcessBuilder builder = new ProcessBuilder();
    Map<String, String> env = builder.environment();
    env.put("KUBECONFIG", kubeconfig.toString());
    if (kind == Kind.OURS) {
      command.addAll(List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
          "-Xmx" + heapMiB + "m", "-XX:ActiveProcessorCount=1"));
      if (System.getenv("BENCH_JFR") != null) {
        // A profiling run (docs/performance.md): CPU samples and allocations of the whole round.
        command.add("-XX:StartFlightRecording=filename=" + log.toString().replace(".log", ".jfr") + ",settings=profile");
      }
      command.addAll(List.of("-jar", ourJar.toString(), "run",
          // Plaintext and no authentication, as the peer is run (AGW_XDS_MODE, AGW_XDS_AUTH).
          "--xds-host", "127.0.0.1", "--xds-port", Integer.toString(xdsPort),
          "--xds-plaintext", "--no-xds-tls", "--no-xds-auth",
          "--admin-port", Integer.toString(freePort()),
          "--no-leader-election", "--no-deploy-proxies", "--no-print-status"));
    } else {
      command.add(peerBinary.toString());
      env.put("GOMAXPROCS", "1");
      env.put("GOMEMLIMIT", heapMiB + "MiB");
      env.put("AGW_XDS_AUTH", "false");
      env.put("AGW_XDS_MODE", "plaintext");
      env.put("AGW_AGENTGATEWAY_XDS_SERVICE_PORT", Integer.toString(xdsPort));
      env.put("AGW_DISABLE_LEADER_ELECTION", "true");
      env.put("AGW_LOG_LEVEL", "info");
      env.put("POD_NAMESPACE", Workload.GATEWAY_NAMESPACE);
    }
    Process process = builder.command(command).redirectErrorStream(true).redirectOutput(log.toFile()).start();
    ControllerProcess started = new ControllerProcess(kind, xdsPort, process);
    try {
      started.awaitPort(Duration.ofSeconds(120), log);
    } catch (IOException | InterruptedException e) {
      // A controller that never listened must not outlive the round and skew the next one.
      process.destroyForcibly();
      throw e;
    }
    return started;
  }

  long pid() {
    return process.pid();
  }

  private void awaitPort(Duration timeout, Path log) throws IOException, InterruptedException {
    long deadline = System.nanoTime() + timeout.toNanos();
    while (System.nanoTime() < deadline) {
      if (!process.isAlive()) {
        throw new IOException(kind.label + " exited with " + process.exitValue() + "; see " + log);
      }
      try (Socket s = new Socket()) {
        s.connect(new InetSocketAddress("127.0.0.1", xdsPort), 200);
        return;
      } catch (IOException notYet) {
        Thread.sleep(100);
      }
    }
    throw new IOException(kind.label + " did not listen on " + xdsPort + " within " + timeout + "; see " + log);
  }

  private static int freePort() throws IOException {
    try (java.net.ServerSocket s = new java.net.ServerSocket(0)) {
      return s.getLocalPort();
    }
  }

  @Override
  public void close() throws InterruptedException {
    process.destroy();
    if (!process.waitFor(10, TimeUnit.SECONDS)) {
      process.destroyForcibly();
      process.waitFor(10, TimeUnit.SECONDS);
    }
  }
}
