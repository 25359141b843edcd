package dev.flinkresilience.operator.observe;

import java.net.URI;
import java.time.Duration;

/**
 * What to poll for one job, and how often. The reconciler sets it every pass; the poller does the
 * I/O on its own threads.
 *
 * @param restBase the JobManager's REST URL, or null when no JobManager can be reached now
 * @param jobId the Flink job id of the current deployment
 * @param interval time between polls (short while deploying or recovering)
 * @param zooKeeper where the job's ZooKeeper HA data lives, or null without ZooKeeper HA
 * @param checkpointWakes whether a new checkpoint alone wakes the job's reconciler ({@code
 *     CheckpointNews}); any other change always does
 * @param steady whether {@code interval} is the steady one, which the poller stretches when it
 *     polls so many jobs that their steady polls together would pass the operator's rate
 */
public record PollTarget(
    URI restBase,
    String jobId,
    Duration interval,
    ZooKeeperHa zooKeeper,
    boolean checkpointWakes,
    boolean steady) {

  /** A target whose every change, a checkpoint included, wakes the reconciler. */
  public PollTarget(URI restBase, String jobId, Duration interval, ZooKeeperHa zooKeeper) {
    this(restBase, jobId, interval, zooKeeper, true);
  }

  /** A target polled at {@code interval} whatever the number of jobs. */
  public PollTarget(
      URI restBase,
      String jobId,
      Duration interval,
      ZooKeeperHa zooKeeper,
      boolean checkpointWakes) {
    this(restBase, jobId, interval, zooKeeper, checkpointWakes, false);
  }

  /** A job's ZooKeeper HA location and the checkpoint directory its paths are derived from. */
  public record ZooKeeperHa(
      String quorum, String rootPath, String haClusterId, String checkpointDirectory) {}

  public boolean pollsNothing() {
    return restBase == null && zooKeeper == null;
  }
}
