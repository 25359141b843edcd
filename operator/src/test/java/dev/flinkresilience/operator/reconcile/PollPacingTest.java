package dev.flinkresilience.operator.reconcile;

import static org.assertj.core.api.Assertions.assertThat;

import dev.flinkresilience.operator.api.v1alpha1.FlinkResilientJobStatus;
import dev.flinkresilience.operator.api.v1alpha1.ObservationStatus;
import dev.flinkresilience.operator.api.v1alpha1.Phase;
import java.time.Duration;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

class PollPacingTest {
  private static final Duration STEADY = Duration.ofSeconds(5);
  private static final Duration FAST = Duration.ofSeconds(1);
  private static final PollPacing PACING = new PollPacing(STEADY, FAST);

  @ParameterizedTest(name = "{0}")
  @MethodSource("rows")
  void pollsFastWhileSomethingMoves(
      String situation, Phase phase, String jobState, boolean failing, Duration expected) {
    var status = new FlinkResilientJobStatus();
    status.setPhase(phase);
    status.setJobState(jobState);
    if (failing) {
      var o = new ObservationStatus();
      o.setFailedPolls(1);
      o.setProblem("GET /jobs/x: HTTP 500");
      status.setObservation(o);
    }
    assertThat(PACING.intervalFor(status)).isEqualTo(expected);
  }

  static Stream<Arguments> rows() {
    return Stream.of(
        Arguments.of("deploying", Phase.DEPLOYING, null, false, FAST),
        Arguments.of("deploying, job already RUNNING", Phase.DEPLOYING, "RUNNING", false, FAST),
        Arguments.of("recovering", Phase.RECOVERING, "RUNNING", false, FAST),
        Arguments.of("running, job state not known yet", Phase.RUNNING, null, false, FAST),
        Arguments.of("running, job RESTARTING", Phase.RUNNING, "RESTARTING", false, FAST),
        Arguments.of("running, job INITIALIZING", Phase.RUNNING, "INITIALIZING", false, FAST),
        Arguments.of("running, polls failing", Phase.RUNNING, "RUNNING", true, FAST),
        Arguments.of("running, job RUNNING, polls fine", Phase.RUNNING, "RUNNING", false, STEADY));
  }

  @Test
  void callTimeoutIsTheFastIntervalButNeverBelowThreeSeconds() {
    assertThat(new PollPacing(STEADY, Duration.ofMillis(100)).callTimeout())
        .isEqualTo(Duration.ofSeconds(3));
    assertThat(new PollPacing(STEADY, Duration.ofSeconds(3)).callTimeout())
        .isEqualTo(Duration.ofSeconds(3));
    assertThat(new PollPacing(Duration.ofSeconds(30), Duration.ofSeconds(10)).callTimeout())
        .isEqualTo(Duration.ofSeconds(10));
    assertThat(PollPacing.DEFAULT.callTimeout()).isEqualTo(Duration.ofSeconds(3));
  }
}
