package dev.flinkresilience.operator.decide;

import java.time.Duration;
import java.time.Instant;

/**
 * What to do after removing a deleted job's HA metadata failed: try again shortly, or give up and
 * let the resource go. The HA store's address comes from the tenant's spec; without a bound an
 * unreachable ZooKeeper (or a quorum that never existed) would keep the finalizer, and with it the
 * resource and the deletion of its whole namespace, forever.
 *
 * <p>Five minutes, counted from the deletion request: longer than a ZooKeeper ensemble or an API
 * server takes to come back from a rolling restart, and the same order as the time Kubernetes
 * itself waits on a lost node before it evicts pods (300 s). What is left behind is a small subtree
 * (or a few ConfigMaps) holding pointers to checkpoints that stay in storage anyway; the event
 * emitted on giving up names it for a human to remove.
 */
public final class HaCleanupDeadline {
  /** How long after the deletion request failed attempts go on. */
  public static final Duration GIVE_UP_AFTER = Duration.ofMinutes(5);

  /** The pause between attempts (each is itself bounded by the cleaner's timeout). */
  public static final Duration RETRY_AFTER = Duration.ofSeconds(5);

  /** The next step after a failed attempt. */
  public sealed interface Next {}

  /** Try again after {@code after}; attempts go on until {@code giveUpAt}. */
  public record Retry(Duration after, Instant giveUpAt) implements Next {}

  /** Stop trying: report what is left and remove the finalizer. */
  public record Abandon(Instant giveUpAt) implements Next {}

  private HaCleanupDeadline() {}

  /**
   * @param deletionRequested the resource's deletionTimestamp; null (no API server leaves it out on
   *     a resource being finalized) counts as long past, so a bound always exists
   * @param now the time of the failed attempt
   * @param permanent whether no retry can mend the failure (the operator is not permitted to remove
   *     the data): then it gives up at once instead of looping until the bound
   */
  public static Next afterFailure(Instant deletionRequested, Instant now, boolean permanent) {
    if (deletionRequested == null || permanent) {
      return new Abandon(now);
    }
    Instant giveUpAt = deletionRequested.plus(GIVE_UP_AFTER);
    return now.isBefore(giveUpAt) ? new Retry(RETRY_AFTER, giveUpAt) : new Abandon(giveUpAt);
  }
}
