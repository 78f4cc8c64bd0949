package dev.agentgatewayjcp.controller.bench;

import java.io.IOException;
import java.lang.management.ManagementFactory;
import java.lang.management.MemoryMXBean;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * Meter reads what a controller costs: CPU time, resident memory, heap and bytes allocated,
 * either of the controller's threads in this JVM or of a controller in another process.
 *
 * <p>In this JVM, threads named {@code sim-proxy-*} (simulated proxies) and {@code bench-*}
 * (the driver) are not the controller; every other thread, including GC and JIT compiler threads,
 * is counted as the controller's, which overstates it a little.
 */
final class Meter {

  /**
   * A reading; subtract two to get a window. Per-thread counters are kept by thread id, so that
   * threads that start or end inside a window do not make its figures jump.
   */
  record Reading(long nanos, long cpuNanos, long allocatedBytes, long rssBytes, long heapBytes,
      Map<Long, Long> excludedCpu, Map<Long, Long> allocated) {
    Reading minus(Reading earlier) {
      long cpu = cpuNanos - earlier.cpuNanos;
      if (excludedCpu != null) {
        cpu -= delta(excludedCpu, earlier.excludedCpu);
      }
      long alloc = allocated == null ? 0 : delta(allocated, earlier.allocated);
      return new Reading(nanos - earlier.nanos, cpu, alloc, rssBytes, heapBytes, null, null);
    }

    private static long delta(Map<Long, Long> later, Map<Long, Long> earlier) {
      long sum = 0;
      for (var e : later.entrySet()) {
        sum += e.getValue() - earlier.getOrDefault(e.getKey(), 0L);
      }
      return sum;
    }
  }

  private static final com.sun.management.ThreadMXBean THREADS =
      (com.sun.management.ThreadMXBean) ManagementFactory.getThreadMXBean();
  private static final MemoryMXBean MEMORY = ManagementFactory.getMemoryMXBean();
  private static final long CLOCK_TICK_NANOS = 10_000_000L;

  private final long pid;

  private Meter(long pid) {
    this.pid = pid;
  }

  /** The controller's threads in this JVM. */
  static Meter inThisJvm() {
    return new Meter(-1);
  }

  /** A controller in another process (CPU and RSS only; heap and allocation are not visible). */
  static Meter process(long pid) {
    return new Meter(pid);
  }

  Reading read() {
    long now = System.nanoTime();
    if (pid < 0) {
      Map<Long, Long> excluded = new HashMap<>();
      Map<Long, Long> allocated = new HashMap<>();
      for (Thread t : Thread.getAllStackTraces().keySet()) {
        String name = t.getName();
        long id = t.getId();
        if (name.startsWith("sim-proxy") || name.startsWith("bench-")) {
          excluded.put(id, Math.max(0, THREADS.getThreadCpuTime(id)));
        } else {
          allocated.put(id, Math.max(0, THREADS.getThreadAllocatedBytes(id)));
        }
      }
      // JVM-internal threads (GC, compiler) have no Java Thread: process CPU minus the excluded
      // Java threads counts them as the controller's.
      return new Reading(now, processCpuNanos(), 0, rss("self"), MEMORY.getHeapMemoryUsage().getUsed(),
          excluded, allocated);
    }
    return new Reading(now, procCpu(pid), 0, rss(Long.toString(pid)), 0, null, null);
  }

  /** Heap in use after two full collections: the live data. */
  static long liveHeapBytes() {
    System.gc();
    System.gc();
    return MEMORY.getHeapMemoryUsage().getUsed();
  }

  private static long processCpuNanos() {
    return ((com.sun.management.OperatingSystemMXBean) ManagementFactory.getOperatingSystemMXBean())
        .getProcessCpuTime();
  }

  private static long procCpu(long pid) {
    try {
      String stat = Files.readString(Path.of("/proc", Long.toString(pid), "stat"));
      String[] f = stat.substring(stat.lastIndexOf(')') + 2).split(" ");
      // utime and stime are fields 14 and 15 of the whole line, 12 and 13 after the command.
      return (Long.parseLong(f[11]) + Long.parseLong(f[12])) * CLOCK_TICK_NANOS;
    } catch (IOException | RuntimeException e) {
      return 0;
    }
  }

  static long rss(String pid) {
    try {
      List<String> lines = Files.readAllLines(Path.of("/proc", pid, "status"));
      for (String line : lines) {
        if (line.startsWith("VmRSS:")) {
          return Long.parseLong(line.replaceAll("[^0-9]", "")) * 1024;
        }
      }
    } catch (IOException | RuntimeException e) {
      return 0;
    }
    return 0;
  }

  /** The one-minute load average, to record how busy the shared machine was. */
  static double loadAverage() {
    try {
      return Double.parseDouble(Files.readString(Path.of("/proc/loadavg")).split(" ")[0]);
    } catch (IOException | RuntimeException e) {
      return -1;
    }
  }
}
