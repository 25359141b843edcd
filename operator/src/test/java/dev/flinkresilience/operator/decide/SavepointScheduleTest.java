package dev.flinkresilience.operator.decide;

import static org.assertj.core.api.Assertions.assertThat;

import dev.flinkresilience.operator.api.v1alpha1.CheckpointRef;
import dev.flinkresilience.operator.api.v1alpha1.DeploymentRecord;
import dev.flinkresilience.operator.api.v1alpha1.FlinkResilientJobSpec;
import dev.flinkresilience.operator.api.v1alpha1.FlinkResilientJobStatus;
import dev.flinkresilience.operator.api.v1alpha1.JobState;
import dev.flinkresilience.operator.api.v1alpha1.OperationType;
import dev.flinkresilience.operator.api.v1alpha1.Phase;
import dev.flinkresilience.operator.api.v1alpha1.SavepointHistorySpec;
import dev.flinkresilience.operator.api.v1alpha1.SavepointReason;
import dev.flinkresilience.operator.api.v1alpha1.SavepointRecord;
import dev.flinkresilience.operator.api.v1alpha1.SavepointResult;
import dev.flinkresilience.operator.decide.Decision.BeginOperation;
import dev.flinkresilience.operator.decide.Decision.DisposeSavepoints;
import dev.flinkresilience.operator.decide.Decision.DisposeSavepoints.Disposal;
import dev.flinkresilience.operator.decide.Decision.FollowSavepoint;
import dev.flinkresilience.operator.decide.Decision.SavepointEnded;
import dev.flinkresilience.operator.decide.Decision.Steady;
import dev.flinkresilience.operator.decide.Decision.TriggerSavepoint;
import dev.flinkresilience.operator.decide.ObservedCluster.JobManagerDeployment;
import dev.flinkresilience.operator.decide.SavepointView.State;
import dev.flinkresilience.operator.testing.Jobs;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import java.util.function.Consumer;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * The savepoint schedule of a running job (issue 12 item 5): savepointNonce, savepointInterval,
 * following a savepoint in flight, and retention's step, through the lifecycle planner so that
 * their place (after upgrades, suspends and recovery) is tested too.
 */
class SavepointScheduleTest {
  private static final String UID = "uid-1";
  private static final String JOB_ID = "job-id-1";
  private static final String SAVEPOINTS = "s3://bucket/savepoints";
  private static final Instant NOW = Instant.parse("2026-01-01T12:00:00Z");
  private static final String T = "0123456789abcdef0123456789abcdef";
  private static final String OLD = SAVEPOINTS + "/savepoint-a";
  private static final String NEW = SAVEPOINTS + "/savepoint-b";

  record Case(
      String name,
      Consumer<FlinkResilientJobSpec> spec,
      Consumer<FlinkResilientJobStatus> status,
      SavepointView flink,
      Decision expected) {
    @Override
    public String toString() {
      return name;
    }
  }

  static Stream<Case> table() {
    return Stream.of(
        new Case("nothing asked: steady", s -> {}, s -> {}, fresh(), new Steady()),
        new Case(
            "a new savepointNonce: record the trigger, send nothing yet",
            nonce(1),
            s -> {},
            fresh(),
            new TriggerSavepoint(SavepointReason.MANUAL, JOB_ID, T, 1L)),
        new Case("the nonce already handled: steady", nonce(1), handled(1), fresh(), new Steady()),
        new Case(
            "a nonce lowered is a change too",
            nonce(1),
            handled(2),
            fresh(),
            new TriggerSavepoint(SavepointReason.MANUAL, JOB_ID, T, 1L)),
        new Case(
            "a new nonce while the job is RESTARTING waits",
            nonce(1),
            s -> s.setJobState("RESTARTING"),
            fresh(),
            new Steady()),
        new Case(
            "a new nonce while the REST API is silent waits",
            nonce(1),
            s -> {},
            SavepointView.answeredAt(NOW.minusSeconds(60)),
            new Steady()),
        new Case(
            "interval not yet passed since the deployment",
            every("1h"),
            deployedAgo(Duration.ofMinutes(59)),
            fresh(),
            new Steady()),
        new Case(
            "interval passed since the deployment: periodic",
            every("1h"),
            deployedAgo(Duration.ofMinutes(61)),
            fresh(),
            new TriggerSavepoint(SavepointReason.PERIODIC, JOB_ID, T, null)),
        new Case(
            "interval passed, but the deployment has no checkpoint yet (its tasks may still be"
                + " starting): waits",
            every("1h"),
            deployedAgo(Duration.ofMinutes(61)).andThen(s -> s.setLatestCheckpoint(null)),
            fresh(),
            new Steady()),
        new Case(
            "interval passed, only an earlier deployment's checkpoint recorded: waits",
            every("1h"),
            deployedAgo(Duration.ofMinutes(61))
                .andThen(
                    s -> s.setLatestCheckpoint(checkpointCompletedAgo(Duration.ofMinutes(62)))),
            fresh(),
            new Steady()),
        new Case(
            "with HA the HA store's pointer (no time) above the restore point counts: periodic",
            every("1h"),
            deployedAgo(Duration.ofMinutes(61)).andThen(haPointer(31, 12)),
            fresh(),
            new TriggerSavepoint(SavepointReason.PERIODIC, JOB_ID, T, null)),
        new Case(
            "the HA store's pointer still at the restore point: waits",
            every("1h"),
            deployedAgo(Duration.ofMinutes(61)).andThen(haPointer(12, 12)),
            fresh(),
            new Steady()),
        new Case(
            "the HA store pointing at the restored savepoint (its id unknown): waits",
            every("1h"),
            deployedAgo(Duration.ofMinutes(61))
                .andThen(haPointer(15, 12))
                .andThen(
                    s -> {
                      s.getLatestCheckpoint()
                          .setPath(SAVEPOINTS + "/savepoint-ab12cd-0123456789ab");
                      s.getRestoredFrom().setId(null);
                      s.getRestoredFrom().setPath(SAVEPOINTS + "/savepoint-ab12cd-0123456789ab");
                    }),
            fresh(),
            new Steady()),
        new Case(
            "then the new job's own chk-16 (restore id unknown): periodic",
            every("1h"),
            deployedAgo(Duration.ofMinutes(61))
                .andThen(haPointer(16, 12))
                .andThen(s -> s.getRestoredFrom().setId(null)),
            fresh(),
            new TriggerSavepoint(SavepointReason.PERIODIC, JOB_ID, T, null)),
        new Case(
            "a new nonce before the deployment's first checkpoint waits",
            nonce(1),
            s -> s.setLatestCheckpoint(null),
            fresh(),
            new Steady()),
        new Case(
            "interval timed from the newest savepoint, not the deployment",
            every("1h"),
            deployedAgo(Duration.ofHours(5))
                .andThen(record(SavepointReason.PERIODIC, SavepointResult.COMPLETED, 30, NEW)),
            fresh(),
            new Steady()),
        new Case(
            "a failed attempt counts: no retry before the interval",
            every("1h"),
            deployedAgo(Duration.ofHours(5))
                .andThen(record(SavepointReason.PERIODIC, SavepointResult.FAILED, 30, null)),
            fresh(),
            new Steady()),
        new Case(
            "an upgrade's savepoint counts too",
            every("1h"),
            deployedAgo(Duration.ofHours(5))
                .andThen(record(SavepointReason.UPGRADE, SavepointResult.COMPLETED, 10, NEW)),
            fresh(),
            new Steady()),
        new Case(
            "interval passed since the newest savepoint: periodic",
            every("1h"),
            deployedAgo(Duration.ofHours(5))
                .andThen(record(SavepointReason.PERIODIC, SavepointResult.COMPLETED, 61, NEW)),
            fresh(),
            new TriggerSavepoint(SavepointReason.PERIODIC, JOB_ID, T, null)),
        new Case(
            "interval passed but the job is not RUNNING: waits",
            every("1h"),
            deployedAgo(Duration.ofHours(2)).andThen(s -> s.setJobState("FAILING")),
            fresh(),
            new Steady()),
        new Case(
            "the nonce comes before the schedule",
            nonce(4).andThen(every("1h")),
            deployedAgo(Duration.ofHours(2)),
            fresh(),
            new TriggerSavepoint(SavepointReason.MANUAL, JOB_ID, T, 4L)),
        new Case(
            "in progress, not read yet (or after a restart): follow it",
            every("1h"),
            inProgress(JOB_ID, 20),
            fresh(),
            new FollowSavepoint(SavepointReason.PERIODIC, JOB_ID, T, SAVEPOINTS)),
        new Case(
            "in progress and a new nonce: one at a time, follow first",
            nonce(9),
            inProgress(JOB_ID, 20),
            fresh(),
            new FollowSavepoint(SavepointReason.PERIODIC, JOB_ID, T, SAVEPOINTS)),
        new Case(
            "in progress, REST silent: still followed (the timeout bounds it)",
            s -> {},
            inProgress(JOB_ID, 20),
            SavepointView.none(),
            new FollowSavepoint(SavepointReason.PERIODIC, JOB_ID, T, SAVEPOINTS)),
        new Case(
            "Flink says completed: record it",
            s -> {},
            inProgress(JOB_ID, 20),
            fresh().following(T, State.COMPLETED, NEW, null),
            new SavepointEnded(T, NEW, null)),
        new Case(
            "Flink says completed without a path: a failure",
            s -> {},
            inProgress(JOB_ID, 20),
            fresh().following(T, State.COMPLETED, " ", null),
            new SavepointEnded(T, null, "Flink reported the savepoint complete without a path")),
        new Case(
            "Flink says failed: record why",
            s -> {},
            inProgress(JOB_ID, 20),
            fresh().following(T, State.FAILED, null, "CheckpointException: declined"),
            new SavepointEnded(T, null, "CheckpointException: declined")),
        new Case(
            "past savepointTimeout: failed",
            s -> {},
            inProgress(JOB_ID, 301),
            fresh().following(T, State.IN_PROGRESS, null, null),
            new SavepointEnded(T, null, "did not complete within job.savepointTimeout 5m")),
        new Case(
            "in progress for a job since redeployed: failed, not sent to the new job",
            s -> {},
            inProgress("old-job", 20),
            fresh(),
            new SavepointEnded(
                T, null, "the job was stopped or redeployed before the savepoint completed")),
        new Case(
            "retention: the older of two past maxCount 1 is disposed",
            keep(1),
            record(SavepointReason.PERIODIC, SavepointResult.COMPLETED, 20, OLD)
                .andThen(record(SavepointReason.PERIODIC, SavepointResult.COMPLETED, 10, NEW)),
            fresh(),
            new DisposeSavepoints(List.of(OLD), List.of())),
        new Case(
            "retention: nothing is disposed while the REST API is silent",
            keep(1),
            record(SavepointReason.PERIODIC, SavepointResult.COMPLETED, 20, OLD)
                .andThen(record(SavepointReason.PERIODIC, SavepointResult.COMPLETED, 10, NEW)),
            SavepointView.answeredAt(NOW.minusSeconds(60)),
            new Steady()),
        new Case(
            "retention: a disposal in flight is not sent again",
            keep(1),
            record(SavepointReason.PERIODIC, SavepointResult.COMPLETED, 20, OLD)
                .andThen(record(SavepointReason.PERIODIC, SavepointResult.COMPLETED, 10, NEW)),
            fresh().following(SavepointView.disposalKey(OLD), State.IN_PROGRESS, null, null),
            new Steady()),
        new Case(
            "retention: a disposal done is recorded",
            keep(1),
            record(SavepointReason.PERIODIC, SavepointResult.COMPLETED, 20, OLD)
                .andThen(record(SavepointReason.PERIODIC, SavepointResult.COMPLETED, 10, NEW)),
            fresh().following(SavepointView.disposalKey(OLD), State.COMPLETED, null, null),
            new DisposeSavepoints(List.of(), List.of(new Disposal(OLD, null)))),
        new Case(
            "retention: a failed disposal is recorded, to be retried",
            keep(1),
            record(SavepointReason.PERIODIC, SavepointResult.COMPLETED, 20, OLD)
                .andThen(record(SavepointReason.PERIODIC, SavepointResult.COMPLETED, 10, NEW)),
            fresh().following(SavepointView.disposalKey(OLD), State.FAILED, null, "denied"),
            new DisposeSavepoints(List.of(), List.of(new Disposal(OLD, "denied")))),
        new Case(
            "retention: a failed disposal waits for its retry time",
            keep(1),
            record(SavepointReason.PERIODIC, SavepointResult.COMPLETED, 20, OLD)
                .andThen(
                    s -> s.getSavepoints().get(0).setDisposeRetryAt(NOW.plusSeconds(30).toString()))
                .andThen(record(SavepointReason.PERIODIC, SavepointResult.COMPLETED, 10, NEW)),
            fresh(),
            new Steady()),
        new Case(
            "retention: the retry time passed, sent again",
            keep(1),
            record(SavepointReason.PERIODIC, SavepointResult.COMPLETED, 20, OLD)
                .andThen(
                    s -> s.getSavepoints().get(0).setDisposeRetryAt(NOW.minusSeconds(1).toString()))
                .andThen(record(SavepointReason.PERIODIC, SavepointResult.COMPLETED, 10, NEW)),
            fresh(),
            new DisposeSavepoints(List.of(OLD), List.of())));
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("table")
  void plans(Case c) {
    Decision actual = decide(c.spec(), c.status(), c.flink(), up("hash-v1"));
    if (actual instanceof TriggerSavepoint t) {
      assertThat(t.triggerId()).matches("[0-9a-f]{32}");
      actual = new TriggerSavepoint(t.reason(), t.jobId(), T, t.nonce());
    }
    assertThat(actual).isEqualTo(c.expected());
  }

  @Test
  void anUpgradeComesBeforeANewNonce() {
    Decision d = decide(nonce(1), s -> {}, fresh(), up("hash-v0"));
    assertThat(d).isInstanceOf(BeginOperation.class);
    assertThat(((BeginOperation) d).type()).isEqualTo(OperationType.UPGRADE);
  }

  @Test
  void aSuspendedJobTakesNoSavepoint() {
    Decision d =
        decide(
            nonce(1).andThen(s -> s.getJob().setState(JobState.SUSPENDED)),
            s -> {},
            fresh(),
            ObservedCluster.none());
    assertThat(d).isEqualTo(new Steady());
  }

  @Test
  void eachTriggerHasItsOwnId() {
    var spec = spec(nonce(1));
    var status = status(s -> {});
    var a =
        new PlanInput(
            desired(spec),
            List.of(),
            status,
            up("hash-v1"),
            HaStoreView.noHa(),
            NOW,
            null,
            fresh());
    var b =
        new PlanInput(
            desired(spec),
            List.of(),
            status,
            up("hash-v1"),
            HaStoreView.noHa(),
            NOW.plusSeconds(1),
            null,
            fresh());
    assertThat(SavepointSchedule.triggerId(a, SavepointReason.MANUAL))
        .isNotEqualTo(SavepointSchedule.triggerId(b, SavepointReason.MANUAL))
        .isNotEqualTo(SavepointSchedule.triggerId(a, SavepointReason.PERIODIC));
  }

  @Test
  void theNextPeriodicSavepointIsDueAnIntervalAfterTheNewestAttempt() {
    var status =
        status(
            deployedAgo(Duration.ofHours(3))
                .andThen(record(SavepointReason.PERIODIC, SavepointResult.FAILED, 20, null)));
    var in =
        new PlanInput(
            desired(spec(every("1h"))), List.of(), status, up("hash-v1"), HaStoreView.noHa(), NOW);
    assertThat(SavepointSchedule.due(in))
        .contains(NOW.minusSeconds(20 * 60).plus(Duration.ofHours(1)));
    assertThat(SavepointSchedule.wakeIn(in)).contains(Duration.ofMinutes(40));
    var off =
        new PlanInput(
            desired(spec(s -> {})), List.of(), status, up("hash-v1"), HaStoreView.noHa(), NOW);
    assertThat(SavepointSchedule.due(off)).isEmpty();
    assertThat(SavepointSchedule.wakeIn(off)).isEmpty();
  }

  private static Decision decide(
      Consumer<FlinkResilientJobSpec> spec,
      Consumer<FlinkResilientJobStatus> status,
      SavepointView flink,
      ObservedCluster cluster) {
    return LifecyclePlanner.decide(
        new PlanInput(
            desired(spec(spec)),
            List.of(),
            status(status),
            cluster,
            HaStoreView.noHa(),
            NOW,
            null,
            flink));
  }

  private static DesiredJob desired(FlinkResilientJobSpec spec) {
    return new DesiredJob(spec, "hash-v1", 3, UID);
  }

  private static FlinkResilientJobSpec spec(Consumer<FlinkResilientJobSpec> change) {
    FlinkResilientJobSpec spec = Jobs.validSpec();
    spec.getCheckpointing().setSavepointDirectory(SAVEPOINTS);
    change.accept(spec);
    return spec;
  }

  private static FlinkResilientJobStatus status(Consumer<FlinkResilientJobStatus> change) {
    var s = new FlinkResilientJobStatus();
    var d = new DeploymentRecord();
    d.setGeneration(3L);
    d.setSerial(2L);
    d.setSpecHash("hash-v1");
    d.setJobId(JOB_ID);
    d.setDeployedAt(NOW.minus(Duration.ofMinutes(10)).toString());
    s.setDeployment(d);
    s.setDeployedSpec(spec(x -> {}));
    s.setJobId(JOB_ID);
    s.setJobState("RUNNING");
    s.setPhase(Phase.RUNNING);
    s.setLatestCheckpoint(checkpointCompletedAgo(Duration.ofSeconds(20)));
    change.accept(s);
    return s;
  }

  private static CheckpointRef checkpointCompletedAgo(Duration ago) {
    var c = new CheckpointRef();
    c.setId(7L);
    c.setPath("s3://bucket/checkpoints/" + JOB_ID + "/chk-7");
    c.setCompletedAt(NOW.minus(ago).toString());
    c.setSource("rest");
    return c;
  }

  /** Recorded from the HA store (no completion time), the deployment restored from restoredId. */
  private static Consumer<FlinkResilientJobStatus> haPointer(long id, long restoredId) {
    return s -> {
      var c = new CheckpointRef();
      c.setId(id);
      c.setPath("s3://bucket/checkpoints/" + JOB_ID + "/chk-" + id);
      c.setSource("haStore");
      s.setLatestCheckpoint(c);
      var from = new CheckpointRef();
      from.setId(restoredId);
      from.setPath("s3://bucket/checkpoints/" + JOB_ID + "/chk-" + restoredId);
      s.setRestoredFrom(from);
    };
  }

  private static Consumer<FlinkResilientJobSpec> nonce(long n) {
    return s -> s.getJob().setSavepointNonce(n);
  }

  private static Consumer<FlinkResilientJobSpec> every(String interval) {
    return s -> s.getJob().setSavepointInterval(interval);
  }

  private static Consumer<FlinkResilientJobSpec> keep(int count) {
    return s -> {
      var h = new SavepointHistorySpec();
      h.setMaxCount(count);
      s.getJob().setSavepointHistory(h);
    };
  }

  private static Consumer<FlinkResilientJobStatus> handled(long n) {
    return s -> s.setLastSavepointNonce(n);
  }

  private static Consumer<FlinkResilientJobStatus> deployedAgo(Duration ago) {
    return s -> s.getDeployment().setDeployedAt(NOW.minus(ago).toString());
  }

  private static Consumer<FlinkResilientJobStatus> record(
      SavepointReason reason, SavepointResult result, int minutesAgo, String path) {
    return s -> {
      var r = new SavepointRecord();
      r.setReason(reason);
      r.setResult(result);
      r.setJobId(JOB_ID);
      r.setTriggerId("f".repeat(32));
      r.setTriggeredAt(NOW.minus(Duration.ofMinutes(minutesAgo)).toString());
      r.setCompletedAt(NOW.minus(Duration.ofMinutes(minutesAgo)).plusSeconds(5).toString());
      r.setPath(path);
      s.getSavepoints().add(r);
    };
  }

  private static Consumer<FlinkResilientJobStatus> inProgress(String jobId, int secondsAgo) {
    return s -> {
      var r = new SavepointRecord();
      r.setReason(SavepointReason.PERIODIC);
      r.setResult(SavepointResult.IN_PROGRESS);
      r.setJobId(jobId);
      r.setTriggerId(T);
      r.setTriggeredAt(NOW.minusSeconds(secondsAgo).toString());
      s.getSavepoints().add(r);
    };
  }

  private static SavepointView fresh() {
    return SavepointView.answeredAt(NOW.minusSeconds(2));
  }

  private static ObservedCluster up(String hash) {
    return new ObservedCluster(
        Optional.of(new JobManagerDeployment(hash, 2L, JOB_ID, 1, false)), 3);
  }
}
