package dev.flinkresilience.operator.decide;

import static org.assertj.core.api.Assertions.assertThat;

import dev.flinkresilience.operator.api.v1alpha1.CheckpointRef;
import dev.flinkresilience.operator.api.v1alpha1.DeploymentRecord;
import dev.flinkresilience.operator.api.v1alpha1.FlinkResilientJobSpec;
import dev.flinkresilience.operator.api.v1alpha1.FlinkResilientJobStatus;
import dev.flinkresilience.operator.api.v1alpha1.JobState;
import dev.flinkresilience.operator.api.v1alpha1.Operation;
import dev.flinkresilience.operator.api.v1alpha1.OperationType;
import dev.flinkresilience.operator.decide.Decision.FinishSuspend;
import dev.flinkresilience.operator.decide.Decision.ReadCheckpointStorage;
import dev.flinkresilience.operator.report.ObservationLedger;
import dev.flinkresilience.operator.testing.Jobs;
import java.time.Instant;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * A suspend records the newest checkpoint that exists once its cluster is gone: status may lag the
 * storage, and a checkpoint deleted by hand while suspended must then be refused at resume
 * (LifecycleScenariosTest without HA resumed from an older one before).
 */
class SuspendRecordsStorageTest {
  private static final String JOB_ID = "0123456789abcdef0123456789abcdef";
  private static final String CHECKPOINTS = "file:///cp";

  @Test
  void aSuspendReadsTheStorageOnceTheClusterIsGone() {
    PlanInput in = suspendedWithClusterGone(CheckpointStorageView.notRead());

    var decision = LifecyclePlanner.decide(in);

    assertThat(decision).isInstanceOf(ReadCheckpointStorage.class);
    assertThat(((ReadCheckpointStorage) decision).query().jobDirectory())
        .isEqualTo(CheckpointPaths.jobDirectory(CHECKPOINTS, JOB_ID));
  }

  @Test
  void thenItFinishesWithTheNewestCheckpointFoundWhichRaisesTheRecord() {
    FlinkCheckpoint chk2 = FlinkCheckpoint.at(2, CHECKPOINTS + "/" + JOB_ID + "/chk-2", null);
    FlinkCheckpoint chk3 = FlinkCheckpoint.at(3, CHECKPOINTS + "/" + JOB_ID + "/chk-3", null);
    PlanInput probe = suspendedWithClusterGone(CheckpointStorageView.notRead());
    StorageQuery query = ((ReadCheckpointStorage) LifecyclePlanner.decide(probe)).query();
    var checked = new java.util.HashMap<String, Boolean>();
    query.paths().forEach(p -> checked.put(p, true));
    PlanInput in =
        suspendedWithClusterGone(
            new CheckpointStorageView(
                CheckpointStorageView.State.READ,
                query.jobDirectory(),
                List.of(chk2, chk3),
                checked,
                null));

    var decision = LifecyclePlanner.decide(in);

    assertThat(decision).isEqualTo(new FinishSuspend(chk3));
    FlinkResilientJobStatus next = in.status();
    ObservationLedger.raiseFromStorage(next, chk3);
    assertThat(next.getLatestCheckpoint().getId()).isEqualTo(3L);
    assertThat(next.getLatestCheckpoint().getSource()).isEqualTo("storage");
    ObservationLedger.raiseFromStorage(next, chk2);
    assertThat(next.getLatestCheckpoint().getId()).as("never lowered").isEqualTo(3L);
  }

  private static PlanInput suspendedWithClusterGone(CheckpointStorageView storage) {
    FlinkResilientJobSpec spec = Jobs.validSpec();
    spec.getJob().setState(JobState.SUSPENDED);
    spec.getCheckpointing().setDirectory(CHECKPOINTS);
    var status = new FlinkResilientJobStatus();
    var deployment = new DeploymentRecord();
    deployment.setSerial(1L);
    deployment.setSpecHash("h");
    deployment.setJobId(JOB_ID);
    status.setDeployment(deployment);
    status.setJobId(JOB_ID);
    var recorded = new CheckpointRef();
    recorded.setId(1L);
    recorded.setPath(CHECKPOINTS + "/" + JOB_ID + "/chk-1");
    status.setLatestCheckpoint(recorded);
    var op = new Operation();
    op.setType(OperationType.SUSPEND);
    status.setOperation(op);
    return new PlanInput(
            new DesiredJob(spec, "h", 1, "uid"),
            List.of(),
            status,
            ObservedCluster.none(),
            HaStoreView.noHa(),
            Instant.EPOCH)
        .withStorage(storage);
  }
}
