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
import dev.flinkresilience.operator.decide.Decision.AwaitTeardown;
import dev.flinkresilience.operator.decide.Decision.BeginOperation;
import dev.flinkresilience.operator.decide.Decision.DeleteCluster;
import dev.flinkresilience.operator.decide.Decision.Deploy;
import dev.flinkresilience.operator.decide.Decision.DeployReason;
import dev.flinkresilience.operator.decide.Decision.FinishSuspend;
import dev.flinkresilience.operator.decide.Decision.RejectSpec;
import dev.flinkresilience.operator.decide.Decision.Steady;
import dev.flinkresilience.operator.decide.ObservedCluster.JobManagerDeployment;
import dev.flinkresilience.operator.testing.Jobs;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import java.util.function.Consumer;
import java.util.stream.Stream;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

class LifecyclePlannerTest {
  private static final String HASH = "hash-v1";
  private static final String UID = "uid-1";

  record Case(
      String name,
      boolean valid,
      JobState desiredState,
      Consumer<FlinkResilientJobStatus> status,
      ObservedCluster cluster,
      Decision expected) {
    @Override
    public String toString() {
      return name;
    }
  }

  static Stream<Arguments> table() {
    return Stream.of(
            new Case(
                "new resource: deploy from empty state",
                true,
                JobState.RUNNING,
                s -> {},
                none(),
                new Deploy(DeployReason.INITIAL, 1, JobIds.of(UID, 1), RestorePoint.NONE)),
            new Case(
                "running, same hash: steady",
                true,
                JobState.RUNNING,
                deployed(),
                running(HASH),
                new Steady()),
            new Case(
                "spec hash changed: record the upgrade first",
                true,
                JobState.RUNNING,
                deployed(),
                running("hash-v0"),
                new BeginOperation(OperationType.UPGRADE, "spec changed (generation 3)")),
            new Case(
                "upgrade recorded, cluster up: delete it (upgradeMode savepoint, default, cannot"
                    + " stop with a savepoint without a directory: last-state, said so)",
                true,
                JobState.RUNNING,
                deployed().andThen(op(OperationType.UPGRADE)),
                running("hash-v0"),
                new DeleteCluster(
                    OperationType.UPGRADE, "spec.checkpointing.savepointDirectory is not set")),
            new Case(
                "upgrade recorded, deployment terminating: wait",
                true,
                JobState.RUNNING,
                deployed().andThen(op(OperationType.UPGRADE)),
                terminating(3),
                new AwaitTeardown(3)),
            new Case(
                "upgrade recorded, pods remain: wait",
                true,
                JobState.RUNNING,
                deployed().andThen(op(OperationType.UPGRADE)),
                pods(2),
                new AwaitTeardown(2)),
            new Case(
                "upgrade recorded, all gone: deploy new generation from latest checkpoint",
                true,
                JobState.RUNNING,
                deployed().andThen(op(OperationType.UPGRADE)).andThen(checkpoint(42)),
                none(),
                new Deploy(
                    DeployReason.UPGRADE,
                    3,
                    JobIds.of(UID, 3),
                    new RestorePoint("file:///cp/chk-42", 42L, "rest"))),
            new Case(
                "suspend asked while running: record it first",
                true,
                JobState.SUSPENDED,
                deployed(),
                running(HASH),
                new BeginOperation(OperationType.SUSPEND, "spec.job.state is suspended")),
            new Case(
                "suspend recorded, cluster gone: finish",
                true,
                JobState.SUSPENDED,
                deployed().andThen(op(OperationType.SUSPEND)),
                none(),
                new FinishSuspend()),
            new Case(
                "suspended and nothing running: steady",
                true,
                JobState.SUSPENDED,
                deployed().andThen(phase(Phase.SUSPENDED)),
                none(),
                new Steady()),
            new Case(
                "resume after suspend: deploy from latest checkpoint",
                true,
                JobState.RUNNING,
                deployed().andThen(phase(Phase.SUSPENDED)).andThen(checkpoint(7)),
                none(),
                new Deploy(
                    DeployReason.RESUME,
                    3,
                    JobIds.of(UID, 3),
                    new RestorePoint("file:///cp/chk-7", 7L, "rest"))),
            new Case(
                "resume while suspend still tearing down: finish teardown, then resume",
                true,
                JobState.RUNNING,
                deployed().andThen(op(OperationType.SUSPEND)),
                none(),
                new Deploy(DeployReason.RESUME, 3, JobIds.of(UID, 3), RestorePoint.NONE)),
            new Case(
                "JM deployment vanished: same job id, latest checkpoint",
                true,
                JobState.RUNNING,
                deployed().andThen(checkpoint(9)),
                none(),
                new Deploy(
                    DeployReason.RECREATE,
                    2,
                    "job-id-1",
                    new RestorePoint("file:///cp/chk-9", 9L, "rest"))),
            new Case(
                "leftover pods without JM: wait before deploying",
                true,
                JobState.RUNNING,
                deployed(),
                pods(1),
                new AwaitTeardown(1)),
            new Case(
                "invalid spec with running cluster: reject, touch nothing",
                false,
                JobState.RUNNING,
                deployed(),
                running("hash-v0"),
                new RejectSpec(List.of("spec.image: must be set"))),
            new Case(
                "invalid spec mid-upgrade: reject, do not delete",
                false,
                JobState.RUNNING,
                deployed().andThen(op(OperationType.UPGRADE)),
                running("hash-v0"),
                new RejectSpec(List.of("spec.image: must be set"))))
        .map(Arguments::of);
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("table")
  void decides(Case c) {
    FlinkResilientJobSpec spec = Jobs.validSpec();
    spec.getJob().setState(c.desiredState());
    var status = new FlinkResilientJobStatus();
    c.status().accept(status);
    var desired = c.valid() ? new DesiredJob(spec, HASH, 3, UID) : null;
    var violations = c.valid() ? List.<String>of() : List.of("spec.image: must be set");
    var decision =
        LifecyclePlanner.decide(
            StorageHolds.whatWasRecorded(
                new PlanInput(
                    desired, violations, status, c.cluster(), HaStoreView.noHa(), Instant.EPOCH)));
    assertThat(decision).isEqualTo(c.expected());
  }

  @org.junit.jupiter.api.Test
  void jobIdsAreFixedPerSerialAndLookLikeFlinkJobIds() {
    assertThat(JobIds.of("u", 1)).isEqualTo(JobIds.of("u", 1)).matches("[0-9a-f]{32}");
    assertThat(JobIds.of("u", 1)).isNotEqualTo(JobIds.of("u", 2)).isNotEqualTo(JobIds.of("v", 1));
  }

  private static Consumer<FlinkResilientJobStatus> deployed() {
    return s -> {
      var d = new DeploymentRecord();
      d.setGeneration(2L);
      d.setSerial(2L);
      d.setSpecHash("hash-v0");
      d.setJobId("job-id-1");
      s.setDeployment(d);
      s.setPhase(Phase.RUNNING);
    };
  }

  private static Consumer<FlinkResilientJobStatus> op(OperationType type) {
    return s -> {
      var op = new Operation();
      op.setType(type);
      s.setOperation(op);
    };
  }

  private static Consumer<FlinkResilientJobStatus> phase(Phase p) {
    return s -> s.setPhase(p);
  }

  private static Consumer<FlinkResilientJobStatus> checkpoint(long id) {
    return s -> s.setLatestCheckpoint(ref(id, "file:///cp/chk-" + id));
  }

  private static CheckpointRef ref(Long id, String path) {
    var r = new CheckpointRef();
    r.setId(id);
    r.setPath(path);
    r.setSource("rest");
    return r;
  }

  private static ObservedCluster none() {
    return ObservedCluster.none();
  }

  private static ObservedCluster running(String hash) {
    return new ObservedCluster(
        Optional.of(new JobManagerDeployment(hash, 2L, "job-id-1", 1, false)), 3);
  }

  private static ObservedCluster terminating(int pods) {
    return new ObservedCluster(
        Optional.of(new JobManagerDeployment("hash-v0", 2L, "job-id-1", 1, true)), pods);
  }

  private static ObservedCluster pods(int n) {
    return new ObservedCluster(Optional.empty(), n);
  }
}
