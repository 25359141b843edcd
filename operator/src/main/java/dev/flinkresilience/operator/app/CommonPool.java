package dev.flinkresilience.operator.app;

import java.util.concurrent.ForkJoinPool;

/**
 * Sizes ForkJoinPool's common pool before anything uses it, independent of the CPU count.
 *
 * <p>Why: {@code CompletableFuture}'s default executor is the common pool, unless its parallelism
 * is below 2 (the JVM gives it CPUs - 1, so 1 on a machine or container limited to 2 CPUs); then it
 * starts a new thread for every task. The JDK's {@code HttpClient} hands every {@code sendAsync}
 * answer to that default executor, whatever executor the client was built with, and both the
 * Kubernetes client and the Flink REST client send one request after another: on 2 CPUs the
 * operator started a thread per HTTP response (measured: 506 threads started for 500 calls, 10 with
 * this; {@code CommonPoolTest}).
 */
final class CommonPool {
  static final String PROPERTY = "java.util.concurrent.ForkJoinPool.common.parallelism";

  /** Enough for the callbacks, which only hand answers on; not tied to the CPUs. */
  static final int PARALLELISM = 4;

  private CommonPool() {}

  /**
   * Sets the parallelism unless the user set it. Must run before the pool is first used: returns
   * the pool's parallelism, which is below 2 only if something used it earlier.
   */
  static int size() {
    if (System.getProperty(PROPERTY) == null) {
      System.setProperty(PROPERTY, Integer.toString(PARALLELISM));
    }
    return ForkJoinPool.getCommonPoolParallelism();
  }
}
