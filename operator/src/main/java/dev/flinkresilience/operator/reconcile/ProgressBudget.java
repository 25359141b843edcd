package dev.flinkresilience.operator.reconcile;

import java.time.Clock;
import java.time.Instant;

/**
 * A shared allowance per second for work that carries nothing but checkpoint progress (issue 14):
 * the status writes of {@link ProgressWrites}, and the reconcile passes a steady job's new
 * checkpoint may wake. With few jobs it is never short and every checkpoint is followed at once;
 * with thousands it caps that work at the rate, whatever the number of jobs. A token bucket of one
 * second's worth (at least one); a rate of 0 allows everything.
 */
public final class ProgressBudget {
  private final double perSecond;
  private final Clock clock;
  private double tokens;
  private Instant refilledAt;

  public ProgressBudget(double perSecond, Clock clock) {
    if (!(perSecond >= 0) || Double.isInfinite(perSecond)) {
      throw new IllegalArgumentException("progress per second must be 0 or more: " + perSecond);
    }
    this.perSecond = perSecond;
    this.clock = clock;
    this.tokens = burst();
    this.refilledAt = clock.instant();
  }

  /** Whether one more piece of progress-only work may go now (and counts it). */
  public synchronized boolean take() {
    if (perSecond == 0) {
      return true;
    }
    Instant now = clock.instant();
    double elapsed = Math.max(0, (now.toEpochMilli() - refilledAt.toEpochMilli()) / 1000.0);
    tokens = Math.min(burst(), tokens + elapsed * perSecond);
    refilledAt = now;
    if (tokens >= 1) {
      tokens -= 1;
      return true;
    }
    return false;
  }

  /** One second's worth, and at least one. */
  private double burst() {
    return Math.max(1, perSecond);
  }
}
