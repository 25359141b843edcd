package dev.flinkresilience.operator.decide;

import java.time.Duration;
import java.time.Instant;
import java.util.Optional;

/**
 * Whether Flink's Kubernetes HA leadership may be handed over from a JobManager the operator has
 * just released from a lost node (DESIGN.md §5.3, §5.6). Without it the replacement, or a standby,
 * waits out the dead leader's lock (15 s from its last renewal, then up to one more retry period):
 * the node-loss benchmark measured RUNNING again 15 s after a release at 12 s. Releasing the lock
 * (an empty holder, which Flink's elector treats as free, as client-go does on release) lets the
 * next JobManager lead at once.
 *
 * <p>Only the lock of the released JobManager, and only while nobody renews it: its holder's REST
 * leader entry points at the released pod's IP, and the lock has not been renewed for two of
 * Flink's retry periods (a live leader renews every period). The write itself is conditional on the
 * lock's resourceVersion, so a holder that renews meanwhile wins. Fencing is Flink's: a leader that
 * lost the lock can no longer write its HA ConfigMaps, so it completes no checkpoint and commits
 * nothing.
 */
public final class LeadershipHandover {
  private LeadershipHandover() {}

  /**
   * Flink's leader lock as read from {@code <cluster-id>-cluster-config-map}.
   *
   * @param holder the lock's {@code holderIdentity}, empty when released
   * @param renewedAt its {@code renewTime}, null when unknown
   * @param restLeaderHost the host of the REST server leader entry, null when absent
   */
  public record Lock(String holder, Instant renewedAt, String restLeaderHost) {}

  /** Why the lock must be left alone, or empty when it may be released. */
  public static Optional<String> refusal(
      Lock lock, String releasedIp, Duration retryPeriod, Instant now) {
    if (lock == null || lock.holder() == null || lock.holder().isEmpty()) {
      return Optional.of("no leader holds the lock");
    }
    if (releasedIp == null || !releasedIp.equals(lock.restLeaderHost())) {
      return Optional.of(
          "the leader is not the released JobManager ("
              + lock.restLeaderHost()
              + " leads, "
              + releasedIp
              + " was released)");
    }
    Duration quiet = retryPeriod.multipliedBy(2);
    if (lock.renewedAt() == null || Duration.between(lock.renewedAt(), now).compareTo(quiet) < 0) {
      return Optional.of(
          "the lock was renewed less than " + quiet.toSeconds() + " s ago: its holder may live");
    }
    return Optional.empty();
  }
}
