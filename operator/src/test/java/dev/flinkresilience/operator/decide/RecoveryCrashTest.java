package dev.flinkresilience.operator.decide;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.ObjectMapper;
import dev.flinkresilience.operator.api.v1alpha1.FlinkResilientJobStatus;
import dev.flinkresilience.operator.api.v1alpha1.Incident;
import dev.flinkresilience.operator.decide.ObservedCluster.JobManagerDeployment;
import dev.flinkresilience.operator.report.StatusReporter;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * Crash safety (issue 4, item 4): a JobManager is lost without HA and the job is redeployed. The
 * operator is killed after acting but before writing status, at each pass of the recovery in turn;
 * the next operator must finish the same attempt: one cluster deployed once, from checkpoint 12,
 * the budget counted once, and the incident closed as recovered.
 */
class RecoveryCrashTest {
  private static final ObjectMapper COPY = new ObjectMapper();

  @ParameterizedTest(name = "crash after pass {0}")
  @ValueSource(ints = {-1, 0, 1, 2, 3, 4, 5, 6})
  void theNextOperatorFinishesTheSameAttempt(int crashAfterPass) {
    RecoveryWorld w = new RecoveryWorld();
    w.replacePod("orders-jm", null); // the JobManager is lost; no HA
    FlinkResilientJobStatus stored = w.status;
    List<Decision> acted = new ArrayList<>();
    int deploys = 0;
    for (int pass = 0; pass < 12; pass++) {
      w.now = w.now.plusSeconds(1);
      PlanInput in =
          StorageHolds.whatWasRecorded(
              new PlanInput(
                  new DesiredJob(w.spec, w.specHash, 1, "uid"),
                  List.of(),
                  copy(stored),
                  new ObservedCluster(
                      Optional.ofNullable(w.jobManager), w.pods.size(), w.pods, w.nodes),
                  w.ha,
                  w.now));
      Decision d = LifecyclePlanner.decide(in);
      acted.add(d);
      // Act, as the cluster would see it.
      if (d instanceof Decision.TearDownForRecovery) {
        w.jobManager = null; // the API server deletes the Deployment and the pods at once
        w.pods.clear();
      } else if (d instanceof Decision.Deploy deploy) {
        deploys++;
        assertThat(deploy.restoreFrom().checkpointId()).isEqualTo(12);
        assertThat(deploy.jobId()).isEqualTo(RecoveryWorld.JOB_ID);
        Incident incident = in.status().getRecovery().getCurrent();
        w.jobManager =
            new JobManagerDeployment(
                w.specHash,
                deploy.serial(),
                deploy.jobId(),
                1,
                false,
                RecoveryAttempts.of(incident));
        w.pods.add(RecoveryWorld.pod("orders-jm-2", PodView.Role.JOB_MANAGER, "node-c"));
      }
      if (pass == crashAfterPass) {
        continue; // killed before its status write: the next operator starts from the old status
      }
      stored = StatusReporter.report("orders", 1, in, d, w.now).status();
      if (w.pods.stream().anyMatch(p -> p.name().equals("orders-jm-2"))
          && stored.getRecovery().getCurrent() != null
          && stored.getRecovery().getCurrent().getRedeployedAt() != null) {
        // The new JobManager answers: RUNNING, restored from the checkpoint it was given.
        stored.setJobState("RUNNING");
        stored.getRecovery().getCurrent().setObservedState("RUNNING");
        stored.setRestoredFrom(RecoveryWorld.checkpoint(12));
      }
    }
    assertThat(deploys).as("deployed once; decisions " + acted).isEqualTo(1);
    assertThat(stored.getRecovery().getCurrent()).as("closed; decisions " + acted).isNull();
    assertThat(stored.getRecovery().getHistory())
        .singleElement()
        .satisfies(
            i -> {
              assertThat(i.getOutcome()).isEqualTo("Recovered");
              assertThat(i.getRestoredCheckpointId()).isEqualTo(12);
            });
    assertThat(stored.getRecovery().getRedeploys()).as("budget counted once").hasSize(1);
  }

  /**
   * Chaos scenario 9 as it went wrong once: the operator is killed right after it began tearing the
   * cluster down, the next one deploys the same attempt, and then the new JobManager Deployment
   * vanishes without the operator deleting it (Flink's application mode deletes its own Deployment,
   * by name, when the application fails, e.g. on restore). Each vanished cluster was deployed again
   * under the same attempt, every few seconds and without end: the attempt's clock (redeployedAt)
   * restarted with each deploy and was only consulted while the stamped Deployment existed, so
   * haRecoveryTimeout never ran out and the budget was never charged. An attempt's clock runs from
   * its first deploy: once it is out, the attempt escalates (a new attempt, counted), and the
   * deploys of one attempt stop.
   */
  @Test
  void aRedeployThatKeepsVanishingIsNotRedeployedUnderTheSameAttemptForever() {
    RecoveryWorld w = new RecoveryWorld();
    w.replacePod("orders-jm", null); // the JobManager is lost; no HA
    FlinkResilientJobStatus stored = w.status;
    Duration timeout = Duration.parse("PT" + w.spec.getRecovery().getHaRecoveryTimeout());
    List<String> deploys = new ArrayList<>();
    List<Decision> acted = new ArrayList<>();
    Instant firstDeploy = null;
    boolean crashed = false;
    for (int pass = 0; pass < 120; pass++) { // 10 minutes, a pass every 5 s
      w.now = w.now.plusSeconds(5);
      // Since the last pass, the redeployed application failed and its JobManager deleted its own
      // Deployment (the ReplicaSet and the pods went with it). The operator deleted nothing.
      if (w.jobManager != null && w.jobManager.recoveryAttempt() != null) {
        w.jobManager = null;
        w.pods.clear();
      }
      PlanInput in =
          StorageHolds.whatWasRecorded(
              new PlanInput(
                  new DesiredJob(w.spec, w.specHash, 1, "uid"),
                  List.of(),
                  copy(stored),
                  new ObservedCluster(
                      Optional.ofNullable(w.jobManager), w.pods.size(), w.pods, w.nodes),
                  w.ha,
                  w.now));
      Decision d = LifecyclePlanner.decide(in);
      acted.add(d);
      if (d instanceof Decision.TearDownForRecovery) {
        w.jobManager = null;
        w.pods.clear();
        if (!crashed) {
          crashed = true;
          continue; // killed right after tearing down: the next operator starts from the old status
        }
      } else if (d instanceof Decision.Deploy deploy) {
        String attempt = RecoveryAttempts.of(in.status().getRecovery().getCurrent());
        deploys.add(attempt + "@" + w.now);
        firstDeploy = firstDeploy == null ? w.now : firstDeploy;
        w.jobManager =
            new JobManagerDeployment(
                w.specHash, deploy.serial(), deploy.jobId(), 0, false, attempt);
        w.pods.add(RecoveryWorld.pod("orders-jm-" + pass, PodView.Role.JOB_MANAGER, "node-c"));
      }
      stored = StatusReporter.report("orders", 1, in, d, w.now).status();
    }
    Instant deadline = firstDeploy.plus(timeout);
    assertThat(deploys)
        .as("no deploy of attempt 1/1 after its haRecoveryTimeout; deploys " + deploys)
        .filteredOn(s -> s.startsWith("1/1@"))
        .allMatch(s -> !Instant.parse(s.substring(4)).isAfter(deadline));
    assertThat(acted)
        .as("the vanished attempt escalates, or recovery gives up; decisions " + names(acted))
        .anyMatch(d -> d instanceof Decision.Escalate || d instanceof Decision.GiveUp);
    assertThat(stored.getRecovery().getRedeploys())
        .as("each attempt charged to the budget")
        .hasSizeGreaterThan(1);
  }

  private static List<String> names(List<Decision> decisions) {
    return decisions.stream().map(d -> d.getClass().getSimpleName()).toList();
  }

  private static FlinkResilientJobStatus copy(FlinkResilientJobStatus s) {
    return COPY.convertValue(s, FlinkResilientJobStatus.class);
  }
}
