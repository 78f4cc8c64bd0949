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
  private final java.util.concurrent.Executor writer;
  private final Random random = new Random();
  final AtomicLong changes = new AtomicLong();
  /** CPU the churn thread used, set when it ends; in-process windows subtract it from the controller's. */
  volatile long driverCpuNanos;
  private volatile Thread thread;
  private volatile boolean running;

  /** Writes on the churn thread itself: right for an in-process target, where a write is a method call. */
  Churn(Target target, Workload workload) {
    this(target, workload, Runnable::run);
  }

  /**
   * Hands each change to {@code writer}, so that API round trips (a pod replacement is four
   * calls) do not hold the rate down.
   */
  Churn(Target target, Workload workload, java.util.concurrent.Executor writer) {
    this.target = target;
    this.workload = workload;
    this.writer = writer;
  }

  /** One change now, on the caller's thread. */
  void changeOnce(Kind kind, long n) {
    int app = random.nextInt(workload.apps);
    boolean route = kind == Kind.ROUTES || (kind == Kind.BOTH && n % 2 == 0);
    // Revisions live in the workload, so that later churns never reuse a pod name.
    int next = route ? workload.routeRevision.incrementAndGet(app) : workload.podGeneration.incrementAndGet(app);
    changes.incrementAndGet();
    writer.execute(() -> {
      try {
        if (route) {
          target.apply(workload.route(app, 0, next));
        } else {
          target.replacePod(app, next);
        }
      } catch (RuntimeException e) {
        System.err.println("churn write failed: " + e.getMessage());
      }
    });
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
