package dev.flinkresilience.operator.reconcile;

import java.util.function.LongSupplier;

/**
 * How many jobs the operator has, counted at most once a second. Every pass asks (its steady resync
 * stretches with the number of jobs), and counting walks the whole cache: at 1,000 jobs that was a
 * twelfth of a pass's CPU (issue 14), for a number that only paces.
 */
final class JobCount {
  private static final long RECOUNT_AFTER_NANOS = 1_000_000_000L;

  private final LongSupplier nanoTime;
  private long count;
  private long countedAt;
  private boolean counted;

  JobCount() {
    this(System::nanoTime);
  }

  JobCount(LongSupplier nanoTime) {
    this.nanoTime = nanoTime;
  }

  synchronized long of(LongSupplier count) {
    long now = nanoTime.getAsLong();
    if (!counted || now - countedAt >= RECOUNT_AFTER_NANOS) {
      this.count = count.getAsLong();
      this.countedAt = now;
      this.counted = true;
    }
    return this.count;
  }
}
