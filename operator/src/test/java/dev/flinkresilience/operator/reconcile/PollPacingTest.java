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
    // Only a steady target is stretched by the poller: a moving job is polled fast however many.
    assertThat(PACING.moving(status)).isEqualTo(expected.equals(FAST));
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

  @ParameterizedTest(name = "{0} jobs at {1} steady polls a second: every {2}")
  @MethodSource("stretches")
  void theSteadyPaceStretchesWithTheJobs(long jobs, double rate, Duration expected) {
    assertThat(new PollPacing(STEADY, FAST, rate).steadyFor(jobs)).isEqualTo(expected);
  }

  static Stream<Arguments> stretches() {
    return Stream.of(
        Arguments.of(0L, 200.0, STEADY),
        Arguments.of(1L, 200.0, STEADY),
        Arguments.of(1_000L, 200.0, STEADY),
        // One job more than the rate allows at 5 s: the next whole second.
        Arguments.of(1_001L, 200.0, Duration.ofSeconds(6)),
        Arguments.of(1_200L, 200.0, Duration.ofSeconds(6)),
        Arguments.of(5_000L, 200.0, Duration.ofSeconds(25)),
        Arguments.of(5_001L, 200.0, Duration.ofSeconds(26)),
        Arguments.of(20_000L, 200.0, Duration.ofSeconds(100)),
        Arguments.of(300L, 50.0, Duration.ofSeconds(6)),
        // 0: never stretched.
        Arguments.of(20_000L, 0.0, STEADY));
  }

  @Test
  void theDefaultKeepsFiveSecondsUpToAThousandJobs() {
    assertThat(PollPacing.DEFAULT.steadyFor(1_000)).isEqualTo(Duration.ofSeconds(5));
    assertThat(PollPacing.DEFAULT.steadyFor(5_000)).isEqualTo(Duration.ofSeconds(25));
  }

  @Test
  void aNegativeRateIsRefusedByName() {
    org.assertj.core.api.Assertions.assertThatThrownBy(() -> new PollPacing(STEADY, FAST, -1))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("--steady-poll-rate");
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
