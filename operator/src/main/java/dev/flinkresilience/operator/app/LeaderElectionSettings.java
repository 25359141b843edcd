package dev.flinkresilience.operator.app;

import java.time.Duration;
import java.util.Optional;

/**
 * Leader election through a Lease (JOSDK's, on fabric8's LeaderElector): every replica runs its
 * informers, only the Lease holder processes events. The holder renews every {@code retryPeriod};
 * if it cannot renew within {@code renewDeadline} it stops leading; a standby takes the Lease once
 * it has not been renewed for {@code leaseDuration}, so that bounds a takeover after a crash.
 *
 * @param leaseName the Lease's name
 * @param leaseNamespace the Lease's namespace; empty: the client's namespace
 * @param identity this replica's name in the Lease (the pod name)
 * @param onLostLeadership what to do when leadership is lost other than by stopping on purpose
 */
public record LeaderElectionSettings(
    String leaseName,
    Optional<String> leaseNamespace,
    String identity,
    Duration leaseDuration,
    Duration renewDeadline,
    Duration retryPeriod,
    Runnable onLostLeadership) {

  /** JOSDK's (and client-go's usual) timings: 15 s lease, 10 s renew deadline, 2 s retry. */
  public static LeaderElectionSettings of(
      String leaseName, Optional<String> leaseNamespace, String identity) {
    return new LeaderElectionSettings(
        leaseName,
        leaseNamespace,
        identity,
        Duration.ofSeconds(15),
        Duration.ofSeconds(10),
        Duration.ofSeconds(2),
        LeaderElectionSettings::exitProcess);
  }

  public LeaderElectionSettings withTimings(
      Duration leaseDuration, Duration renewDeadline, Duration retryPeriod) {
    return new LeaderElectionSettings(
        leaseName,
        leaseNamespace,
        identity,
        leaseDuration,
        renewDeadline,
        retryPeriod,
        onLostLeadership);
  }

  public LeaderElectionSettings withOnLostLeadership(Runnable action) {
    return new LeaderElectionSettings(
        leaseName, leaseNamespace, identity, leaseDuration, renewDeadline, retryPeriod, action);
  }

  /**
   * A leader that lost its Lease must stop reconciling at once (another replica may have started)
   * and JOSDK cannot resume event processing later: exit, and Kubernetes restarts the pod as a
   * standby. From a new thread, because the callback runs inside the elector's lock, which the
   * shutdown hook (stopping the operator) needs too.
   */
  static void exitProcess() {
    new Thread(() -> System.exit(1), "lost-leadership-exit").start();
  }
}
