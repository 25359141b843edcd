package dev.flinkresilience.operator.report;

import static org.assertj.core.api.Assertions.assertThat;

import dev.flinkresilience.operator.api.v1alpha1.CheckpointRef;
import dev.flinkresilience.operator.api.v1alpha1.FlinkResilientJobStatus;
import dev.flinkresilience.operator.api.v1alpha1.Operation;
import dev.flinkresilience.operator.api.v1alpha1.OperationType;
import dev.flinkresilience.operator.api.v1alpha1.Phase;
import dev.flinkresilience.operator.decide.Decision;
import dev.flinkresilience.operator.decide.DesiredJob;
import dev.flinkresilience.operator.decide.HaStoreView;
import dev.flinkresilience.operator.decide.ObservedCluster;
import dev.flinkresilience.operator.decide.ObservedCluster.JobManagerDeployment;
import dev.flinkresilience.operator.decide.PlanInput;
import dev.flinkresilience.operator.decide.RestorePoint;
import dev.flinkresilience.operator.testing.Jobs;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;

/** What each step of a stop with a savepoint writes to status, and says. */
class SavepointReportTest {
  private static final Instant T0 = Instant.parse("2026-11-21T08:00:00Z");
  private static final String TRIGGER = "0123456789abcdef0123456789abcdef";
  private static final String SP = "s3://b/savepoints/savepoint-1-2";
  private final DesiredJob desired = new DesiredJob(Jobs.validSpec(), "h1", 4, "uid");

  @Test
  void theTriggerIdIsWrittenBeforeAnythingIsSent() {
    Report r =
        report(upgrading(), new Decision.RecordSavepointTrigger(OperationType.UPGRADE, TRIGGER));
    assertThat(r.status().getOperation().getSavepointTriggerId()).isEqualTo(TRIGGER);
    assertThat(r.status().getOperation().getSavepointTriggeredAt()).isEqualTo(T0.toString());
    assertThat(r.status().getPhase()).isEqualTo(Phase.DEPLOYING);
    assertThat(r.events()).extracting(EventSpec::reason).containsExactly("StoppingWithSavepoint");
  }

  @Test
  void theCompletedSavepointIsRecordedWithTimeAndReason() {
    Report r = report(upgrading(), new Decision.SavepointTaken(OperationType.UPGRADE, SP));
    CheckpointRef last = r.status().getFinalSavepoint();
    assertThat(last.getPath()).isEqualTo(SP);
    assertThat(last.getCompletedAt()).isEqualTo(T0.toString());
    assertThat(last.getSource()).isEqualTo(RestorePoint.STOP_WITH_SAVEPOINT);
    assertThat(last.getTriggerReason()).isEqualTo("Upgrade: spec changed");
    assertThat(r.status().getLatestSavepoint().getPath()).isEqualTo(SP);
    assertThat(r.status().getOperation().getSavepointPath()).isEqualTo(SP);
    assertThat(r.events()).extracting(EventSpec::reason).containsExactly("SavepointTaken");
  }

  @Test
  void aFallbackIsAWarningAndStaysInTheOperation() {
    Report r =
        report(
            upgrading(),
            new Decision.DeleteCluster(OperationType.UPGRADE, "the job is FAILING, not RUNNING"));
    assertThat(r.status().getOperation().getFallback())
        .isEqualTo("the job is FAILING, not RUNNING");
    assertThat(r.status().getMessage())
        .contains("without a savepoint (last-state): the job is FAILING, not RUNNING");
    assertThat(r.events())
        .extracting(EventSpec::reason)
        .containsExactly(SavepointReport.FALLBACK, "DeletingCluster");
    assertThat(r.events().get(0).type()).isEqualTo(EventSpec.Type.Warning);
  }

  @Test
  void aDeploymentFromTheFinalSavepointDropsOlderCheckpointsFromTheRecord() {
    FlinkResilientJobStatus s = upgrading();
    var last = new CheckpointRef();
    last.setPath(SP);
    s.setFinalSavepoint(last);
    var cp = new CheckpointRef();
    cp.setId(40L);
    cp.setPath("s3://b/cp/job/chk-40");
    s.setLatestCheckpoint(cp);
    Report r =
        StatusReporter.report(
            "orders",
            4,
            new PlanInput(desired, List.of(), s, ObservedCluster.none(), HaStoreView.noHa(), T0),
            new Decision.Deploy(
                Decision.DeployReason.UPGRADE, 3, "job-3", RestorePoint.finalSavepoint(SP)),
            T0);
    assertThat(r.status().getFinalSavepoint()).isNull();
    assertThat(r.status().getLatestCheckpoint()).isNull();
    assertThat(r.status().getOperation()).isNull();
    assertThat(r.status().getRestoredFrom().getPath()).isEqualTo(SP);
    assertThat(r.status().getRestoredFrom().getSource())
        .isEqualTo(RestorePoint.STOP_WITH_SAVEPOINT);
  }

  private static FlinkResilientJobStatus upgrading() {
    var s = new FlinkResilientJobStatus();
    var op = new Operation();
    op.setType(OperationType.UPGRADE);
    op.setReason("spec changed");
    op.setStartedAt(T0.minusSeconds(5).toString());
    s.setOperation(op);
    s.setJobId("job-2");
    s.setPhase(Phase.DEPLOYING);
    return s;
  }

  private Report report(FlinkResilientJobStatus status, Decision decision) {
    var cluster =
        new ObservedCluster(Optional.of(new JobManagerDeployment("h0", 2L, "job-2", 1, false)), 3);
    return StatusReporter.report(
        "orders",
        4,
        new PlanInput(desired, List.of(), status, cluster, HaStoreView.noHa(), T0),
        decision,
        T0);
  }
}
