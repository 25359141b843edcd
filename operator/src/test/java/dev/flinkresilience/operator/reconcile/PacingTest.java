package dev.flinkresilience.operator.reconcile;

import static org.assertj.core.api.Assertions.assertThat;

import dev.flinkresilience.operator.api.v1alpha1.OperationType;
import dev.flinkresilience.operator.api.v1alpha1.Phase;
import dev.flinkresilience.operator.decide.Decision;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;

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
}
