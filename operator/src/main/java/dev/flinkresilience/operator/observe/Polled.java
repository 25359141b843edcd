package dev.flinkresilience.operator.observe;

import dev.flinkresilience.operator.decide.FlinkObservation;
import dev.flinkresilience.operator.decide.HaStoreView;
import java.time.Instant;

/**
 * The newest result of polling one job: what the REST API said (null when there was no address to
 * call) and what ZooKeeper holds (null without ZooKeeper HA).
 *
 * @param unreachableSince when the first of the REST calls in a row that failed to connect
 *     finished, null while the latest call connected
 * @param unreachableCalls how many calls in a row failed to connect (0 while the latest connected)
 */
public record Polled(
    PollTarget target,
    FlinkObservation rest,
    HaStoreView zooKeeper,
    Instant unreachableSince,
    int unreachableCalls) {

  public Polled(PollTarget target, FlinkObservation rest, HaStoreView zooKeeper) {
    this(target, rest, zooKeeper, null, 0);
  }

  /** Whether it describes the given job: a poll of an earlier deployment must not leak in. */
  public boolean isOf(String jobId) {
    return jobId != null && jobId.equals(target.jobId());
  }

  /**
   * This poll, continuing the run of unreachable calls of {@code before} (the previous poll of the
   * same address): a JobManager that keeps failing to connect is the second signal that its node is
   * dead.
   */
  Polled after(Polled before) {
    if (rest == null || rest.outcome() != FlinkObservation.Outcome.UNREACHABLE) {
      return new Polled(target, rest, zooKeeper, null, 0);
    }
    boolean continues = before != null && before.unreachableCalls > 0;
    return new Polled(
        target,
        rest,
        zooKeeper,
        continues ? before.unreachableSince : rest.observedAt(),
        continues ? before.unreachableCalls + 1 : 1);
  }
}
