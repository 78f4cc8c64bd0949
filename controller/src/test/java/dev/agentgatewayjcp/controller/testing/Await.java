package dev.agentgatewayjcp.controller.testing;

import io.fabric8.kubernetes.api.model.Condition;
import java.time.Duration;
import java.util.List;
import java.util.function.BooleanSupplier;

/** Await polls a condition until it holds or a deadline passes, and finds status conditions. */
public final class Await {

  private Await() {}

  /** Polls {@code condition} every 20 ms; fails with {@code what} after {@code timeout}. */
  public static void until(Duration timeout, String what, BooleanSupplier condition) {
    long deadline = System.nanoTime() + timeout.toNanos();
    while (!condition.getAsBoolean()) {
      if (System.nanoTime() > deadline) {
        throw new AssertionError("timed out after " + timeout + " waiting for " + what);
      }
      try {
        Thread.sleep(20);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        throw new AssertionError("interrupted waiting for " + what, e);
      }
    }
  }

  /** Polls {@code supplier} until it returns non-null, and returns that value. */
  public static <T> T value(Duration timeout, String what, java.util.function.Supplier<T> supplier) {
    Object[] holder = new Object[1];
    until(timeout, what, () -> (holder[0] = supplier.get()) != null);
    @SuppressWarnings("unchecked")
    T result = (T) holder[0];
    return result;
  }

  /** The condition of the given type, or an assertion failure listing what there is. */
  public static Condition condition(List<Condition> conditions, String type) {
    return conditions.stream().filter(c -> c.getType().equals(type)).findFirst()
        .orElseThrow(() -> new AssertionError("no " + type + " condition in " + conditions));
  }
}
