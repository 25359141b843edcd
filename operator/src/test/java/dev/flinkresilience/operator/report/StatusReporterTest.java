package dev.flinkresilience.operator.report;

import static org.assertj.core.api.Assertions.assertThat;

import dev.flinkresilience.operator.api.v1alpha1.FlinkResilientJobStatus;
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
import io.fabric8.kubernetes.api.model.Condition;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;

class StatusReporterTest {
  private static final HaStoreView NO_HA = HaStoreView.noHa();
  private static final Instant T0 = Instant.parse("2026-11-21T08:00:00Z");
  private static final Instant T1 = T0.plusSeconds(30);
  private final DesiredJob desired = new DesiredJob(Jobs.validSpec(), "h1", 4, "uid");

  @Test
  void deployRecordsTheDeploymentAndIsProgressing() {
    var deploy =
        new Decision.Deploy(
            Decision.DeployReason.INITIAL, 1, "job-1", new RestorePoint("s3://b/sp", 5L, "user"));
    Report r = report(input(new FlinkResilientJobStatus(), ObservedCluster.none()), deploy, T0);

    assertThat(r.status().getPhase()).isEqualTo(Phase.DEPLOYING);
    assertThat(r.status().getDeployment().getJobId()).isEqualTo("job-1");
    assertThat(r.status().getDeployment().getSerial()).isEqualTo(1L);
    assertThat(r.status().getDeployment().getSpecHash()).isEqualTo("h1");
    assertThat(r.status().getDeployment().getRestorePath()).isEqualTo("s3://b/sp");
    assertThat(r.status().getRestoredFrom().getId()).isEqualTo(5L);
    // A redacted copy (Redaction): equal field by field here, where nothing looks like a
    // credential.
    assertThat(r.status().getDeployedSpec()).usingRecursiveComparison().isEqualTo(desired.spec());
    assertThat(r.status().getObservedGeneration()).isEqualTo(4);
    assertThat(cond(r, "Ready").getStatus()).isEqualTo("False");
    assertThat(cond(r, "Progressing").getStatus()).isEqualTo("True");
    assertThat(cond(r, "Progressing").getReason()).isEqualTo("Deploying");
    assertThat(r.events()).extracting(EventSpec::reason).containsExactly("Deploying");
  }

  @Test
  void availableJobManagerMakesItReadyOnceAndKeepsTransitionTime() {
    var first =
        report(input(new FlinkResilientJobStatus(), available()), new Decision.Steady(), T0);
    assertThat(first.status().getPhase()).isEqualTo(Phase.RUNNING);
    assertThat(cond(first, "Ready").getStatus()).isEqualTo("True");
    assertThat(first.events()).extracting(EventSpec::reason).containsExactly("Running");

    var second = report(input(first.status(), available()), new Decision.Steady(), T1);
    assertThat(cond(second, "Ready").getLastTransitionTime()).isEqualTo(T0.toString());
    assertThat(cond(second, "Ready").getObservedGeneration()).isEqualTo(4);
    assertThat(second.events()).isEmpty();
    assertThat(second.status().getConditions()).isEqualTo(first.status().getConditions());
  }

  @Test
  void invalidSpecIsReadyFalseWithTheFieldsAndOneWarning() {
    var running =
        report(input(new FlinkResilientJobStatus(), available()), new Decision.Steady(), T0);
    var reject = new Decision.RejectSpec(List.of("spec.checkpointing.interval: bad"));
    var in = new PlanInput(null, reject.violations(), running.status(), available(), NO_HA, T0);

    Report first = StatusReporter.report("orders", 5, in, reject, T1);
    assertThat(cond(first, "Ready").getStatus()).isEqualTo("False");
    assertThat(cond(first, "Ready").getReason()).isEqualTo("InvalidSpec");
    assertThat(cond(first, "Ready").getMessage()).contains("spec.checkpointing.interval");
    assertThat(first.status().getPhase()).as("the cluster keeps running").isEqualTo(Phase.RUNNING);
    assertThat(first.events())
        .singleElement()
        .satisfies(
            e -> {
              assertThat(e.type()).isEqualTo(EventSpec.Type.Warning);
              assertThat(e.reason()).isEqualTo("InvalidSpec");
              assertThat(e.message()).contains("keeps its last valid spec");
            });

    var again = new PlanInput(null, reject.violations(), first.status(), available(), NO_HA, T0);
    assertThat(StatusReporter.report("orders", 5, again, reject, T1.plusSeconds(60)).events())
        .as("the same problem is reported once, not every pass")
        .isEmpty();
  }

  @Test
  void aNameTakenIsReadyFalseNamingTheObjectWithOneWarningAndNothingRecorded() {
    var upgrading =
        report(
            input(new FlinkResilientJobStatus(), available()),
            new Decision.BeginOperation(OperationType.UPGRADE, "spec changed"),
            T0);
    var taken =
        new Decision.NameTaken(
            Decision.DeployReason.UPGRADE, List.of("Service streaming/orders-rest (no owner)"));

    Report first = report(input(upgrading.status(), ObservedCluster.none()), taken, T1);
    String message =
        "Not deploying (upgrade): Service streaming/orders-rest (no owner) exists and is not"
            + " owned by this FlinkResilientJob: delete or rename it, or rename the job";
    assertThat(first.status().getMessage()).isEqualTo(message);
    assertThat(cond(first, "Ready").getStatus()).isEqualTo("False");
    assertThat(cond(first, "Ready").getReason()).isEqualTo("NameTaken");
    assertThat(cond(first, "Ready").getMessage()).isEqualTo(message);
    assertThat(cond(first, "Degraded").getStatus()).isEqualTo("True");
    assertThat(cond(first, "Degraded").getReason()).isEqualTo("NameTaken");
    assertThat(cond(first, "Progressing").getStatus()).isEqualTo("False");
    assertThat(cond(first, "Progressing").getReason()).isEqualTo("NameTaken");
    assertThat(first.status().getPhase()).as("no cluster").isEqualTo(Phase.PENDING);
    assertThat(first.status().getOperation())
        .as("the upgrade is still to be done: the next pass deploys again")
        .isNotNull();
    assertThat(first.status().getDeployment()).as("nothing was deployed").isNull();
    assertThat(first.events())
        .singleElement()
        .satisfies(
            e -> {
              assertThat(e.type()).isEqualTo(EventSpec.Type.Warning);
              assertThat(e.reason()).isEqualTo("NameTaken");
              assertThat(e.message()).isEqualTo(message);
            });

    Report again = report(input(first.status(), ObservedCluster.none()), taken, T1.plusSeconds(30));
    assertThat(again.events()).as("reported once, not every pass").isEmpty();
    assertThat(again.status().getConditions()).isEqualTo(first.status().getConditions());

    var two =
        new Decision.NameTaken(
            Decision.DeployReason.INITIAL,
            List.of(
                "Service streaming/orders-rest (no owner)",
                "ConfigMap streaming/flink-config-orders (owned by FlinkResilientJob payments)"));
    assertThat(report(input(first.status(), ObservedCluster.none()), two, T1).status().getMessage())
        .isEqualTo(
            "Not deploying (initial): Service streaming/orders-rest (no owner), ConfigMap"
                + " streaming/flink-config-orders (owned by FlinkResilientJob payments) exist and"
                + " are not owned by this FlinkResilientJob: delete or rename them, or rename the"
                + " job");
  }

  @Test
  void anObjectTheApiServerRefusedIsReportedOnANewJobNamingItAndTheServersAnswer() {
    var refused =
        new Decision.ObjectRefused(
            Decision.DeployReason.INITIAL,
            "Service streaming/orders-rest",
            403,
            "services \"orders-rest\" is forbidden: exceeded quota: services");

    Report first =
        report(input(new FlinkResilientJobStatus(), ObservedCluster.none()), refused, T0);

    String message =
        "Not deploying (initial): the API server refused Service streaming/orders-rest (HTTP 403):"
            + " services \"orders-rest\" is forbidden: exceeded quota: services; retrying";
    assertThat(first.status().getMessage()).isEqualTo(message);
    assertThat(first.status().getPhase()).as("never a job without status").isEqualTo(Phase.PENDING);
    assertThat(cond(first, "Ready").getStatus()).isEqualTo("False");
    assertThat(cond(first, "Ready").getReason()).isEqualTo("ObjectRefused");
    assertThat(cond(first, "Degraded").getStatus()).isEqualTo("True");
    assertThat(cond(first, "Degraded").getReason()).isEqualTo("ObjectRefused");
    assertThat(cond(first, "Progressing").getStatus()).isEqualTo("False");
    assertThat(first.status().getDeployment()).as("nothing recorded as deployed").isNull();
    assertThat(first.events())
        .singleElement()
        .satisfies(
            e -> {
              assertThat(e.type()).isEqualTo(EventSpec.Type.Warning);
              assertThat(e.reason()).isEqualTo("ObjectRefused");
              assertThat(e.message()).isEqualTo(message);
            });

    Report again = report(input(first.status(), ObservedCluster.none()), refused, T1);
    assertThat(again.events()).as("reported once, not every retry").isEmpty();
    assertThat(cond(again, "Degraded").getLastTransitionTime())
        .as("the back-off counts from the first refusal")
        .isEqualTo(cond(first, "Degraded").getLastTransitionTime());
  }

  @Test
  void beginOperationIsWrittenAheadAndFinishClearsIt() {
    var begin = new Decision.BeginOperation(OperationType.SUSPEND, "spec.job.state is suspended");
    Report r = report(input(new FlinkResilientJobStatus(), available()), begin, T0);
    assertThat(r.status().getOperation().getType()).isEqualTo(OperationType.SUSPEND);
    assertThat(r.status().getOperation().getStartedAt()).isEqualTo(T0.toString());
    assertThat(cond(r, "Progressing").getReason()).isEqualTo("Suspending");

    Report done =
        report(input(r.status(), ObservedCluster.none()), new Decision.FinishSuspend(), T1);
    assertThat(done.status().getOperation()).isNull();
    assertThat(done.status().getPhase()).isEqualTo(Phase.SUSPENDED);
    assertThat(cond(done, "Progressing").getStatus()).isEqualTo("False");
  }

  @Test
  void steadyStatusAdoptsTheStampOfTheRunningClusterAfterACrash() {
    var jm = new JobManagerDeployment("h1", 4L, "job-9", 1, false);
    var observed = new ObservedCluster(Optional.of(jm), 2);
    Report r = report(input(new FlinkResilientJobStatus(), observed), new Decision.Steady(), T0);
    assertThat(r.status().getDeployment().getJobId()).isEqualTo("job-9");
    assertThat(r.status().getJobId()).isEqualTo("job-9");
  }

  private Report report(PlanInput in, Decision d, Instant now) {
    return StatusReporter.report("orders", 4, in, d, now);
  }

  private PlanInput input(FlinkResilientJobStatus status, ObservedCluster cluster) {
    return new PlanInput(desired, List.of(), status, cluster, NO_HA, T0);
  }

  private static ObservedCluster available() {
    return new ObservedCluster(
        Optional.of(new JobManagerDeployment("h1", 4L, "job-1", 1, false)), 2);
  }

  private static Condition cond(Report r, String type) {
    return r.status().getConditions().stream()
        .filter(c -> c.getType().equals(type))
        .findFirst()
        .orElseThrow();
  }

  @Test
  void aSuspendedJobSaysWhereItWillResume() {
    var status = new FlinkResilientJobStatus();
    assertThat(StatusReporter.suspendedMessage(status))
        .isEqualTo("Suspended; resumes from the newest checkpoint in storage");
    var savepoint = new dev.flinkresilience.operator.api.v1alpha1.CheckpointRef();
    savepoint.setPath("s3://b/sp/savepoint-1");
    status.setFinalSavepoint(savepoint);
    // After a stop with a savepoint Flink deleted the checkpoints: "checkpoints kept" was wrong.
    assertThat(StatusReporter.suspendedMessage(status))
        .isEqualTo(
            "Suspended; resumes from the savepoint it was stopped with, s3://b/sp/savepoint-1");
  }
}
