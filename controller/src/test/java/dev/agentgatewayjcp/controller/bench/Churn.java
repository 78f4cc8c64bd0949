package dev.agentgatewayjcp.controller.bench;

import java.util.Random;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Churn changes existing apps at a fixed rate, as pilot-load's scaler does: route updates (a new
 * path) and pod replacements (new pod, new EndpointSlice address, old pod deleted).
 */
final class Churn implements AutoCloseable {

  enum Kind { ROUTES, PODS, BOTH }

  private final Target target;
  private final Workload workload;
  private final int[] routeRevision;
  private final int[] podGeneration;
  private final Random random = new Random(11);
  final AtomicLong changes = new AtomicLong();
  /** CPU the churn thread used, set when it ends; in-process windows subtract it from the controller's. */
  volatile long driverCpuNanos;
  private volatile Thread thread;
  private volatile boolean running;

  Churn(Target target, Workload workload) {
    this.target = target;
    this.workload = workload;
    this.routeRevision = new int[workload.apps];
    this.podGeneration = new int[workload.apps];
  }

  /** One change now, on the caller's thread. */
  void changeOnce(Kind kind, long n) {
    int app = random.nextInt(workload.apps);
    boolean route = kind == Kind.ROUTES || (kind == Kind.BOTH && n % 2 == 0);
    if (route) {
      target.apply(Workload.route(app, 0, ++routeRevision[app]));
    } else {
      target.replacePod(app, ++podGeneration[app]);
    }
    changes.incrementAndGet();
  }

  /** Starts changing at {@code perSecond}, paced by the clock, on a thread of its own. */
  Churn start(Kind kind, double perSecond) {
    if (workload.apps == 0 || perSecond <= 0) {
      return this;
    }
    running = true;
    long intervalNanos = (long) (1e9 / perSecond);
    thread = new Thread(() -> {
      try {
        run(kind, intervalNanos);
      } finally {
        driverCpuNanos = java.lang.management.ManagementFactory.getThreadMXBean().getCurrentThreadCpuTime();
      }
    }, "bench-churn");
    thread.setDaemon(true);
    thread.start();
    return this;
  }

  private void run(Kind kind, long intervalNanos) {
    long next = System.nanoTime();
    long n = 0;
    while (running) {
      long wait = next - System.nanoTime();
      if (wait > 0) {
        try {
          Thread.sleep(wait / 1_000_000, (int) (wait % 1_000_000));
        } catch (InterruptedException e) {
          return;
        }
      }
      if (!running) {
        return;
      }
      try {
        changeOnce(kind, n++);
      } catch (RuntimeException e) {
        System.err.println("churn write failed: " + e);
      }
      next += intervalNanos;
    }
  }

  @Override
  public void close() throws InterruptedException {
    running = false;
    if (thread != null) {
      thread.join(10_000);
    }
  }
}
