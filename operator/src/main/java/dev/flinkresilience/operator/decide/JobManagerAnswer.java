package dev.flinkresilience.operator.decide;

import java.time.Duration;
import java.time.Instant;

/**
 * The job's JobManager answered its REST API: from a pod on {@code node}, at {@code at}. The
 * second, independent signal of DESIGN.md §5.6: a node whose Lease looks stale while a process on
 * it answers is not dead, whatever the Lease says (a kubelet that renews late, a kubelet cut off
 * from the API server while the node runs on). Only an answer from a pod the operator addressed by
 * its own IP counts; a Service or an ingress could be answered from anywhere.
 *
 * @param node the node of the JobManager pod that answered
 * @param at when its answer arrived
 */
public record JobManagerAnswer(String node, Instant at) {
  /**
   * How recent an answer must be to speak for its node: two steady polls (5 s apart) and their
   * timeouts fit; a node that died stops answering at once, so the veto lapses within this.
   */
  public static final Duration FRESH = Duration.ofSeconds(12);

  /** Whether this answer shows {@code node} alive at {@code now}. */
  public boolean vouchesFor(String node, Instant now) {
    return this.node != null
        && this.node.equals(node)
        && !at.isAfter(now.plusSeconds(1))
        && Duration.between(at, now).compareTo(FRESH) <= 0;
  }
}
