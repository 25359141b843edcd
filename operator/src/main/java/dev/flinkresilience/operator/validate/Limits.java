package dev.flinkresilience.operator.validate;

import java.math.BigDecimal;
import java.time.Duration;

/**
 * Upper bounds of the spec's magnitudes. A job's spec is a tenant's input to an operator every
 * tenant shares, so no number in it is unbounded: a bound keeps arithmetic on it (deadlines, status
 * lists, Flink's own int and long fields) far from overflow, and refuses what is surely a typo
 * before it becomes a cluster. Each bound is far above any setting in real use. The CRD schema
 * repeats them where it can (the api classes), so {@code kubectl apply} refuses most at once.
 */
final class Limits {
  /**
   * Anything the operator or Flink waits on before acting: timeouts, intervals, delays, backoffs
   * and node loss. Waiting longer than a day for a JobManager, a checkpoint or a restart is no
   * resilience setting.
   */
  static final Duration DAY = Duration.ofHours(24);

  /**
   * Windows and ages: the redeploy budget and bad-node windows, the failure-rate interval, the
   * exponential backoff's reset threshold, checkpoint age and stall thresholds.
   */
  static final Duration YEAR = Duration.ofDays(365);

  /** JobManagers: one leader and standbys; more add leader-election load and nothing else. */
  static final int JOB_MANAGERS = 10;

  /** TaskManagers in standalone mode: one per subtask at Flink's largest parallelism. */
  static final int TASK_MANAGERS = JobRules.MAX_PARALLELISM;

  /** Slots per TaskManager: one per core of the largest TaskManager ({@link #CPU_CORES}). */
  static final int TASK_SLOTS = 1024;

  /** Restart attempts or failures per interval: at a one-second delay, 11 days of restarts. */
  static final int RESTARTS = 1_000_000;

  /**
   * Redeploys in the budget window and pod failures counted per node: status keeps one entry per
   * redeploy and per failure within the window, so these also bound the status size.
   */
  static final int STATUS_COUNTS = 100;

  /** Checkpoints in flight at once. */
  static final int CONCURRENT_CHECKPOINTS = 100;

  /** CPU cores of one Flink process. */
  static final BigDecimal CPU_CORES = BigDecimal.valueOf(1024);

  /** Memory of one Flink process: 16Ti. */
  static final BigDecimal MEMORY_BYTES = BigDecimal.valueOf(16L << 40);

  private Limits() {}

  /** A bound as the CR spells durations: {@code 24h}, {@code 8760h}. */
  static String describe(Duration d) {
    return d.toHours() + "h" + (d.equals(YEAR) ? " (365 days)" : "");
  }
}
