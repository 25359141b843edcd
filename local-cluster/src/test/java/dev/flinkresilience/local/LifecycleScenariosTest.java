package dev.flinkresilience.local;

import static org.assertj.core.api.Assertions.assertThat;

import dev.flinkresilience.local.chaos.ScenarioRun;
import dev.flinkresilience.local.check.CheckpointStorage;
import dev.flinkresilience.local.check.JobManagerRest;
import dev.flinkresilience.local.check.OutputCheck;
import dev.flinkresilience.local.controlplane.RealControlPlane;
import dev.flinkresilience.local.lifecycle.PlannedRestart;
import dev.flinkresilience.local.storage.StorageLayout;
import dev.flinkresilience.operator.api.v1alpha1.FlinkResilientJob;
import dev.flinkresilience.operator.api.v1alpha1.HighAvailabilityType;
import dev.flinkresilience.operator.api.v1alpha1.JobState;
import dev.flinkresilience.operator.api.v1alpha1.Phase;
import dev.flinkresilience.operator.api.v1alpha1.SavepointHistorySpec;
import dev.flinkresilience.operator.api.v1alpha1.SavepointReason;
import dev.flinkresilience.operator.api.v1alpha1.SavepointRecord;
import dev.flinkresilience.operator.api.v1alpha1.SavepointResult;
import dev.flinkresilience.operator.app.OperatorSettings;
import io.fabric8.kubernetes.api.model.Event;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.client.utils.Serialization;
import java.io.IOException;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.HashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Random;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.Timeout;

/**
 * Planned restarts keep exactly-once (DESIGN.md §5.5, issue 12 item 8), on one local cluster and
 * one operator, a fresh job in its own namespace for each scenario. Each acts at a random moment
 * between two checkpoints and then checks: the new JobManager runs exactly one job, RUNNING; it
 * restored a checkpoint at least as new as the newest complete one in storage when the action came
 * (listed by the test itself), or a savepoint taken since the action began (a stop-with-savepoint);
 * the committed output lost and doubled nothing and kept its keyed state.
 *
 * <p>The moment is drawn from a seed printed at the start ({@code -Dlifecycle.seed=N} replays it;
 * each scenario derives its own stream from the seed and its name, so one scenario run alone
 * replays the same delay). {@code -Dchaos.ha=kubernetes|zookeeper|none} runs every scenario in that
 * HA mode, and {@code -Dscenario.flink=1.20|2.3} on that Flink, as for {@code ChaosScenariosTest};
 * {@code -Dscenario.storage=s3|file} keeps every job's storage on the cluster's S3 or on files (by
 * default S3 for Kubernetes HA on Flink 2.3, see {@link #onS3}).
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class LifecycleScenariosTest {
  private static final Path REPO = Path.of(System.getProperty("repo.dir", "..")).toAbsolutePath();

  /**
   * One interval for every HA mode: a planned restart restores from the storage read after the
   * teardown, so no mode needs checkpoints further apart than a poll (ChaosScenariosTest's HA-off
   * 10 s is for crash redeploys).
   */
  private static final Duration INTERVAL = Duration.ofSeconds(3);

  /**
   * A planned restart takes 15 to 45 s here; the bound is generous for a loaded machine, and short
   * enough that an operator that never brings the job back costs the class little.
   */
  private static final Duration RESTART = Duration.ofMinutes(2);

  private LocalCluster cluster;
  private LocalOperator operator;
  private long seed;
  private int jobs;

  @BeforeAll
  void start() {
    String given = System.getProperty("lifecycle.seed", "");
    seed = given.isBlank() ? System.currentTimeMillis() : Long.parseLong(given.trim());
    System.out.println("lifecycle seed: " + seed + " (replay with -Dlifecycle.seed=" + seed + ")");
    if (!RealControlPlane.available() && Boolean.getBoolean("fro.require-real-control-plane")) {
      throw new IllegalStateException(
          "the real control plane is required but not built: run local/controlplane/build.sh");
    }
    // The real control plane when built (fro.control-plane=auto), else the mock fallback.
    cluster = LocalCluster.start(LocalCluster.Settings.defaults());
    operator = LocalOperator.start(cluster, REPO, OperatorSettings.allNamespaces());
    System.out.println("lifecycle on: " + cluster.controlPlane().describe());
  }

  @AfterAll
  void stop() {
    if (operator != null) {
      operator.close();
    }
    if (cluster != null) {
      cluster.close();
    }
  }

  /**
   * (1) An upgrade: a Flink setting changed while the job runs. The sample job has a savepoint
   * directory, so the upgrade stops the job with a savepoint and the new job starts from it. With
   * HA, the running cluster's job result store also holds a result its cleanup never finished (as a
   * teardown right after a stop leaves): the new deployment must start all the same (in two runs of
   * the suite of four, the JobManager of the upgrade failed on it, every time it restarted).
   */
  @Test
  @Timeout(value = 5, unit = TimeUnit.MINUTES)
  void upgradeWhileRunning() throws Exception {
    scenario(
        "upgrade",
        SampleJob.Ha.KUBERNETES,
        (run, restart) -> {
          FlinkResilientJob running = run.get();
          if (running.getSpec().getHighAvailability().getType() != HighAvailabilityType.NONE) {
            run.note(
                "FAULT: a dirty job result left in the store: "
                    + StaleJobResult.plant(
                        cluster.client(),
                        running.getMetadata().getNamespace(),
                        "sequence",
                        run.job().storage()));
          }
          PlannedRestart.Before before = restart.awaitMoment();
          act(run, before, "upgrade: heartbeat.interval 2000 -> 2500");
          restart.edit(j -> flinkSetting(j, "heartbeat.interval", "2500"));
          PlannedRestart.After after = restart.awaitRestarted(before, RESTART);
          judge(run, restart, before, after);
          assertRestoredFromTheStopsSavepoint(after);
        });
  }

  /** (2) Suspend at a random moment, stay suspended a while, resume. */
  @Test
  @Timeout(value = 5, unit = TimeUnit.MINUTES)
  void suspendAndResume() throws Exception {
    scenario(
        "suspend-resume",
        SampleJob.Ha.ZOOKEEPER,
        (run, restart) -> {
          PlannedRestart.Before before = restart.awaitMoment();
          act(run, before, "suspend");
          restart.edit(j -> j.getSpec().getJob().setState(JobState.SUSPENDED));
          awaitSuspended(run);
          Thread.sleep(3_000);
          run.note("ACTION: resume");
          restart.edit(j -> j.getSpec().getJob().setState(JobState.RUNNING));
          judge(run, restart, before, restart.awaitRestarted(before, RESTART));
        });
  }

  /**
   * (3) A new restartNonce: redeploy now, through a stop with a savepoint. On Flink 1.20 by
   * default: its REST API takes the stop, and its JobManager the savepoint path. (The upgrade above
   * stays on 2.3, whose result-store failure it guards against.)
   */
  @Test
  @Timeout(value = 5, unit = TimeUnit.MINUTES)
  void newRestartNonce() throws Exception {
    scenario(
        "restart-nonce",
        SampleJob.Ha.NONE,
        SampleJob.Flink.V1_20,
        job -> job,
        (run, restart) -> {
          PlannedRestart.Before before = restart.awaitMoment();
          act(run, before, "restartNonce + 1");
          restart.edit(j -> j.getSpec().setRestartNonce(j.getSpec().getRestartNonce() + 1));
          judge(run, restart, before, restart.awaitRestarted(before, RESTART));
        });
  }

  /**
   * (4) An upgrade while the JobManager's process is frozen (SIGSTOP: its pod Running and Ready,
   * its REST API silent). No savepoint can be taken; the operator must still restart the job
   * safely, from the newest checkpoint in storage. Its REST API answered moments before, so the
   * operator first tries a stop with a savepoint and falls back to last-state after {@code
   * job.savepointTimeout}, set to 20 s by the same edit (the default 5 min would outlast the wait).
   */
  @Test
  @Timeout(value = 6, unit = TimeUnit.MINUTES)
  void upgradeWhileTheJobManagerIsUnreachable() throws Exception {
    scenario(
        "upgrade-frozen-jobmanager",
        SampleJob.Ha.KUBERNETES,
        (run, restart) -> {
          PlannedRestart.Before moment = restart.awaitMoment();
          Pod jm = run.jobManagerPod();
          String namespace = jm.getMetadata().getNamespace();
          cluster.freezePodProcess(namespace, jm.getMetadata().getName());
          try {
            // Listed once the JobManager is frozen: nothing can complete after this.
            PlannedRestart.Before before = restart.relisted(moment);
            assertUnreachable(jm);
            act(
                run,
                before,
                "JobManager frozen; upgrade: heartbeat.interval 2000 -> 2500, savepointTimeout 20s");
            restart.edit(
                j -> {
                  flinkSetting(j, "heartbeat.interval", "2500");
                  j.getSpec().getJob().setSavepointTimeout("20s");
                });
            judge(run, restart, before, restart.awaitRestarted(before, Duration.ofMinutes(3)));
            assertThat(events(namespace, "SavepointFallback"))
                .as("the stop gave up for last-state, with a Warning")
                .isPositive();
          } finally {
            cluster.thawPodProcess(namespace, jm.getMetadata().getName());
          }
        });
  }

  /**
   * (5) The newest restore point deleted by hand while the job is suspended: the resume is refused
   * (RestoreRefused, status.message naming the missing path) and deploys nothing; the output so far
   * is exactly-once. Then the user's override (initialSavepointPath on the newest remaining
   * checkpoint, with a new restartNonce) deploys from exactly that point.
   *
   * <p>With {@code upgradeMode: last-state}: after a stop with a savepoint the job is FINISHED and
   * Flink discards its checkpoints (RETAIN_ON_CANCELLATION keeps them on cancel and failure only),
   * so the savepoint would be the only restore point and no older one would remain to override
   * with.
   */
  @Test
  @Timeout(value = 6, unit = TimeUnit.MINUTES)
  void deletedNewestCheckpointIsRefusedUntilOverridden() throws Exception {
    scenario(
        "deleted-newest-checkpoint",
        SampleJob.Ha.NONE,
        job -> job.upgradeMode("last-state"),
        (run, restart) -> {
          PlannedRestart.Before before = restart.awaitMoment();
          act(run, before, "suspend");
          restart.edit(j -> j.getSpec().getJob().setState(JobState.SUSPENDED));
          awaitSuspended(run);
          // The newest restore point: the suspend's own savepoint where one was taken, else the
          // newest complete checkpoint.
          CheckpointStorage storage = restart.storage();
          List<Path> savepoints = restart.savepointsSince(before);
          long newest = storage.newest(before.jobId()).orElseThrow();
          Path deleted =
              savepoints.isEmpty()
                  ? storage.checkpoint(before.jobId(), newest)
                  : savepoints.get(savepoints.size() - 1);
          CheckpointStorage.delete(deleted);
          long remaining = storage.newest(before.jobId()).orElseThrow();
          run.note("DELETED by hand: " + deleted + "; newest remaining: chk-" + remaining);
          OutputCheck suspended = run.output();
          assertExactlyOnce(suspended);

          run.note("ACTION: resume");
          restart.edit(j -> j.getSpec().getJob().setState(JobState.RUNNING));
          FlinkResilientJob refused = awaitRefused(run, deleted);
          run.note("refused: " + refused.getStatus().getMessage());
          assertNothingDeployedFor(run, Duration.ofSeconds(10));
          OutputCheck held = run.output();
          assertExactlyOnce(held);
          assertThat(held.records())
              .as("records committed while refused")
              .isEqualTo(suspended.records());

          String chosen = run.job().storage().uri(storage.checkpoint(before.jobId(), remaining));
          run.note("ACTION: override: initialSavepointPath " + chosen + " and restartNonce + 1");
          restart.edit(
              j -> {
                j.getSpec().getJob().setInitialSavepointPath(chosen);
                j.getSpec().setRestartNonce(j.getSpec().getRestartNonce() + 1);
              });
          PlannedRestart.After after = restart.awaitRestarted(before, RESTART);
          assertOneRunningJob(after);
          assertThat(after.restored().map(JobManagerRest.Restored::id))
              .as("restored the user's choice")
              .contains(remaining);
          awaitNewCheckpoint(restart, after);
          // The older point replays (at the source's rate) what chk-N had already committed:
          // wait until the job has gone past it, then judge.
          OutputCheck output = run.output();
          long until = System.nanoTime() + Duration.ofSeconds(90).toNanos();
          while (output.highest() <= suspended.highest() && System.nanoTime() < until) {
            Thread.sleep(2_000);
            output = run.output();
          }
          assertThat(output.lost()).as("lost").isZero();
          assertThat(output.stateErrors()).as("state errors").isZero();
          // The user chose an older point: what it replays is what was committed before the
          // suspend, nothing newer.
          assertThat(output.highestDuplicated())
              .as(
                  "highest number committed twice (the user's older point replays up to %d)",
                  suspended.highest())
              .isLessThanOrEqualTo(suspended.highest());
          assertThat(output.highest()).isGreaterThan(suspended.highest());
          assertNoIncidentSince(run.get(), before.at());
        });
  }

  /**
   * (6) The operator stopped right after it began deleting the cluster for a planned restart (a
   * restartNonce), and a new one started: the restart completes once (one cluster, one new
   * deployment serial) and exactly-once holds.
   */
  @Test
  @Timeout(value = 5, unit = TimeUnit.MINUTES)
  void operatorKilledInTheMiddleOfAPlannedRestart() throws Exception {
    scenario(
        "kill-operator-mid-restart",
        SampleJob.Ha.ZOOKEEPER,
        (run, restart) -> {
          PlannedRestart.Before before = restart.awaitMoment();
          String namespace = run.get().getMetadata().getNamespace();
          act(run, before, "restartNonce + 1");
          restart.edit(j -> j.getSpec().setRestartNonce(j.getSpec().getRestartNonce() + 1));
          awaitEvent(namespace, "DeletingCluster");
          operator.close();
          run.note("FAILURE: operator stopped after DeletingCluster; starting a new one");
          operator = LocalOperator.start(cluster, REPO, OperatorSettings.allNamespaces());
          PlannedRestart.After after = restart.awaitRestarted(before, RESTART);
          judge(run, restart, before, after);
          assertThat(after.job().getStatus().getDeployment().getSerial())
              .as("deployment serial: the restart made once")
              .isEqualTo(before.serial() + 1);
          assertThat(cluster.client().apps().deployments().inNamespace(namespace).list().getItems())
              .as("JobManager Deployments")
              .hasSize(1);
        });
  }

  /**
   * (7) Savepoints while the job runs: a manual one (savepointNonce), periodic ones every 10 s, and
   * retention keeping 2. What status lists exists in storage, what retention disposed is gone from
   * it, the newest savepoint is never disposed, and nothing was redeployed; then a restartNonce
   * restores from the newest savepoint (its stop's), exactly-once.
   */
  @Test
  @Timeout(value = 5, unit = TimeUnit.MINUTES)
  void savepointsOnDemandAndOnAScheduleWithRetention() throws Exception {
    scenario(
        "savepoints",
        SampleJob.Ha.NONE,
        (run, restart) -> {
          long serial = run.get().getStatus().getDeployment().getSerial();
          Instant asked = Instant.now();
          run.note("ACTION: savepointNonce 1, savepointInterval 10s, savepointHistory.maxCount 2");
          restart.edit(
              j -> {
                j.getSpec().getJob().setSavepointNonce(1);
                j.getSpec().getJob().setSavepointInterval("10s");
                var history = new SavepointHistorySpec();
                history.setMaxCount(2);
                j.getSpec().getJob().setSavepointHistory(history);
              });
          // The manual one at once, periodic ones 10 s after the newest: with three taken, the
          // oldest (the manual one) is past maxCount 2.
          Set<String> seen = new LinkedHashSet<>();
          FlinkResilientJob job = awaitSavepoints(run, seen, 3, 1);
          // The disposal's event goes out just before the status write of the same pass (seen:
          // three still listed once), and a periodic savepoint briefly makes three again until
          // retention's next pass: read status until it lists at most two, for up to 10 s.
          job = listingAtMost(run, 2, Duration.ofSeconds(10));
          String namespace = job.getMetadata().getNamespace();
          List<SavepointRecord> listed =
              job.getStatus().getSavepoints().stream()
                  .filter(r -> r.getResult() == SavepointResult.COMPLETED)
                  .toList();
          run.note(
              String.format(
                  Locale.ROOT,
                  "savepoints taken %s; listed %s; %.1f s after the nonce",
                  seen,
                  listed.stream().map(SavepointRecord::getPath).toList(),
                  Duration.between(asked, Instant.now()).toMillis() / 1000.0));
          assertThat(listed).as("listed after retention").hasSizeLessThanOrEqualTo(2);
          for (SavepointRecord r : listed) {
            assertThat(local(run, r.getPath()).resolve("_metadata"))
                .as("listed savepoint %s (%s) in storage", r.getPath(), r.getReason())
                .exists();
          }
          List<String> disposed =
              seen.stream()
                  .filter(p -> listed.stream().noneMatch(r -> r.getPath().equals(p)))
                  .toList();
          assertThat(disposed).as("disposed by retention").isNotEmpty();
          for (String p : disposed) {
            assertThat(local(run, p)).as("disposed savepoint %s", p).doesNotExist();
          }
          assertThat(seen.iterator().next())
              .as("the oldest, the manual one, went first")
              .isIn(disposed);
          String newest = job.getStatus().getLatestSavepoint().getPath();
          assertThat(local(run, newest).resolve("_metadata"))
              .as("the newest savepoint, the restore point of a planned restart, is kept")
              .exists();
          assertThat(events(namespace, "SavepointFailed")).as("SavepointFailed events").isZero();
          assertThat(events(namespace, "SavepointDisposalFailed"))
              .as("SavepointDisposalFailed events")
              .isZero();
          assertThat(job.getStatus().getDeployment().getSerial())
              .as("savepoints leave the job running: not redeployed")
              .isEqualTo(serial);
          assertExactlyOnce(run.output());
          assertNoIncidentSince(job, asked);

          PlannedRestart.Before before = restart.awaitMoment();
          act(run, before, "restartNonce + 1");
          restart.edit(j -> j.getSpec().setRestartNonce(j.getSpec().getRestartNonce() + 1));
          PlannedRestart.After after = restart.awaitRestarted(before, RESTART);
          judge(run, restart, before, after);
          assertRestoredFromTheStopsSavepoint(after);
          assertThat(after.job().getStatus().getSavepoints())
              .as("the stop's savepoint listed with its reason")
              .anyMatch(
                  r ->
                      r.getReason() == SavepointReason.RESTART_NONCE
                          && r.getResult() == SavepointResult.COMPLETED);
          // The schedule goes on in the new deployment, and waits for its tasks to run: a
          // savepoint due while they still started was refused by Flink and reported failed.
          String newJob = after.job().getStatus().getJobId();
          FlinkResilientJob periodic =
              run.await(
                  "a periodic savepoint of the new deployment",
                  Duration.ofSeconds(60),
                  j ->
                      j.getStatus().getSavepoints().stream()
                          .anyMatch(
                              r ->
                                  r.getReason() == SavepointReason.PERIODIC
                                      && newJob.equals(r.getJobId())
                                      && r.getResult() == SavepointResult.COMPLETED));
          assertThat(events(namespace, "SavepointFailed"))
              .as("SavepointFailed events, the redeploy included")
              .isZero();
          assertThat(periodic.getStatus().getSavepoints())
              .as("no savepoint recorded failed")
              .noneMatch(r -> r.getResult() == SavepointResult.FAILED);
        });
  }

  // ---- the checks every scenario makes ----

  /**
   * The new job started from a savepoint taken by the stop (not from a checkpoint after a
   * fallback): the newest state, the one status recorded as the deployment's restore point.
   */
  private static void assertRestoredFromTheStopsSavepoint(PlannedRestart.After after) {
    JobManagerRest.Restored restored = after.restored().orElseThrow();
    assertThat(restored.savepoint())
        .as("restored %s from a savepoint (a stop with a savepoint, no fallback)", restored.path())
        .isTrue();
    assertThat(restored.path()).contains("/savepoints/savepoint-");
    assertThat(after.job().getStatus().getDeployment().getRestorePath())
        .as("status' restore path")
        .isEqualTo(restored.path());
  }

  /**
   * A savepoint path as Flink reports it ({@code file:/...}, {@code s3://...}) on this machine's
   * file system (on S3, the file S3Proxy keeps for the object).
   */
  private static Path local(ScenarioRun run, String path) {
    return run.job().storage().local(path);
  }

  /**
   * Waits until {@code taken} savepoints completed (collected into {@code seen} as they appear in
   * status, oldest first) and {@code disposed} SavepointDisposed events were emitted.
   */
  /** The job once status lists at most {@code max} completed savepoints, or at the deadline. */
  private static FlinkResilientJob listingAtMost(ScenarioRun run, int max, Duration within)
      throws InterruptedException {
    long deadline = System.nanoTime() + within.toNanos();
    FlinkResilientJob j = run.get();
    while (System.nanoTime() < deadline && completed(j) > max) {
      Thread.sleep(100);
      j = run.get();
    }
    return j;
  }

  private static long completed(FlinkResilientJob j) {
    return j.getStatus().getSavepoints().stream()
        .filter(r -> r.getResult() == SavepointResult.COMPLETED)
        .count();
  }

  private FlinkResilientJob awaitSavepoints(
      ScenarioRun run, Set<String> seen, int taken, int disposed) throws InterruptedException {
    String namespace = run.get().getMetadata().getNamespace();
    long deadline = System.nanoTime() + Duration.ofSeconds(90).toNanos();
    while (System.nanoTime() < deadline) {
      FlinkResilientJob j = run.get();
      j.getStatus().getSavepoints().stream()
          .filter(r -> r.getResult() == SavepointResult.COMPLETED)
          .forEach(r -> seen.add(r.getPath()));
      if (seen.size() >= taken && events(namespace, "SavepointDisposed") >= disposed) {
        return j;
      }
      Thread.sleep(250);
    }
    throw new AssertionError(
        "not "
            + taken
            + " savepoints and "
            + disposed
            + " disposed within 90 s (seen "
            + seen
            + ")\n"
            + status(run));
  }

  private void judge(
      ScenarioRun run,
      PlannedRestart restart,
      PlannedRestart.Before before,
      PlannedRestart.After after)
      throws Exception {
    double seconds = Duration.between(before.at(), Instant.now()).toMillis() / 1000.0;
    assertOneRunningJob(after);
    JobManagerRest.Restored restored =
        after
            .restored()
            .orElseThrow(
                () ->
                    new AssertionError(
                        "the new job restored nothing (empty state); newest in storage at the"
                            + " action: chk-"
                            + before.newestInStorage()));
    List<Path> savepoints = restart.savepointsSince(before);
    Path restoredLocal = run.job().storage().local(restored.path());
    boolean freshSavepoint =
        restored.savepoint() && savepoints.stream().anyMatch(restoredLocal::startsWith);
    run.note(
        String.format(
            Locale.ROOT,
            "restored %s (%s); newest in storage at the action: chk-%d; savepoints since: %s;"
                + " running again after %.1f s",
            restored.path(),
            restored.id(),
            before.newestInStorage(),
            savepoints,
            seconds));
    assertThat(restored.id() >= before.newestInStorage() || freshSavepoint)
        .as(
            "restored %s (id %d) vs the newest complete checkpoint in storage at the action, chk-%d"
                + " (or a savepoint taken since: %s)",
            restored.path(), restored.id(), before.newestInStorage(), savepoints)
        .isTrue();
    awaitNewCheckpoint(restart, after);
    assertExactlyOnce(run.output());
    assertNoIncidentSince(run.get(), before.at());
  }

  /**
   * A planned restart is no failure: its first deployment runs the job, and the operator has no
   * incident to open (a redeploy would be counted against the job's budget, and says the planned
   * deployment itself failed).
   */
  private static void assertNoIncidentSince(FlinkResilientJob job, Instant action) {
    var recovery = job.getStatus().getRecovery();
    List<String> incidents =
        java.util.stream.Stream.concat(
                recovery.getHistory().stream(),
                java.util.stream.Stream.ofNullable(recovery.getCurrent()))
            .filter(i -> i.getDetectedAt() != null)
            .filter(i -> !Instant.parse(i.getDetectedAt()).isBefore(action.minusSeconds(1)))
            .map(
                i ->
                    i.getReason()
                        + " at "
                        + i.getDetectedAt()
                        + " -> "
                        + i.getAction()
                        + " ("
                        + i.getOutcome()
                        + "): "
                        + i.getDetail())
            .toList();
    assertThat(incidents).as("incidents opened by the planned restart").isEmpty();
  }

  private static void assertOneRunningJob(PlannedRestart.After after) {
    assertThat(after.jobs())
        .as("jobs in the new JobManager %s", after.jobManager().getMetadata().getName())
        .hasSize(1)
        .allSatisfy(j -> assertThat(j.state()).isEqualTo("RUNNING"));
    assertThat(after.jobs().get(0).id()).isEqualTo(after.job().getStatus().getJobId());
  }

  private static void assertExactlyOnce(OutputCheck output) {
    assertThat(output.records()).as("records committed").isPositive();
    assertThat(output.lost()).as("lost").isZero();
    assertThat(output.duplicated()).as("duplicated").isZero();
    assertThat(output.stateErrors()).as("state errors").isZero();
  }

  /** A checkpoint of the new job completed, so what it processed since the restore is committed. */
  private static void awaitNewCheckpoint(PlannedRestart restart, PlannedRestart.After after)
      throws InterruptedException {
    long from = after.restored().map(JobManagerRest.Restored::id).orElse(0L);
    restart.storage().awaitNewer(after.job().getStatus().getJobId(), from, Duration.ofSeconds(60));
  }

  private static void assertUnreachable(Pod jm) throws InterruptedException {
    try {
      List<JobManagerRest.Job> jobs = new JobManagerRest(jm.getStatus().getPodIP()).overview();
      throw new AssertionError("the frozen JobManager answered: " + jobs);
    } catch (IOException expected) {
      // a timeout: the port is open, nobody answers
    }
  }

  // ---- waits ----

  private void awaitSuspended(ScenarioRun run) throws InterruptedException {
    long deadline = System.nanoTime() + Duration.ofMinutes(2).toNanos();
    while (System.nanoTime() < deadline) {
      FlinkResilientJob j = run.get();
      if (j.getStatus() != null
          && j.getStatus().getPhase() == Phase.SUSPENDED
          && j.getStatus().getOperation() == null
          && run.pods().isEmpty()) {
        run.note("suspended: " + j.getStatus().getMessage());
        return;
      }
      Thread.sleep(250);
    }
    throw new AssertionError("not suspended within 2 min:\n" + status(run));
  }

  /** Waits for the refusal; fails at once, with what was deployed, if the operator deploys. */
  /** A file of the S3 server's bucket as Flink names it ({@code s3://bucket/key}); else as is. */
  private String asFlinkNamesIt(Path local) {
    StorageLayout layout;
    try {
      layout = cluster.s3().layout();
    } catch (IllegalStateException noS3) {
      return local.toString();
    }
    return local.toAbsolutePath().normalize().startsWith(layout.bucketDir())
        ? layout.uri(local)
        : local.toString();
  }

  private FlinkResilientJob awaitRefused(ScenarioRun run, Path deleted)
      throws InterruptedException {
    String namespace = run.get().getMetadata().getNamespace();
    long deadline = System.nanoTime() + Duration.ofSeconds(90).toNanos();
    while (System.nanoTime() < deadline) {
      FlinkResilientJob j = run.get();
      assertThat(run.pods())
          .as(
              "pods deployed although the newest restore point %s is gone\n%s",
              deleted, status(run))
          .isEmpty();
      String message = j.getStatus() == null ? null : j.getStatus().getMessage();
      boolean condition =
          j.getStatus() != null
              && j.getStatus().getConditions().stream()
                  .anyMatch(c -> "RestoreRefused".equals(c.getReason()));
      if (message != null
          && (message.contains(deleted.toString()) || message.contains(asFlinkNamesIt(deleted)))
          && (condition || events(namespace, "RestoreRefused") > 0)) {
        return j;
      }
      Thread.sleep(250);
    }
    throw new AssertionError(
        "no RestoreRefused naming " + deleted + " within 90 s:\n" + status(run));
  }

  private void assertNothingDeployedFor(ScenarioRun run, Duration hold)
      throws InterruptedException {
    String namespace = run.get().getMetadata().getNamespace();
    long deadline = System.nanoTime() + hold.toNanos();
    while (System.nanoTime() < deadline) {
      assertThat(run.pods()).as("pods while refused").isEmpty();
      assertThat(cluster.client().apps().deployments().inNamespace(namespace).list().getItems())
          .as("Deployments while refused")
          .isEmpty();
      Thread.sleep(500);
    }
  }

  private void awaitEvent(String namespace, String reason) throws InterruptedException {
    long deadline = System.nanoTime() + Duration.ofSeconds(60).toNanos();
    while (System.nanoTime() < deadline) {
      if (events(namespace, reason) > 0) {
        return;
      }
      Thread.sleep(20);
    }
    throw new AssertionError("no " + reason + " event in " + namespace + " within 60 s");
  }

  private int events(String namespace, String reason) {
    List<Event> events = cluster.client().v1().events().inNamespace(namespace).list().getItems();
    return (int) events.stream().filter(e -> reason.equals(e.getReason())).count();
  }

  private static String status(ScenarioRun run) {
    FlinkResilientJob j = run.get();
    return j == null ? "(none)" : Serialization.asYaml(j.getStatus());
  }

  // ---- scenario frame ----

  /** The steps of a scenario after the job runs and has checkpointed. */
  @FunctionalInterface
  private interface Steps {
    void run(ScenarioRun run, PlannedRestart restart) throws Exception;
  }

  private void scenario(String name, SampleJob.Ha usual, Steps steps) throws Exception {
    scenario(name, usual, job -> job, steps);
  }

  private void scenario(
      String name,
      SampleJob.Ha usual,
      java.util.function.UnaryOperator<SampleJob> configure,
      Steps steps)
      throws Exception {
    scenario(name, usual, SampleJob.Flink.V2_3, configure, steps);
  }

  /**
   * On the scenario's own Flink unless {@code -Dscenario.flink=1.20|2.3} names one for all (see
   * ChaosScenariosTest#flink: one scenario here runs on 1.20 by default).
   */
  private void scenario(
      String name,
      SampleJob.Ha usual,
      SampleJob.Flink usualFlink,
      java.util.function.UnaryOperator<SampleJob> configure,
      Steps steps)
      throws Exception {
    SampleJob.Ha ha = mode(usual);
    SampleJob.Flink flink = ChaosScenariosTest.flink(usualFlink);
    // Fails here, not as a pod that never starts, when that Flink is not built.
    cluster.settings().flink().of(flink.image());
    String namespace = "lifecycle-" + (++jobs);
    Path dir = cluster.state().resolve("jobs/" + namespace);
    boolean s3 = onS3(ha, flink);
    SampleJob job =
        configure.apply(
            SampleJob.of(namespace, "sequence", dir)
                .ha(ha, cluster.zookeeperQuorum())
                .storage(s3 ? cluster.s3().layout() : StorageLayout.file())
                .checkpointInterval(INTERVAL)
                .flink(flink));
    ScenarioRun run = new ScenarioRun(cluster, job, line -> System.out.println(name + " " + line));
    // Per scenario, so that one scenario run alone draws the same moment as in the whole class.
    Random random = new Random(seed ^ name.hashCode());
    PlannedRestart restart =
        new PlannedRestart(cluster, run, job.checkpoints(), INTERVAL, random, run::note);
    run.note(
        name
            + ": HA "
            + ha
            + ", Flink "
            + flink
            + ", storage "
            + (s3 ? "s3 (" + job.storage().bucketDir() + ")" : "file")
            + ", seed "
            + seed);
    long started = System.nanoTime();
    try {
      run.deployAndAwaitCheckpoints(1, Duration.ofMinutes(3));
      steps.run(run, restart);
    } finally {
      run.note(
          String.format(
              Locale.ROOT,
              "%s: %.0f s (HA %s, Flink %s, seed %d)",
              name,
              (System.nanoTime() - started) / 1e9,
              ha,
              flink,
              seed));
      run.remove();
    }
  }

  private static void act(ScenarioRun run, PlannedRestart.Before before, String what) {
    run.note(
        "ACTION: "
            + what
            + " ("
            + before.delayMillis()
            + " ms after a checkpoint; newest complete in storage: chk-"
            + before.newestInStorage()
            + ")");
  }

  private static void flinkSetting(FlinkResilientJob j, String key, String value) {
    var config = new HashMap<>(j.getSpec().getFlinkConfiguration());
    config.put(key, value);
    j.getSpec().setFlinkConfiguration(config);
  }

  /**
   * Checkpoints, savepoints and HA data on the cluster's S3 (through Flink's S3 plugin, read by the
   * operator through the same plugin) or on files: {@code -Dscenario.storage=s3|file} for all, else
   * S3 for Kubernetes HA on Flink 2.3 (the two upgrade scenarios by default) and files for the
   * rest, which keep {@code file://} covered (Flink 1.20's pods have no S3 plugin here).
   */
  private static boolean onS3(SampleJob.Ha ha, SampleJob.Flink flink) {
    String forced = System.getProperty("scenario.storage", "").trim().toLowerCase(Locale.ROOT);
    return switch (forced) {
      case "s3" -> true;
      case "file" -> false;
      case "" -> ha == SampleJob.Ha.KUBERNETES && flink == SampleJob.Flink.V2_3;
      default -> throw new IllegalArgumentException("scenario.storage: s3 or file, not " + forced);
    };
  }

  /**
   * The scenario's own HA mode, unless {@code -Dchaos.ha} names one for all (the switch
   * ChaosScenariosTest reads): by default the seven cover each mode at least twice.
   */
  private static SampleJob.Ha mode(SampleJob.Ha usual) {
    String forced = System.getProperty("chaos.ha", "");
    return forced.isBlank() ? usual : SampleJob.Ha.valueOf(forced.trim().toUpperCase(Locale.ROOT));
  }
}
