package dev.flinkresilience.operator.reconcile;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.flinkresilience.operator.api.v1alpha1.CheckpointRef;
import dev.flinkresilience.operator.api.v1alpha1.DeploymentRecord;
import dev.flinkresilience.operator.api.v1alpha1.FlinkResilientJobStatus;
import dev.flinkresilience.operator.api.v1alpha1.Incident;
import dev.flinkresilience.operator.api.v1alpha1.ObservationStatus;
import dev.flinkresilience.operator.api.v1alpha1.Operation;
import dev.flinkresilience.operator.api.v1alpha1.Phase;
import dev.flinkresilience.operator.testing.MovableClock;
import java.time.Duration;
import java.time.Instant;
import java.util.function.Consumer;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

class ProgressWritesTest {
  private static final String DEPLOYED = "2026-12-06T10:00:00Z";

  /** A running job of deployment DEPLOYED whose checkpoint 5 (after the deploy) is recorded. */
  private static FlinkResilientJobStatus steady() {
    FlinkResilientJobStatus s = new FlinkResilientJobStatus();
    s.setPhase(Phase.RUNNING);
    s.setJobId("a1");
    s.setJobState("RUNNING");
    DeploymentRecord d = new DeploymentRecord();
    d.setDeployedAt(DEPLOYED);
    d.setJobId("a1");
    s.setDeployment(d);
    s.setLatestCheckpoint(checkpoint(5, "2026-12-06T10:01:00Z"));
    return s;
  }

  private static CheckpointRef checkpoint(long id, String completedAt) {
    CheckpointRef c = new CheckpointRef();
    c.setId(id);
    c.setPath("file:///cp/a1/chk-" + id);
    c.setCompletedAt(completedAt);
    c.setSource("rest");
    return c;
  }

  private static Arguments row(
      String name,
      Consumer<FlinkResilientJobStatus> current,
      Consumer<FlinkResilientJobStatus> next,
      boolean paced) {
    return Arguments.of(name, current, next, paced);
  }

  static Stream<Arguments> rows() {
    Consumer<FlinkResilientJobStatus> same = s -> {};
    Consumer<FlinkResilientJobStatus> newer =
        s -> s.setLatestCheckpoint(checkpoint(6, "2026-12-06T10:01:10Z"));
    return Stream.of(
        row("a newer checkpoint of a steady job, nothing else", same, newer, true),
        row(
            "the deployment's first checkpoint (the recorded one predates the deploy)",
            s -> s.setLatestCheckpoint(checkpoint(5, "2026-12-06T09:59:00Z")),
            newer,
            false),
        row("no checkpoint recorded yet", s -> s.setLatestCheckpoint(null), newer, false),
        row("a checkpoint and a new message", same, newer.andThen(s -> s.setMessage("x")), false),
        row(
            "a checkpoint and a new job state",
            same,
            newer.andThen(s -> s.setJobState("RESTARTING")),
            false),
        row(
            "a checkpoint while an incident is open",
            s -> s.getRecovery().setCurrent(new Incident()),
            newer.andThen(s -> s.getRecovery().setCurrent(new Incident())),
            false),
        row(
            "a checkpoint during an operation (a savepoint being taken)",
            s -> s.setOperation(new Operation()),
            newer.andThen(s -> s.setOperation(new Operation())),
            false),
        row(
            "a checkpoint as the phase changes",
            same,
            newer.andThen(s -> s.setPhase(Phase.RECOVERING)),
            false),
        row("a checkpoint of another job id", same, newer.andThen(s -> s.setJobId("b2")), false),
        row(
            "a lower id (never paced: it is not progress)",
            same,
            s -> s.setLatestCheckpoint(checkpoint(4, "2026-12-06T10:01:10Z")),
            false),
        row(
            "a deployment time that cannot be read",
            s -> s.getDeployment().setDeployedAt("yesterday"),
            newer.andThen(s -> s.getDeployment().setDeployedAt("yesterday")),
            false),
        row("no change to the checkpoint but another field", same, s -> s.setMessage("y"), false),
        row(
            "with HA: the HA store's pointer (no time) above the restore point, then a newer one",
            s -> {
              s.setLatestCheckpoint(haPointer(5));
              s.setRestoredFrom(haPointer(3));
            },
            s -> s.setLatestCheckpoint(haPointer(6)),
            true),
        row(
            "with HA: the pointer still at the restore point (the deployment's first is next)",
            s -> {
              s.setLatestCheckpoint(haPointer(3));
              s.setRestoredFrom(haPointer(3));
            },
            s -> s.setLatestCheckpoint(haPointer(4)),
            false));
  }

  private static CheckpointRef haPointer(long id) {
    CheckpointRef c = new CheckpointRef();
    c.setId(id);
    c.setPath("file:///cp/a1/chk-" + id);
    c.setSource("haStore");
    return c;
  }

  /** A poll problem seen {@code polls} times in a row, the last at second {@code at}. */
  private static Consumer<FlinkResilientJobStatus> failing(int polls, int at, String problem) {
    return s -> {
      ObservationStatus o = new ObservationStatus();
      o.setFailedPolls(polls);
      o.setProblem(problem);
      o.setProblemSince("2026-12-06T10:02:00Z");
      o.setLastPolledAt("2026-12-06T10:02:" + (10 + at) + "Z");
      s.setObservation(o);
    };
  }

  static Stream<Arguments> failures() {
    String timeout = "GET /jobs/a1: no answer within 3000 ms";
    return Stream.of(
        row(
            "one more failed poll of a lasting problem",
            failing(3, 0, timeout),
            failing(4, 3, timeout),
            true),
        row(
            "the same, while a node-loss incident is open",
            failing(5, 0, timeout).andThen(s -> s.getRecovery().setCurrent(new Incident())),
            failing(6, 3, timeout).andThen(s -> s.getRecovery().setCurrent(new Incident())),
            true),
        row(
            "the poll that makes the problem lasting (its message and event)",
            failing(2, 0, timeout),
            failing(3, 3, timeout),
            false),
        row("the first failed poll", s -> {}, failing(1, 0, timeout), false),
        row(
            "another problem",
            failing(3, 0, timeout),
            failing(4, 3, "GET /jobs/a1: cannot connect (ConnectException)"),
            false),
        row("polls answer again", failing(4, 0, timeout), s -> s.setObservation(null), false),
        row(
            "a failed poll and a new job state",
            failing(3, 0, timeout),
            failing(4, 3, timeout).andThen(s -> s.setJobState("UNKNOWN")),
            false));
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("failures")
  void onlyRepeatedFailuresOfALastingProblemArePaced(
      String name,
      Consumer<FlinkResilientJobStatus> current,
      Consumer<FlinkResilientJobStatus> next,
      boolean paced) {
    FlinkResilientJobStatus a = steady();
    current.accept(a);
    FlinkResilientJobStatus b = steady();
    next.accept(b);
    assertThat(ProgressWrites.onlyRepeatedFailure(a, b)).isEqualTo(paced);
    assertThat(ProgressWrites.onlyProgress(a, b)).isFalse();
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("rows")
  void onlySteadyProgressIsPaced(
      String name,
      Consumer<FlinkResilientJobStatus> current,
      Consumer<FlinkResilientJobStatus> next,
      boolean paced) {
    FlinkResilientJobStatus a = steady();
    current.accept(a);
    FlinkResilientJobStatus b = steady();
    current.accept(b);
    next.accept(b);
    assertThat(ProgressWrites.onlyProgress(a, b)).isEqualTo(paced);
  }

  @Test
  void progressIsWrittenWithinTheBudgetAndTheRestWaitsForALaterPass() {
    MovableClock clock = new MovableClock(Instant.parse("2026-12-06T10:05:00Z"));
    ProgressWrites writes = new ProgressWrites(2, clock);
    FlinkResilientJobStatus a = steady();
    FlinkResilientJobStatus b = steady();
    b.setLatestCheckpoint(checkpoint(6, "2026-12-06T10:01:10Z"));

    // A second's worth at once, then nothing until time passes.
    assertThat(writes.writeNow(a, b)).isTrue();
    assertThat(writes.writeNow(a, b)).isTrue();
    assertThat(writes.writeNow(a, b)).isFalse();
    // Other changes are never held back by an empty budget.
    FlinkResilientJobStatus other = steady();
    other.setMessage("Degraded");
    assertThat(writes.writeNow(a, other)).isTrue();

    clock.advance(Duration.ofMillis(500));
    assertThat(writes.writeNow(a, b)).isTrue();
    assertThat(writes.writeNow(a, b)).isFalse();
    clock.advance(Duration.ofSeconds(10)); // refills to one second's worth, no more
    assertThat(writes.writeNow(a, b)).isTrue();
    assertThat(writes.writeNow(a, b)).isTrue();
    assertThat(writes.writeNow(a, b)).isFalse();
  }

  @Test
  void zeroPacesNothing() {
    ProgressWrites writes =
        new ProgressWrites(0, new MovableClock(Instant.parse("2026-12-06T10:05:00Z")));
    FlinkResilientJobStatus a = steady();
    FlinkResilientJobStatus b = steady();
    b.setLatestCheckpoint(checkpoint(6, "2026-12-06T10:01:10Z"));
    for (int i = 0; i < 100; i++) {
      assertThat(writes.writeNow(a, b)).isTrue();
    }
  }

  @Test
  void aNegativeRateIsRefused() {
    assertThatThrownBy(
            () -> new ProgressWrites(-1, new MovableClock(Instant.parse("2026-12-06T10:05:00Z"))))
        .hasMessageContaining("0 or more");
  }
}
