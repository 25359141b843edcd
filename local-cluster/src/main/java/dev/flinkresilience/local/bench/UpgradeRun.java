package dev.flinkresilience.local.bench;

import dev.flinkresilience.local.LocalCluster;
import dev.flinkresilience.local.SampleJob;
import dev.flinkresilience.local.chaos.ScenarioRun;
import dev.flinkresilience.local.check.CheckpointStorage;
import dev.flinkresilience.local.check.OutputCheck;
import dev.flinkresilience.local.lifecycle.PlannedRestart;
import dev.flinkresilience.operator.api.v1alpha1.FlinkResilientJob;
import dev.flinkresilience.operator.api.v1alpha1.SavepointReason;
import dev.flinkresilience.operator.api.v1alpha1.SavepointRecord;
import dev.flinkresilience.operator.api.v1alpha1.SavepointResult;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.client.utils.Serialization;
import java.io.IOException;
import java.io.PrintStream;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Random;
import java.util.stream.Stream;

/**
 * One measured upgrade for {@link UpgradeBenchmark}: the sample job deployed in its own namespace
 * with the given HA and {@code job.upgradeMode}, two checkpoints, then a Flink setting changed at a
 * random moment between checkpoints (as {@code LifecycleScenariosTest#upgradeWhileRunning} does),
 * followed by {@link UpgradeFollower} until the new deployment's job is RUNNING; then the new job's
 * first checkpoint and the committed output. The job is removed at the end, whatever happened.
 */
final class UpgradeRun {
  /** As the lifecycle scenarios: a planned restart needs no checkpoints further apart. */
  static final Duration INTERVAL = Duration.ofSeconds(3);

  private static final Duration DEPLOY = Duration.ofMinutes(3);
  private static final Duration RESTART = Duration.ofMinutes(4);
  private static final Duration FIRST_CHECKPOINT = Duration.ofSeconds(90);

  private final LocalCluster cluster;
  private final SampleJob.Ha ha;
  private final String mode;
  private final int repeat;
  private final String namespace;
  private final Random random;
  private final PrintStream out;

  UpgradeRun(
      LocalCluster cluster,
      SampleJob.Ha ha,
      String mode,
      int repeat,
      String namespace,
      Random random,
      PrintStream out) {
    this.cluster = cluster;
    this.ha = ha;
    this.mode = mode;
    this.repeat = repeat;
    this.namespace = namespace;
    this.random = random;
    this.out = out;
  }

  UpgradeRow measure() throws InterruptedException {
    String haName = ha.name().toLowerCase(Locale.ROOT);
    out.println("== upgrade " + mode + ", HA " + haName + " (" + namespace + ")");
    Path dir = cluster.state().resolve("jobs/" + namespace);
    SampleJob job =
        SampleJob.of(namespace, "sequence", dir)
            .ha(ha, cluster.zookeeperQuorum())
            .checkpointInterval(INTERVAL)
            .upgradeMode(mode);
    ScenarioRun run = new ScenarioRun(cluster, job, line -> out.println("   " + line));
    PlannedRestart restart =
        new PlannedRestart(cluster, run, job.checkpoints(), INTERVAL, random, run::note);
    Instant editAt = null;
    try {
      run.deployAndAwaitCheckpoints(2, DEPLOY);
      PlannedRestart.Before before = restart.awaitMoment();
      List<Pod> old = run.pods();
      try (PodDeletions deletions = new PodDeletions(cluster.client(), namespace)) {
        UpgradeFollower follower =
            new UpgradeFollower(run, before, old, deletions, "savepoint".equals(mode));
        run.note(
            "ACTION: upgrade ("
                + mode
                + "): heartbeat.interval 2000 -> 2500; newest complete in storage: chk-"
                + before.newestInStorage());
        editAt = Instant.now();
        restart.edit(j -> flinkSetting(j, "heartbeat.interval", "2500"));
        FlinkResilientJob running = follower.follow(editAt, RESTART);
        return measured(run, job, follower, running, editAt);
      }
    } catch (Exception | AssertionError e) {
      out.println("   FAILED: " + e.getMessage());
      if (e.getMessage() == null || !e.getMessage().contains("status:")) {
        FlinkResilientJob last = run.get();
        out.println(
            "   status:\n" + (last == null ? "(none)" : Serialization.asYaml(last.getStatus())));
      }
      String message =
          e.getMessage() == null ? e.toString() : e.getMessage().lines().findFirst().orElse("");
      return UpgradeRow.failed(
          haName, mode, repeat, editAt == null ? null : editAt.toString(), message);
    } finally {
      run.remove();
    }
  }

  /** The row, once the new job is RUNNING: its first checkpoint and the output read first. */
  private UpgradeRow measured(
      ScenarioRun run,
      SampleJob job,
      UpgradeFollower follower,
      FlinkResilientJob running,
      Instant editAt)
      throws InterruptedException {
    var s = running.getStatus();
    String jobId = s.getJobId();
    CheckpointStorage storage = CheckpointStorage.at(job.checkpoints());
    storage.awaitNewer(jobId, -1, FIRST_CHECKPOINT);
    Instant firstCheckpoint = firstCheckpointWritten(job.checkpoints().resolve(jobId));
    run.note(
        "first checkpoint of the new job at " + UpgradeFollower.since(editAt, firstCheckpoint));
    OutputCheck output = run.output();
    // Read again: by now Flink has reported what the new job restored (restoredFrom, source rest).
    FlinkResilientJob latest = run.get();
    SavepointRecord savepoint = stopSavepoint(latest, editAt);
    var restored = latest.getStatus().getRestoredFrom();
    Instant deployedAt = parse(s.getDeployment().getDeployedAt());
    return new UpgradeRow(
        ha.name().toLowerCase(Locale.ROOT),
        mode,
        repeat,
        editAt.toString(),
        seconds(editAt, follower.seen()),
        savepoint == null ? Double.NaN : seconds(editAt, parse(savepoint.getCompletedAt())),
        savepoint == null
            ? Double.NaN
            : seconds(parse(savepoint.getTriggeredAt()), parse(savepoint.getCompletedAt())),
        savepoint == null
            ? Double.NaN
            : seconds(parse(savepoint.getTriggeredAt()), written(savepoint.getPath())),
        seconds(editAt, follower.jobManagerGone()),
        seconds(editAt, follower.podsGone()),
        seconds(editAt, deployedAt),
        seconds(editAt, follower.runningAt()),
        seconds(editAt, follower.flinkRunningAt().orElse(null)),
        seconds(editAt, firstCheckpoint),
        follower.chosenSource().orElse(restored == null ? null : restored.getSource()),
        follower.chosenPath().orElse(restored == null ? null : restored.getPath()),
        restored == null || restored.getId() == null ? -1 : restored.getId(),
        restored != null && "rest".equals(restored.getSource()) ? restored.getPath() : null,
        output.lost(),
        output.duplicated(),
        output.stateErrors(),
        output.records(),
        follower.fallback(),
        null);
  }

  /** The Upgrade stop's record in {@code status.savepoints}, if one completed since the edit. */
  private static SavepointRecord stopSavepoint(FlinkResilientJob job, Instant editAt) {
    return job.getStatus().getSavepoints().stream()
        .filter(r -> r.getReason() == SavepointReason.UPGRADE)
        .filter(r -> r.getResult() == SavepointResult.COMPLETED)
        .filter(r -> r.getTriggeredAt() != null && r.getCompletedAt() != null)
        .filter(r -> !parse(r.getTriggeredAt()).isBefore(editAt.minusSeconds(1)))
        .reduce((a, b) -> b)
        .orElse(null);
  }

  /**
   * When Flink wrote the {@code _metadata} of the job's lowest complete checkpoint: the moment it
   * completed, from the storage itself, even if the benchmark looked a little later.
   */
  private static Instant firstCheckpointWritten(Path jobDir) {
    try (Stream<Path> list = Files.list(jobDir)) {
      Path first =
          list.filter(p -> p.getFileName().toString().matches("chk-\\d+"))
              .filter(p -> Files.isRegularFile(p.resolve("_metadata")))
              .min(
                  java.util.Comparator.comparingLong(
                      p -> Long.parseLong(p.getFileName().toString().substring(4))))
              .orElseThrow();
      return Files.getLastModifiedTime(first.resolve("_metadata")).toInstant();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /** When a savepoint's {@code _metadata} was written, its path as Flink reports it. */
  private static Instant written(String path) {
    if (path == null) {
      return null;
    }
    Path dir = Path.of(java.net.URI.create(path.replaceFirst("^file:/+", "file:///")));
    try {
      return Files.getLastModifiedTime(dir.resolve("_metadata")).toInstant();
    } catch (IOException e) {
      return null; // disposed already: the column stays empty
    }
  }

  private static void flinkSetting(FlinkResilientJob j, String key, String value) {
    var config = new HashMap<>(j.getSpec().getFlinkConfiguration());
    config.put(key, value);
    j.getSpec().setFlinkConfiguration(config);
  }

  static Instant parse(String rfc3339) {
    return rfc3339 == null ? null : Instant.parse(rfc3339);
  }

  static double seconds(Instant from, Instant to) {
    return from == null || to == null ? Double.NaN : Duration.between(from, to).toMillis() / 1000.0;
  }
}
