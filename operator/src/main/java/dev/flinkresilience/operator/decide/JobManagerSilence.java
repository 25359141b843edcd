package dev.flinkresilience.operator.decide;

import java.time.Duration;
import java.time.Instant;

/**
 * The job's JobManager stopped answering: every REST call to the pod on {@code node}, addressed by
 * its own IP, failed to connect (refused, unreachable, timed out), {@code calls} in a row from
 * {@code since} to {@code lastAt}. The other half of the second signal of DESIGN.md §5.6: a node
 * whose Lease missed a renewal <em>and</em> whose JobManager is silent over the same time is lost
 * without waiting for {@code nodeLostAfter}. An answer of any kind (even an HTTP 500) is not
 * silence: a process that answers is alive, and so is its node.
 *
 * @param node the node of the JobManager pod that was called
 * @param since when the first failed call of the run finished
 * @param lastAt when the latest failed call finished
 * @param calls failed calls in a row
 */
public record JobManagerSilence(String node, Instant since, Instant lastAt, int calls) {
  /**
   * How long the silence must have lasted: a blip (a JobManager restarting in place, one dropped
   * connection) is shorter; a node killed right after it renewed its Lease has been silent for
   * about 10 s when the Lease misses its next renewal.
   */
  public static final Duration MIN_SPAN = Duration.ofSeconds(4);

  /**
   * Whether this silence speaks for {@code node}, whose Lease was last renewed at {@code
   * renewedAt}, being dead: at least two failed calls over at least {@link #MIN_SPAN}, and a
   * silence that began after the node's last renewal, so both signals went quiet over the same
   * window (a JobManager already silent while its node kept renewing is Flink's business, not a
   * dead node). It stays evidence after the poller stops calling: only a renewal or an answer from
   * the node undoes it.
   */
  public boolean corroboratesLossOf(String node, Instant renewedAt, Instant now) {
    return this.node != null
        && this.node.equals(node)
        && calls >= 2
        && Duration.between(since, lastAt).compareTo(MIN_SPAN) >= 0
        && !lastAt.isAfter(now.plusSeconds(1))
        && renewedAt != null
        && !since.isBefore(renewedAt);
  }
}
