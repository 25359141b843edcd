package dev.flinkresilience.operator.observe;

import dev.flinkresilience.operator.decide.FlinkObservation;
import dev.flinkresilience.operator.decide.HaStoreView;

/**
 * The newest result of polling one job: what the REST API said (null when there was no address to
 * call) and what ZooKeeper holds (null without ZooKeeper HA).
 */
public record Polled(PollTarget target, FlinkObservation rest, HaStoreView zooKeeper) {

  /** Whether it describes the given job: a poll of an earlier deployment must not leak in. */
  public boolean isOf(String jobId) {
    return jobId != null && jobId.equals(target.jobId());
  }
}
