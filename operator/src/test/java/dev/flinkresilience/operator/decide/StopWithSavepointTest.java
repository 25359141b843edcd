package dev.flinkresilience.operator.decide;

import static org.assertj.core.api.Assertions.assertThat;

import dev.flinkresilience.operator.api.v1alpha1.CheckpointRef;
import dev.flinkresilience.operator.api.v1alpha1.DeploymentRecord;
import dev.flinkresilience.operator.api.v1alpha1.FlinkResilientJobSpec;
import dev.flinkresilience.operator.api.v1alpha1.FlinkResilientJobStatus;
import dev.flinkresilience.operator.api.v1alpha1.JobState;
import dev.flinkresilience.operator.api.v1alpha1.Operation;
import dev.flinkresilience.operator.api.v1alpha1.OperationType;
import dev.flinkresilience.operator.api.v1alpha1.Phase;
import dev.flinkresilience.operator.api.v1alpha1.UpgradeMode;
import dev.flinkresilience.operator.decide.Decision.AwaitSavepoint;
import dev.flinkresilience.operator.decide.Decision.DeleteCluster;
import dev.flinkresilience.operator.decide.Decision.Deploy;
import dev.flinkresilience.operator.decide.Decision.DeployReason;
import dev.flinkresilience.operator.decide.Decision.ReadCheckpointStorage;
import dev.flinkresilience.operator.decide.Decision.RecordSavepointTrigger;
import dev.flinkresilience.operator.decide.Decision.SavepointTaken;
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

/** Planned restarts by upgrade mode (DESIGN.md §5.5): the planner's side of stop-with-savepoint. */
class StopWithSavepointTest {
  private static final String UID = "uid-1";
  private static final String JOB_ID = "job-id-1";
  private static final String SAVEPOINTS = "file:///tmp/savepoints";
  private static final String SP = SAVEPOINTS + "/savepoint-abc123-0123456789ab";
  private static final Instant NOW = Instant.parse("2026-01-01T12:00:00Z");
  private static final Instant STARTED = NOW.minusSeconds(30);
  private static final String TRIGGER =
      StopWithSavepoint.triggerId(UID, operation(OperationType.UPGRADE));

  record Case(
      String name,
      UpgradeMode mode,
      JobState desiredState,
      Consumer<FlinkResilientJobStatus> status,
      ObservedCluster cluster,
      SavepointView flink,
      Decision expected) {
    @Override
    public String toString() {
      return name;
    }
  }

  static Stream<Case> table() {
    return Stream.of(
        new Case(
            "job RUNNING, REST fresh: record a trigger id, send nothing yet",
            UpgradeMode.SAVEPOINT,
            JobState.RUNNING,
            running().andThen(op(OperationType.UPGRADE)),
            up(),
            fresh(),
            new RecordSavepointTrigger(OperationType.UPGRADE, TRIGGER)),
        new Case(
            "job RESTARTING: fall back to last-state, with the reason",
            UpgradeMode.SAVEPOINT,
            JobState.RUNNING,
            running().andThen(s -> s.setJobState("RESTARTING")).andThen(op(OperationType.UPGRADE)),
            up(),
            fresh(),
            new DeleteCluster(OperationType.UPGRADE, "the job is RESTARTING, not RUNNING")),
        new Case(
            "REST silent for longer than three polls: fall back",
            UpgradeMode.SAVEPOINT,
            JobState.RUNNING,
            running().andThen(op(OperationType.UPGRADE)),
            up(),
            SavepointView.answeredAt(NOW.minusSeconds(16)),
            new DeleteCluster(
                OperationType.UPGRADE,
                "the JobManager's REST API has not answered in the last 15 s")),
        new Case(
            "REST never answered: fall back",
            UpgradeMode.SAVEPOINT,
            JobState.RUNNING,
            running().andThen(op(OperationType.UPGRADE)),
            up(),
            SavepointView.none(),
            new DeleteCluster(
                OperationType.UPGRADE,
                "the JobManager's REST API has not answered in the last 15 s")),
        new Case(
            "no savepoint directory in the deployed spec: the desired spec's",
            UpgradeMode.SAVEPOINT,
            JobState.RUNNING,
            running()
                .andThen(s -> s.getDeployedSpec().getCheckpointing().setSavepointDirectory(null))
                .andThen(op(OperationType.UPGRADE)),
            up(),
            fresh(),
            new RecordSavepointTrigger(OperationType.UPGRADE, TRIGGER)),
        new Case(
            "trigger recorded, savepoint in progress: await it",
            UpgradeMode.SAVEPOINT,
            JobState.RUNNING,
            running().andThen(triggered(NOW.minusSeconds(20))),
            up(),
            fresh().following(TRIGGER, State.IN_PROGRESS, null, null),
            new AwaitSavepoint(OperationType.UPGRADE, JOB_ID, TRIGGER, SAVEPOINTS)),
        new Case(
            "operator restarted with a trigger id in status: the same trigger, no new one",
            UpgradeMode.SAVEPOINT,
            JobState.RUNNING,
            running().andThen(triggered(NOW.minusSeconds(20))),
            up(),
            SavepointView.none(),
            new AwaitSavepoint(OperationType.UPGRADE, JOB_ID, TRIGGER, SAVEPOINTS)),
        new Case(
            "a result for another trigger says nothing of this one",
            UpgradeMode.SAVEPOINT,
            JobState.RUNNING,
            running().andThen(triggered(NOW.minusSeconds(20))),
            up(),
            fresh().following("0".repeat(32), State.COMPLETED, SP, null),
            new AwaitSavepoint(OperationType.UPGRADE, JOB_ID, TRIGGER, SAVEPOINTS)),
        new Case(
            "savepoint completed: record it before anything is deleted",
            UpgradeMode.SAVEPOINT,
            JobState.RUNNING,
            running().andThen(triggered(NOW.minusSeconds(20))),
            up(),
            fresh().following(TRIGGER, State.COMPLETED, SP, null),
            new SavepointTaken(OperationType.UPGRADE, SP)),
        new Case(
            "savepoint recorded: delete the cluster",
            UpgradeMode.SAVEPOINT,
            JobState.RUNNING,
            running().andThen(triggered(NOW.minusSeconds(20))).andThen(taken()),
            up(),
            fresh(),
            new DeleteCluster(OperationType.UPGRADE)),
        new Case(
            "savepoint recorded, cluster gone: confirm that savepoint in the storage",
            UpgradeMode.SAVEPOINT,
            JobState.RUNNING,
            running().andThen(triggered(NOW.minusSeconds(20))).andThen(taken()),
            ObservedCluster.none(),
            SavepointView.none(),
            new ReadCheckpointStorage(DeployReason.UPGRADE, null)),
        new Case(
            "savepoint failed: fall back",
            UpgradeMode.SAVEPOINT,
            JobState.RUNNING,
            running().andThen(triggered(NOW.minusSeconds(20))),
            up(),
            fresh().following(TRIGGER, State.FAILED, null, "CheckpointException: declined"),
            new DeleteCluster(
                OperationType.UPGRADE, "the savepoint failed: CheckpointException: declined")),
        new Case(
            "savepoint not done within savepointTimeout: fall back",
            UpgradeMode.SAVEPOINT,
            JobState.RUNNING,
            running().andThen(triggered(NOW.minus(Duration.ofMinutes(5)).minusSeconds(1))),
            up(),
            fresh().following(TRIGGER, State.IN_PROGRESS, null, null),
            new DeleteCluster(
                OperationType.UPGRADE,
                "the savepoint did not complete within job.savepointTimeout 5m")),
        new Case(
            "fallback recorded: delete without a second warning",
            UpgradeMode.SAVEPOINT,
            JobState.RUNNING,
            running()
                .andThen(op(OperationType.UPGRADE))
                .andThen(s -> s.getOperation().setFallback("x")),
            up(),
            fresh(),
            new DeleteCluster(OperationType.UPGRADE)),
        new Case(
            "after a fallback the restore point comes from the storage, after teardown",
            UpgradeMode.SAVEPOINT,
            JobState.RUNNING,
            running()
                .andThen(triggered(NOW.minusSeconds(400)))
                .andThen(s -> s.getOperation().setFallback("timed out")),
            ObservedCluster.none(),
            SavepointView.none(),
            new ReadCheckpointStorage(DeployReason.UPGRADE, null)),
        new Case(
            "last-state: delete at once, as before",
            UpgradeMode.LAST_STATE,
            JobState.RUNNING,
            running().andThen(op(OperationType.UPGRADE)),
            up(),
            fresh(),
            new DeleteCluster(OperationType.UPGRADE)),
        new Case(
            "stateless: delete at once",
            UpgradeMode.STATELESS,
            JobState.RUNNING,
            running().andThen(op(OperationType.UPGRADE)),
            up(),
            fresh(),
            new DeleteCluster(OperationType.UPGRADE)),
        new Case(
            "stateless: deploy from empty state, by choice",
            UpgradeMode.STATELESS,
            JobState.RUNNING,
            running().andThen(op(OperationType.UPGRADE)),
            ObservedCluster.none(),
            SavepointView.none(),
            new Deploy(DeployReason.UPGRADE, 3, JobIds.of(UID, 3), RestorePoint.EMPTY_BY_CHOICE)),
        new Case(
            "suspend with a savepoint: trigger first",
            UpgradeMode.SAVEPOINT,
            JobState.SUSPENDED,
            running().andThen(op(OperationType.SUSPEND)),
            up(),
            fresh(),
            new RecordSavepointTrigger(
                OperationType.SUSPEND,
                StopWithSavepoint.triggerId(UID, operation(OperationType.SUSPEND)))),
        new Case(
            "suspend, savepoint taken, cluster gone: the storage is read (its newest checkpoint"
                + " is recorded, SuspendRecordsStorageTest), then FinishSuspend",
            UpgradeMode.SAVEPOINT,
            JobState.SUSPENDED,
            running().andThen(op(OperationType.SUSPEND)).andThen(taken()),
            ObservedCluster.none(),
            SavepointView.none(),
            new ReadCheckpointStorage(DeployReason.RESUME, null)),
        new Case(
            "resume after a suspend with a savepoint: confirm that savepoint in the storage",
            UpgradeMode.SAVEPOINT,
            JobState.RUNNING,
            running().andThen(s -> s.setPhase(Phase.SUSPENDED)).andThen(finalSavepoint()),
            ObservedCluster.none(),
            SavepointView.none(),
            new ReadCheckpointStorage(DeployReason.RESUME, null)),
        new Case(
            "resume stateless after a suspend with a savepoint: empty state wins",
            UpgradeMode.STATELESS,
            JobState.RUNNING,
            running().andThen(s -> s.setPhase(Phase.SUSPENDED)).andThen(finalSavepoint()),
            ObservedCluster.none(),
            SavepointView.none(),
            new Deploy(DeployReason.RESUME, 3, JobIds.of(UID, 3), RestorePoint.EMPTY_BY_CHOICE)));
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("table")
  void plans(Case c) {
    assertThat(decide(c)).isEqualTo(normalized(c.expected(), c));
  }

  @Test
  void noSavepointDirectoryAnywhereFallsBack() {
    var status = new FlinkResilientJobStatus();
    running()
        .andThen(s -> s.getDeployedSpec().getCheckpointing().setSavepointDirectory(null))
        .andThen(op(OperationType.UPGRADE))
        .accept(status);
    var spec = spec(UpgradeMode.SAVEPOINT, JobState.RUNNING);
    spec.getCheckpointing().setSavepointDirectory(null);
    var decision =
        LifecyclePlanner.decide(
            new PlanInput(
                new DesiredJob(spec, "hash-v1", 3, UID),
                List.of(),
                status,
                up(),
                HaStoreView.noHa(),
                NOW,
                null,
                fresh()));
    assertThat(decision)
        .isEqualTo(
            new DeleteCluster(
                OperationType.UPGRADE, "spec.checkpointing.savepointDirectory is not set"));
  }

  @Test
  void triggerIdsAreFlinkTriggerIdsAndDifferPerOperation() {
    assertThat(TRIGGER).matches("[0-9a-f]{32}");
    Operation later = operation(OperationType.UPGRADE);
    later.setStartedAt(NOW.toString());
    assertThat(StopWithSavepoint.triggerId(UID, later)).isNotEqualTo(TRIGGER);
  }

  @Test
  void theFinalSavepointNeedsNoFloorButMustExist() {
    FlinkResilientJobSpec spec = spec(UpgradeMode.SAVEPOINT, JobState.RUNNING);
    var status = new FlinkResilientJobStatus();
    running().andThen(finalSavepoint()).accept(status);
    // A checkpoint with an id is recorded; the id-less savepoint is still chosen, once it is found.
    var cp = new CheckpointRef();
    cp.setId(41L);
    cp.setPath("file:///tmp/checkpoints/" + JOB_ID + "/chk-41");
    status.setLatestCheckpoint(cp);
    var first =
        RestorePoints.choose(
            new RestorePoints.Request(DeployReason.UPGRADE, spec, status, null, null, NOW));
    assertThat(first).isInstanceOf(RestoreChoice.ReadStorageFirst.class);
    StorageQuery query = ((RestoreChoice.ReadStorageFirst) first).query();
    String point = CheckpointPaths.pointDirectory(SP);
    assertThat(query).isEqualTo(new StorageQuery(null, java.util.Set.of(point)));

    var found =
        new CheckpointStorageView(
            CheckpointStorageView.State.READ, null, List.of(), java.util.Map.of(point, true), null);
    var choice =
        RestorePoints.choose(
            new RestorePoints.Request(DeployReason.UPGRADE, spec, status, null, found, NOW));
    assertThat(choice).isInstanceOf(RestoreChoice.From.class);
    assertThat(((RestoreChoice.From) choice).point()).isEqualTo(RestorePoint.finalSavepoint(SP));
    assertThat(
            LifecyclePlanner.deploy(
                DeployReason.UPGRADE,
                new DesiredJob(spec, "hash-v1", 3, UID),
                new PlanInput(
                    new DesiredJob(spec, "hash-v1", 3, UID),
                    List.of(),
                    status,
                    ObservedCluster.none(),
                    HaStoreView.noHa(),
                    NOW,
                    found)))
        .isEqualTo(
            new Deploy(
                DeployReason.UPGRADE, 3, JobIds.of(UID, 3), RestorePoint.finalSavepoint(SP)));

    var gone =
        new CheckpointStorageView(
            CheckpointStorageView.State.READ,
            null,
            List.of(),
            java.util.Map.of(point, false),
            null);
    var refused =
        RestorePoints.choose(
            new RestorePoints.Request(DeployReason.UPGRADE, spec, status, null, gone, NOW));
    assertThat(refused).isInstanceOf(RestoreChoice.Refused.class);
    assertThat(((RestoreChoice.Refused) refused).why())
        .contains(point + "/_metadata does not exist");
    // A recovery of the running job is no planned restart: the final savepoint is not its rule.
    var recovery =
        RestorePoints.choose(
            new RestorePoints.Request(DeployReason.RECOVERY, spec, status, null, null, NOW));
    assertThat(recovery).isInstanceOf(RestoreChoice.ReadStorageFirst.class);
  }

  private static Decision decide(Case c) {
    var status = new FlinkResilientJobStatus();
    c.status().accept(status);
    var spec = spec(c.mode(), c.desiredState());
    var desired = new DesiredJob(spec, "hash-v1", 3, UID);
    return LifecyclePlanner.decide(
        new PlanInput(
            desired, List.of(), status, c.cluster(), HaStoreView.noHa(), NOW, null, c.flink()));
  }

  /** The storage query is whatever RestorePoints asks; the test only checks its kind. */
  private static Decision normalized(Decision expected, Case c) {
    if (expected instanceof ReadCheckpointStorage r && r.query() == null) {
      Decision actual = decide(c);
      return actual instanceof ReadCheckpointStorage a && a.reason() == r.reason() ? a : expected;
    }
    return expected;
  }

  private static FlinkResilientJobSpec spec(UpgradeMode mode, JobState state) {
    FlinkResilientJobSpec spec = Jobs.validSpec();
    spec.getJob().setUpgradeMode(mode);
    spec.getJob().setState(state);
    spec.getCheckpointing().setSavepointDirectory(SAVEPOINTS);
    return spec;
  }

  private static SavepointView fresh() {
    return SavepointView.answeredAt(NOW.minusSeconds(2));
  }

  private static Consumer<FlinkResilientJobStatus> running() {
    return s -> {
      var d = new DeploymentRecord();
      d.setGeneration(2L);
      d.setSerial(2L);
      d.setSpecHash("hash-v0");
      d.setJobId(JOB_ID);
      d.setJobManagerPod("orders-jm-0");
      s.setDeployment(d);
      s.setDeployedSpec(spec(UpgradeMode.SAVEPOINT, JobState.RUNNING));
      s.setJobId(JOB_ID);
      s.setJobState("RUNNING");
      s.setPhase(Phase.RUNNING);
    };
  }

  private static Operation operation(OperationType type) {
    var op = new Operation();
    op.setType(type);
    op.setReason("spec changed (generation 3)");
    op.setTargetGeneration(3L);
    op.setStartedAt(STARTED.toString());
    return op;
  }

  private static Consumer<FlinkResilientJobStatus> op(OperationType type) {
    return s -> s.setOperation(operation(type));
  }

  private static Consumer<FlinkResilientJobStatus> triggered(Instant at) {
    return op(OperationType.UPGRADE)
        .andThen(
            s -> {
              s.getOperation().setSavepointTriggerId(TRIGGER);
              s.getOperation().setSavepointTriggeredAt(at.toString());
            });
  }

  private static Consumer<FlinkResilientJobStatus> taken() {
    return finalSavepoint().andThen(s -> s.getOperation().setSavepointPath(SP));
  }

  private static Consumer<FlinkResilientJobStatus> finalSavepoint() {
    return s -> {
      var ref = new CheckpointRef();
      ref.setPath(SP);
      ref.setSource(RestorePoint.STOP_WITH_SAVEPOINT);
      s.setFinalSavepoint(ref);
    };
  }

  @SuppressWarnings("unused")
  private static ObservedCluster up() {
    return new ObservedCluster(
        Optional.of(new JobManagerDeployment("hash-v0", 2L, JOB_ID, 1, false)), 3);
  }
}
