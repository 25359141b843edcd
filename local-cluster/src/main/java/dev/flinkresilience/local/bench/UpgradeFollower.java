package dev.flinkresilience.local.bench;

import dev.flinkresilience.local.chaos.ScenarioRun;
import dev.flinkresilience.local.check.JobManagerRest;
import dev.flinkresilience.local.lifecycle.PlannedRestart;
import dev.flinkresilience.operator.api.v1alpha1.FlinkResilientJob;
import dev.flinkresilience.operator.api.v1alpha1.Operation;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.client.utils.Serialization;
import java.io.IOException;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Locale;
import java.util.Optional;

/**
 * Follows one upgrade from the spec edit until the new deployment's job is RUNNING, noting each
 * step once, with the operator's own timestamps where status carries one. {@code status.operation}
 * and {@code status.finalSavepoint} are cleared once the new deployment is made, so they are read
 * on the way (every 200 ms); the old cluster's pods through {@link PodDeletions}.
 *
 * <p>In savepoint mode the old JobManager's REST API is also asked for Flink's own timing of the
 * stop's savepoint. The operator renders {@code execution.shutdown-on-application-finish: false},
 * so the JobManager still answers once the job has FINISHED, until the operator deletes it.
 */
final class UpgradeFollower {
  private static final Duration POLL = Duration.ofMillis(200);

  private final ScenarioRun run;
  private final PlannedRestart.Before before;
  private final List<String> jobManagers;
  private final List<String> allPods;
  private final PodDeletions deletions;
  private final boolean savepointMode;

  private Instant editAt;
  private Instant seen;
  private Instant runningAt;
  private Instant jobManagerGone;
  private Instant podsGone;
  private String fallback;
  private boolean triggered;
  private boolean savepointPath;
  private String chosenSource;
  private Optional<Instant> flinkRunningAt = Optional.empty();
  private String chosenPath;

  UpgradeFollower(
      ScenarioRun run,
      PlannedRestart.Before before,
      List<Pod> old,
      PodDeletions deletions,
      boolean savepointMode) {
    this.run = run;
    this.before = before;
    List<Pod> jms =
        old.stream()
            .filter(p -> "jobmanager".equals(p.getMetadata().getLabels().get("component")))
            .toList();
    this.jobManagers = jms.stream().map(p -> p.getMetadata().getUid()).toList();
    this.allPods = old.stream().map(p -> p.getMetadata().getUid()).toList();
    this.deletions = deletions;
    this.savepointMode = savepointMode;
  }

  /**
   * Waits until status shows a newer deployment serial whose job id is the job's and whose job is
   * RUNNING; returns the resource as it was then.
   */
  FlinkResilientJob follow(Instant editAt, Duration timeout) throws InterruptedException {
    this.editAt = editAt;
    long deadline = System.nanoTime() + timeout.toNanos();
    FlinkResilientJob j = null;
    while (System.nanoTime() < deadline) {
      j = run.get();
      var s = j == null ? null : j.getStatus();
      if (s != null) {
        operation(s.getOperation());
        if (s.getFinalSavepoint() != null && !savepointPath) {
          savepointPath = true;
          note("status.finalSavepoint " + s.getFinalSavepoint().getPath(), Instant.now());
        }
      }
      pods();
      if (s != null && newDeployment(s) && chosenSource == null && s.getRestoredFrom() != null) {
        // What the operator chose, before Flink's own report of the restore replaces it (source
        // "rest"): the intent is the deployment's, the confirmation Flink's.
        chosenSource = s.getRestoredFrom().getSource();
        chosenPath = s.getRestoredFrom().getPath();
      }
      if (s != null && newDeployment(s) && "RUNNING".equals(s.getJobState())) {
        Instant since = UpgradeRun.parse(s.getJobStateSince());
        Instant deployed = UpgradeRun.parse(s.getDeployment().getDeployedAt());
        // jobStateSince is when the operator first saw the state; one older than the deployment
        // would belong to the old job: then the benchmark's own clock, which is later, not earlier.
        runningAt = since != null && deployed != null && !since.isBefore(deployed) ? since : now();
        note(
            "new deployment serial "
                + s.getDeployment().getSerial()
                + ", job "
                + s.getJobId()
                + " RUNNING, restored from "
                + (s.getRestoredFrom() == null
                    ? "nothing"
                    : s.getRestoredFrom().getSource() + " " + s.getRestoredFrom().getPath()),
            runningAt);
        flinkRunningAt = flinkRunning(s.getJobId());
        flinkRunningAt.ifPresent(at -> note("Flink: the new job RUNNING (its own timestamp)", at));
        return j;
      }
      Thread.sleep(POLL.toMillis());
    }
    throw new AssertionError(
        "no new deployment RUNNING within "
            + timeout
            + "\nstatus:\n"
            + (j == null ? "(none)" : Serialization.asYaml(j.getStatus())));
  }

  private boolean newDeployment(
      dev.flinkresilience.operator.api.v1alpha1.FlinkResilientJobStatus s) {
    var d = s.getDeployment();
    return d != null
        && d.getSerial() != null
        && d.getSerial() > before.serial()
        && s.getJobId() != null
        && s.getJobId().equals(d.getJobId())
        && !s.getJobId().equals(before.jobId());
  }

  /**
   * The new JobManager's own timestamp of the job's RUNNING: status has when the operator's poll
   * first saw it, Flink when it happened; the difference is the poll's lag.
   */
  private Optional<Instant> flinkRunning(String jobId) throws InterruptedException {
    Optional<Pod> jm =
        run.pods().stream()
            .filter(p -> "jobmanager".equals(p.getMetadata().getLabels().get("component")))
            .filter(p -> !jobManagers.contains(p.getMetadata().getUid()))
            .filter(p -> p.getStatus() != null && p.getStatus().getPodIP() != null)
            .findFirst();
    if (jm.isEmpty()) {
      return Optional.empty();
    }
    try {
      var at = new JobManagerRest(jm.get().getStatus().getPodIP()).stateSince(jobId, "RUNNING");
      return at.isPresent() ? Optional.of(Instant.ofEpochMilli(at.getAsLong())) : Optional.empty();
    } catch (IOException e) {
      return Optional.empty();
    }
  }

  private void operation(Operation op) {
    if (op == null) {
      return;
    }
    if (seen == null && op.getStartedAt() != null) {
      seen = UpgradeRun.parse(op.getStartedAt());
      note("operator began " + op.getType() + ": " + op.getReason(), seen);
    }
    if (!triggered && op.getSavepointTriggeredAt() != null) {
      triggered = true;
      note(
          "stop with a savepoint triggered (" + op.getSavepointTriggerId() + ")",
          UpgradeRun.parse(op.getSavepointTriggeredAt()));
    }
    if (fallback == null && op.getFallback() != null) {
      fallback = op.getFallback();
      note("FALLBACK to last-state: " + fallback, now());
    }
  }

  private void pods() {
    if (jobManagerGone == null) {
      deletions
          .allGone(jobManagers)
          .ifPresent(
              at -> {
                jobManagerGone = at;
                note("old JobManager pod(s) removed", at);
              });
    }
    if (podsGone == null) {
      deletions
          .allGone(allPods)
          .ifPresent(
              at -> {
                podsGone = at;
                note("every pod of the old deployment removed", at);
              });
    }
  }

  private void note(String what, Instant at) {
    run.note(since(editAt, at) + " " + what);
  }

  /** {@code +1.23 s} after the edit. */
  static String since(Instant editAt, Instant at) {
    return String.format(Locale.ROOT, "%+.2f s", UpgradeRun.seconds(editAt, at));
  }

  private static Instant now() {
    return Instant.now();
  }

  Instant seen() {
    return seen;
  }

  /** Flink's own moment of the new job's RUNNING, when its JobManager told. */
  Optional<Instant> flinkRunningAt() {
    return flinkRunningAt;
  }

  Instant runningAt() {
    return runningAt;
  }

  Instant jobManagerGone() {
    return jobManagerGone;
  }

  Instant podsGone() {
    return podsGone;
  }

  String fallback() {
    return fallback;
  }

  /** {@code status.restoredFrom} as the operator wrote it with the new deployment, if seen. */
  Optional<String> chosenSource() {
    return Optional.ofNullable(chosenSource);
  }

  Optional<String> chosenPath() {
    return Optional.ofNullable(chosenPath);
  }
}
