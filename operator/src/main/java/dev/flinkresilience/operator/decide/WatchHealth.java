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
 * @param keptGrace while impaired only by a disconnect, when the watch had been healthy since
 *     before it: a brief disconnect gives that back instead of a fresh grace; null otherwise
 */
public record WatchHealth(boolean healthy, Instant since, String why, Instant keptGrace) {

  /**
   * A disconnect judged at most this long (less where nodeLostAfter is short: {@link #briefFor})
   * (first tick seen impaired to the first healthy one, so at most this plus one tick in truth)
   * keeps the grace that ran before it. The informers renew their watches now and then (the API
   * server ends each after a few minutes), and a tick that fell into that reconnect gave every node
   * a fresh grace: a node that died just before was caught nodeLostAfter later than it would have
   * been (chaos run: 25 s instead of 20). The grace exists because kubelets cannot renew while the
   * API server is away; away this briefly, the renewal they missed is late by no more than the gap,
   * which the rule that nodeLostAfter be at least 1.5 renewals absorbs (a cache one renewal and a 3
   * s gap behind shows 13 s, under 15). A server that is down longer, or a silence, still gives a
   * fresh grace.
   */
  public static final Duration BRIEF_DISCONNECT = Duration.ofSeconds(2);

  /**
   * How brief a disconnect may be for the nodes' grace to run on, given the shortest {@code
   * nodeLostAfter} in use and the tick: {@link #BRIEF_DISCONNECT}, or less where nodeLostAfter is
   * short. A renewal interval is at most two thirds of nodeLostAfter (validated), so a cache one
   * renewal plus the gap (at most {@code brief} plus a tick) behind stays under nodeLostAfter. Zero
   * (never brief) when even that does not fit.
   */
  public static Duration briefFor(Duration lostAfter, Duration tick) {
    Duration room = lostAfter.dividedBy(3).minus(tick);
    if (room.isNegative()) {
      return Duration.ZERO;
    }
    return room.compareTo(BRIEF_DISCONNECT) < 0 ? room : BRIEF_DISCONNECT;
  }

  public WatchHealth(boolean healthy, Instant since, String why) {
    this(healthy, since, why, null);
  }

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
  public static WatchHealth next(
      WatchHealth previous, Facts facts, Instant now, Duration silence, Duration brief) {
    String problem = problem(facts, now, silence);
    if (problem == null) {
      if (previous.healthy()) {
        return previous;
      }
      boolean wasBrief =
          previous.keptGrace() != null
              && Duration.between(previous.since(), now).compareTo(brief) <= 0;
      return new WatchHealth(true, wasBrief ? previous.keptGrace() : now, null);
    }
    // Only a disconnect can be brief; a silence is 15 s long by definition.
    boolean disconnected = !facts.watching();
    if (previous.healthy()) {
      return new WatchHealth(false, now, problem, disconnected ? previous.since() : null);
    }
    return new WatchHealth(
        false, previous.since(), problem, disconnected ? previous.keptGrace() : null);
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
