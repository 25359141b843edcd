package dev.flinkresilience.operator.decide;

import java.time.Duration;
import java.time.Instant;

/**
 * Whether the operator can see node Leases right now (DESIGN.md §5.6). A node is judged lost from
 * an absence, no Lease renewal, and an absence proves something only while the watch that would
 * have delivered the renewal works. Pure: {@link #next} is a function of the previous judgement and
 * of facts the node watch observed.
 *
 * @param healthy whether staleness may count
 * @param since when the watch last became healthy, or impaired: a healthy watch gives every node a
 *     fresh grace from this moment
 * @param why what is wrong, null while healthy
 */
public record WatchHealth(boolean healthy, Instant since, String why) {

  /**
   * Lease events across all nodes may pause this long before the silence itself counts as a gap. A
   * kubelet renews every 10 s, so on a live cluster the Lease stream never pauses for long; an API
   * server that is frozen, or a watch that hangs without closing, shows only as this silence.
   */
  public static final Duration DEFAULT_SILENCE = Duration.ofSeconds(15);

  /**
   * What the node watch saw.
   *
   * @param watching both informers (Nodes and Leases) are connected and synced
   * @param lastLeaseEvent when a Lease event (add, update, delete) was last delivered, null if
   *     never
   * @param leases how many Leases the cache holds: with none, silence means nothing
   */
  public record Facts(boolean watching, Instant lastLeaseEvent, int leases) {}

  /** Before the first look: the operator just started, and nothing it cached is evidence yet. */
  public static WatchHealth starting(Instant now) {
    return new WatchHealth(false, now, "the operator is starting");
  }

  /** The judgement now, given the previous one: keeps {@code since} while nothing changes. */
  public static WatchHealth next(WatchHealth previous, Facts facts, Instant now, Duration silence) {
    String problem = problem(facts, now, silence);
    if (problem == null) {
      return previous.healthy() ? previous : new WatchHealth(true, now, null);
    }
    return previous.healthy()
        ? new WatchHealth(false, now, problem)
        : new WatchHealth(false, previous.since(), problem);
  }

  private static String problem(Facts facts, Instant now, Duration silence) {
    if (!facts.watching()) {
      return "the Node or Lease watch is not connected (API errors, a closed watch or a relist)";
    }
    if (facts.leases() == 0) {
      return null;
    }
    if (facts.lastLeaseEvent() == null) {
      return "no Lease event delivered yet";
    }
    Duration quiet = Duration.between(facts.lastLeaseEvent(), now);
    if (quiet.compareTo(silence) > 0) {
      return "no renewal of any of "
          + facts.leases()
          + " node Leases delivered for "
          + quiet.toSeconds()
          + "s (kubelets renew every 10 s): the operator may not be hearing the API server";
    }
    return null;
  }
}
