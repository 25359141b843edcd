package dev.flinkresilience.operator.reconcile;

import static org.assertj.core.api.Assertions.assertThat;

import dev.flinkresilience.operator.api.v1alpha1.FlinkResilientJobStatus;
import dev.flinkresilience.operator.api.v1alpha1.OperationType;
import dev.flinkresilience.operator.api.v1alpha1.Phase;
import dev.flinkresilience.operator.decide.Decision;
import io.fabric8.kubernetes.api.model.ConditionBuilder;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class PacingTest {
  private static final Duration NEXT_PASS = Duration.ofMillis(100);

  @Test
  void aRecordedIntentIsActedOnInTheNextPassNotAfterTheWaitingInterval() {
    // The act that follows (delete the cluster, release the pods) is what detection latency
    // ends at: DetectionLatency measured 2 s of idle between the two passes before this.
    assertThat(Pacing.after(new Decision.BeginOperation(OperationType.UPGRADE, "x"), Phase.RUNNING))
        .isEqualTo(NEXT_PASS);
    assertThat(
            Pacing.after(
                new Decision.OpenIncident(null, Decision.RecoveryAction.REDEPLOY),
                Phase.RECOVERING))
        .isEqualTo(NEXT_PASS);
    assertThat(Pacing.after(new Decision.Escalate("timeout"), Phase.RECOVERING))
        .isEqualTo(NEXT_PASS);
  }

  @ParameterizedTest(name = "{0} jobs, jitter {1} → {2} ms")
  @CsvSource({
    "1, 0.0, 30000",
    "300, 0.9, 30000",
    "1000, 0.0, 100000",
    "1000, 0.5, 105000",
    "5000, 0.0, 500000",
  })
  void aSteadyJobsResyncIsStretchedSoAllOfThemComeAtTenASecond(
      long jobs, double jitter, long millis) {
    assertThat(Pacing.spreadSteady(Pacing.STEADY_RESYNC, jobs, jitter))
        .isEqualTo(Duration.ofMillis(millis));
  }

  @Test
  void onlyTheSteadyResyncIsStretched() {
    assertThat(Pacing.spreadSteady(NEXT_PASS, 5000, 0.5)).isEqualTo(NEXT_PASS);
    assertThat(Pacing.spreadSteady(Duration.ofMinutes(2), 5000, 0.5))
        .as("a job not running: its own pace")
        .isEqualTo(Duration.ofMinutes(2));
  }

  @Test
  void waitingStepsAreNotHurried() {
    assertThat(Pacing.after(new Decision.AwaitRecovery("w", false), Phase.RECOVERING))
        .isEqualTo(Duration.ofSeconds(2));
    assertThat(Pacing.after(new Decision.Steady(), Phase.RUNNING))
        .isEqualTo(Duration.ofSeconds(30));
  }

  @Test
  void aNameTakenIsLookedAtAgainLaterSinceNoEventSaysWhenItIsFreed() {
    assertThat(
            Pacing.after(
                new Decision.NameTaken(Decision.DeployReason.INITIAL, List.of("x")), Phase.PENDING))
        .isEqualTo(Duration.ofSeconds(30));
  }

  /** How long the job has been refused so far, and when it is tried again. */
  @ParameterizedTest(name = "refused for {0} s: again after {1} s")
  @CsvSource({
    "-1, 5", // just refused: no Degraded condition yet
    "0, 5",
    "9, 5",
    "30, 15",
    "120, 60",
    "600, 300",
    "7200, 300",
  })
  void anObjectTheApiServerRefusedIsTriedAgainWithBackOff(long refusedFor, long retryAfter) {
    Instant now = Instant.parse("2026-12-05T22:00:00Z");
    var status = new FlinkResilientJobStatus();
    status.setPhase(Phase.PENDING);
    if (refusedFor >= 0) {
      status.setConditions(
          List.of(
              new ConditionBuilder()
                  .withType("Degraded")
                  .withStatus("True")
                  .withReason("ObjectRefused")
                  .withLastTransitionTime(now.minusSeconds(refusedFor).toString())
                  .build()));
    }
    var refused =
        new Decision.ObjectRefused(
            Decision.DeployReason.INITIAL, "Service streaming/orders-rest", 403, "exceeded quota");

    assertThat(Pacing.after(refused, status, now)).isEqualTo(Duration.ofSeconds(retryAfter));
  }
}
