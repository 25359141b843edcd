package dev.flinkresilience.operator.report;

import static org.assertj.core.api.Assertions.assertThat;

import dev.flinkresilience.operator.api.v1alpha1.CheckpointRef;
import dev.flinkresilience.operator.api.v1alpha1.DeploymentRecord;
import dev.flinkresilience.operator.api.v1alpha1.FlinkResilientJobStatus;
import dev.flinkresilience.operator.api.v1alpha1.Incident;
import dev.flinkresilience.operator.api.v1alpha1.Phase;
import dev.flinkresilience.operator.decide.Decision;
import dev.flinkresilience.operator.decide.Decision.RecoveryAction;
import dev.flinkresilience.operator.decide.Decision.ReleasePods;
import dev.flinkresilience.operator.decide.DesiredJob;
import dev.flinkresilience.operator.decide.HaStoreView;
import dev.flinkresilience.operator.decide.ObservedCluster;
import dev.flinkresilience.operator.decide.ObservedCluster.JobManagerDeployment;
import dev.flinkresilience.operator.decide.PlanInput;
import dev.flinkresilience.operator.decide.PodView;
import dev.flinkresilience.operator.decide.RecoveryPlanner;
import dev.flinkresilience.operator.decide.Signal;
import dev.flinkresilience.operator.testing.Jobs;
import io.fabric8.kubernetes.api.model.Condition;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;

/** What each recovery step writes to status and which events it emits. */
class RecoveryReportTest {
  private static final Instant T0 = Instant.parse("2026-11-21T12:00:00Z");
  private final DesiredJob desired = new DesiredJob(Jobs.validSpec(), "h1", 1, "uid");

  @Test
  void anIncidentIsWrittenWithItsDetectionTimeBeforeAnythingIsDone() {
    var status = running();
    var signal =
        new Signal(
            Signal.Reason.NODE_LOST,
            "node-a silent",
            "node-a",
            "orders-jm",
            T0.minusSeconds(21),
            true);
    Report r = report(status, new Decision.OpenIncident(signal, RecoveryAction.REDEPLOY), T0);

    Incident i = r.status().getRecovery().getCurrent();
    assertThat(i.getId()).isEqualTo(1);
    assertThat(i.getReason()).isEqualTo("NodeLost");
    assertThat(i.getNode()).isEqualTo("node-a");
    assertThat(i.getDetectionSeconds()).isEqualTo(21.0);
    assertThat(i.getAction()).isEqualTo("Redeploy");
    assertThat(i.getTargetCheckpointId()).isEqualTo(12);
    assertThat(r.status().getRecovery().getRedeploys()).containsExactly(T0.toString());
    assertThat(r.status().getRecovery().getRedeploysInWindow()).isEqualTo(1);
    assertThat(r.status().getPhase()).isEqualTo(Phase.RECOVERING);
    assertThat(r.status().getJobState()).as("the last state Flink reported").isEqualTo("RUNNING");
    assertThat(i.getObservedState()).as("nothing seen since the incident began").isNull();
    assertThat(condition(r, "Degraded").getReason()).isEqualTo("NodeLost");
    assertThat(condition(r, "Ready").getStatus()).isEqualTo("False");
    assertThat(r.events()).extracting(EventSpec::reason).containsExactly("NodeLost");
  }

  @Test
  void aNodeLossIsDetectedWhenTheNodeWatchJudgedItAndOpenedByThePass() {
    var signal =
        new Signal(
            Signal.Reason.NODE_LOST,
            "node-a silent",
            "node-a",
            "orders-jm",
            T0.minusSeconds(31),
            false,
            T0.minusSeconds(11));
    Incident i =
        report(running(), new Decision.OpenIncident(signal, RecoveryAction.VERIFY), T0)
            .status()
            .getRecovery()
            .getCurrent();
    assertThat(i.getDetectedAt()).isEqualTo(T0.minusSeconds(11).toString());
    assertThat(i.getDetectionSeconds()).isEqualTo(20.0);
    assertThat(i.getOpenedAt()).as("the pass, 11 s later in the queue").isEqualTo(T0.toString());

    var early =
        new Signal(
            Signal.Reason.NODE_LOST,
            "x",
            "node-a",
            null,
            T0.minusSeconds(31),
            false,
            T0.plusSeconds(1));
    assertThat(
            report(running(), new Decision.OpenIncident(early, RecoveryAction.VERIFY), T0)
                .status()
                .getRecovery()
                .getCurrent()
                .getDetectedAt())
        .as("never after the pass that opens it")
        .isEqualTo(T0.toString());
  }

  @Test
  void anIncidentOpenedAfterFlinkRecoveredByItselfTargetsItsRestoreNotItsNewCheckpoints() {
    // The standby took the lock over, restored 4 and checkpointed up to 12 before the node's loss
    // was seen: 12 is the recovered job's own, and no restore could ever reach it.
    var status = running();
    status.getLatestCheckpoint().setCompletedAt(T0.minusSeconds(2).toString());
    var restored = ref(4);
    restored.setRestoredAt(T0.minusSeconds(15).toString());
    status.setRestoredFrom(restored);
    var signal =
        new Signal(
            Signal.Reason.NODE_LOST,
            "node-a silent",
            "node-a",
            "orders-jm",
            T0.minusSeconds(29),
            false);
    Report r = report(status, new Decision.OpenIncident(signal, RecoveryAction.VERIFY), T0);

    assertThat(r.status().getRecovery().getCurrent().getTargetCheckpointId()).isEqualTo(4);
  }

  @Test
  void keepingTheJobManagerOffTheNodeFirstReleasesNothingAndSaysWhy() {
    var status = running();
    nodeLostIncident(status, 1);

    Report r =
        report(
            status,
            ReleasePods.keepingOffFirst("node-a", List.of(), RecoveryPlanner.KEEP_OFF_FIRST),
            T0);

    assertThat(r.status().getRecovery().getCurrent().getReleasedPods()).isEmpty();
    assertThat(r.status().getRecovery().getCurrent().getJobManagerReleasedAt())
        .as("nothing released yet")
        .isNull();
    assertThat(r.events()).extracting(EventSpec::reason).containsExactly("KeptOffNode");
    assertThat(r.events().get(0).message())
        .isEqualTo(
            "kept the JobManager Deployment off lost node node-a first; its pod there goes once"
                + " the Deployment controller has taken that");
  }

  @Test
  void releasingTheJobManagerOpensTheVerificationWindowOnce() {
    var status = running();
    nodeLostIncident(status, 20);

    Report first =
        report(status, new ReleasePods("node-a", List.of("orders-jm"), true, null, null), T0);
    assertThat(first.status().getRecovery().getCurrent().getJobManagerReleasedAt())
        .isEqualTo(T0.toString());

    // Its replacement landed on the node too and is released again: the window stays.
    Report again =
        report(
            first.status(),
            new ReleasePods("node-a", List.of("orders-jm-2"), true, null, null),
            T0.plusSeconds(5));
    assertThat(again.status().getRecovery().getCurrent().getJobManagerReleasedAt())
        .isEqualTo(T0.toString());

    var other = running();
    nodeLostIncident(other, 20);
    Report taskManager = report(other, new ReleasePods("node-a", List.of("orders-tm"), false), T0);
    assertThat(taskManager.status().getRecovery().getCurrent().getJobManagerReleasedAt())
        .as("only a TaskManager released: Flink's JobManager was never held back")
        .isNull();
  }

  @Test
  void closingMovesTheIncidentToHistoryWithItsRecoveryTime() {
    var status = running();
    Incident open = new Incident();
    open.setId(3L);
    open.setReason("JobManagerLost");
    open.setDetectedAt(T0.minusSeconds(38).toString());
    status.getRecovery().setCurrent(open);
    status.setRestoredFrom(ref(12));

    Report r = report(status, new Decision.CloseIncident("Flink recovered"), T0);

    assertThat(r.status().getRecovery().getCurrent()).isNull();
    Incident closed = r.status().getRecovery().getHistory().get(0);
    assertThat(closed.getOutcome()).isEqualTo("Recovered");
    assertThat(closed.getRecoverySeconds()).isEqualTo(38.0);
    assertThat(closed.getRestoredCheckpointId()).isEqualTo(12);
    assertThat(r.status().getDeployment().getJobManagerPod())
        .as("the serving JobManager is the one watched next")
        .isEqualTo("orders-jm-2");
    assertThat(r.status().getPhase()).isEqualTo(Phase.RUNNING);
    assertThat(condition(r, "Degraded").getStatus()).isEqualTo("False");
    assertThat(r.events()).extracting(EventSpec::reason).containsExactly("Recovered");
  }

  @Test
  void givingUpFailsTheJobUntilTheSpecChanges() {
    var signal = new Signal(Signal.Reason.JOB_FAILED, "FAILED", null, null, T0, true);
    Report r = report(running(), new Decision.GiveUp(signal, "budget spent"), T0);
    assertThat(r.status().getPhase()).isEqualTo(Phase.FAILED);
    assertThat(r.status().getRecovery().getBudgetExhaustedAt()).isEqualTo("h1");
    assertThat(r.status().getRecovery().getHistory())
        .singleElement()
        .extracting(Incident::getOutcome)
        .isEqualTo("GaveUp");
    assertThat(condition(r, "Degraded").getReason()).isEqualTo("RecoveryBudgetExhausted");
    assertThat(r.events()).extracting(EventSpec::reason).containsExactly("RecoveryBudgetExhausted");

    Report later = report(r.status(), new Decision.Steady(), T0.plusSeconds(60));
    assertThat(later.status().getPhase()).as("stays Failed").isEqualTo(Phase.FAILED);
  }

  @Test
  void historyKeepsTheLastTen() {
    var status = running();
    for (int n = 1; n <= 12; n++) {
      Incident i = new Incident();
      i.setId((long) n);
      i.setReason("TaskManagerLost");
      i.setDetectedAt(T0.toString());
      status.getRecovery().setCurrent(i);
      status = report(status, new Decision.CloseIncident("ok"), T0).status();
    }
    assertThat(status.getRecovery().getHistory())
        .extracting(Incident::getId)
        .startsWith(3L)
        .endsWith(12L)
        .hasSize(10);
  }

  @Test
  void redeploysLeaveTheWindow() {
    var status = running();
    status.getRecovery().getRedeploys().add(T0.minusSeconds(2 * 3600).toString());
    status.getRecovery().getRedeploys().add(T0.minusSeconds(60).toString());
    Report r = report(status, new Decision.Steady(), T0);
    assertThat(r.status().getRecovery().getRedeploys())
        .containsExactly(T0.minusSeconds(60).toString());
    assertThat(r.status().getRecovery().getRedeploysInWindow()).isEqualTo(1);
  }

  @Test
  void stalledCheckpointsDegradeTheJobWithOneWarning() {
    desired.spec().getRecovery().setCheckpointStallAfter("5m");
    var status = running();
    status.getLatestCheckpoint().setCompletedAt(T0.minusSeconds(301).toString());
    Report first = report(status, new Decision.Steady(), T0);
    assertThat(condition(first, "Degraded").getReason()).isEqualTo("CheckpointsStalled");
    assertThat(first.events()).extracting(EventSpec::reason).containsExactly("CheckpointsStalled");
    Report again = report(first.status(), new Decision.Steady(), T0.plusSeconds(30));
    assertThat(again.events()).as("said once").isEmpty();

    var fresh = running();
    fresh.getLatestCheckpoint().setCompletedAt(T0.minusSeconds(60).toString());
    assertThat(condition(report(fresh, new Decision.Steady(), T0), "Degraded").getStatus())
        .isEqualTo("False");
  }

  private Report report(FlinkResilientJobStatus status, Decision d, Instant now) {
    var jm = new JobManagerDeployment("h1", 1L, "job", 1, false);
    var pod =
        new PodView(
            "orders-jm-2",
            PodView.Role.JOB_MANAGER,
            "node-c",
            "Running",
            true,
            null,
            null,
            null,
            T0);
    var in =
        new PlanInput(
            desired,
            List.of(),
            status,
            new ObservedCluster(Optional.of(jm), 1, List.of(pod), Map.of()),
            HaStoreView.noHa(),
            now);
    return StatusReporter.report("orders", 1, in, d, now);
  }

  /** Opens NodeLost incident 1 in {@code status}, detected {@code secondsAgo} before T0. */
  private static void nodeLostIncident(FlinkResilientJobStatus status, long secondsAgo) {
    Incident open = new Incident();
    open.setId(1L);
    open.setReason("NodeLost");
    open.setDetectedAt(T0.minusSeconds(secondsAgo).toString());
    status.getRecovery().setCurrent(open);
  }

  private static FlinkResilientJobStatus running() {
    var s = new FlinkResilientJobStatus();
    s.setPhase(Phase.RUNNING);
    s.setJobState("RUNNING");
    var d = new DeploymentRecord();
    d.setSerial(1L);
    d.setSpecHash("h1");
    d.setJobId("job");
    d.setJobManagerPod("orders-jm-1");
    s.setDeployment(d);
    s.setLatestCheckpoint(ref(12));
    return s;
  }

  private static CheckpointRef ref(long id) {
    var r = new CheckpointRef();
    r.setId(id);
    r.setPath("s3://b/cp/job/chk-" + id);
    return r;
  }

  private static Condition condition(Report r, String type) {
    return r.status().getConditions().stream()
        .filter(c -> type.equals(c.getType()))
        .findFirst()
        .orElseThrow();
  }
}
