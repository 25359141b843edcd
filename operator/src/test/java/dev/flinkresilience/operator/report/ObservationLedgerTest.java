package dev.flinkresilience.operator.report;

import static org.assertj.core.api.Assertions.assertThat;

import dev.flinkresilience.operator.api.v1alpha1.CheckpointRef;
import dev.flinkresilience.operator.api.v1alpha1.FlinkResilientJobStatus;
import dev.flinkresilience.operator.api.v1alpha1.RestartStrategySpec;
import dev.flinkresilience.operator.api.v1alpha1.RestartStrategyType;
import dev.flinkresilience.operator.decide.FlinkCheckpoint;
import dev.flinkresilience.operator.decide.FlinkObservation;
import dev.flinkresilience.operator.decide.FlinkObservation.Outcome;
import dev.flinkresilience.operator.decide.HaStoreView;
import java.time.Instant;
import java.util.List;
import java.util.stream.Stream;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.constraints.LongRange;
import net.jqwik.api.constraints.Size;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

class ObservationLedgerTest {
  private static final Instant T0 = Instant.parse("2026-11-21T12:00:00Z");
  private static final RestartStrategySpec EXPONENTIAL = new RestartStrategySpec();

  @Test
  void recordsStateRestartsAndTheLatestAddressableCheckpoint() {
    var seen = ok(T0, "RUNNING", 2L, cp(12), cp(10), cp(7));
    var status = merge(new FlinkResilientJobStatus(), seen, fixedDelay(5)).status();

    assertThat(status.getJobState()).isEqualTo("RUNNING");
    assertThat(status.getFlinkRestarts().getTotal()).isEqualTo(2);
    assertThat(status.getFlinkRestarts().getRemaining()).isEqualTo(3);
    assertThat(status.getLatestCheckpoint().getId()).isEqualTo(12);
    assertThat(status.getLatestCheckpoint().getPath()).isEqualTo("s3://b/cp/j/chk-12");
    assertThat(status.getLatestCheckpoint().getSource()).isEqualTo("rest");
    assertThat(status.getLatestCheckpoint().getCompletedAt()).isEqualTo(T0.toString());
    assertThat(status.getLatestSavepoint().getId()).isEqualTo(10);
    assertThat(status.getRestoredFrom().getId()).isEqualTo(7);
    assertThat(status.getObservation()).as("no problem, nothing to say").isNull();
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("neverLowered")
  void theRecordedCheckpointNeverGoesDown(String name, FlinkObservation seen, HaStoreView ha) {
    var before = new FlinkResilientJobStatus();
    before.setLatestCheckpoint(ref(12));
    var after = ObservationLedger.merge(before, seen, ha, EXPONENTIAL).status();
    assertThat(after.getLatestCheckpoint().getId()).isEqualTo(12);
  }

  static Stream<Arguments> neverLowered() {
    return Stream.of(
        Arguments.of(
            "an older checkpoint reported", ok(T0, "RUNNING", 0L, cp(9), null, null), null),
        Arguments.of(
            "a newer but unaddressable one",
            ok(
                T0,
                "RUNNING",
                0L,
                FlinkCheckpoint.at(13, FlinkCheckpoint.NOT_ADDRESSABLE, T0),
                null,
                null),
            null),
        Arguments.of("JobManager unreachable", failed(T0, Outcome.UNREACHABLE), null),
        Arguments.of("garbage JSON", failed(T0, Outcome.BAD_ANSWER), null),
        Arguments.of("job gone (404)", failed(T0, Outcome.JOB_NOT_FOUND), null),
        Arguments.of(
            "500 while initializing", ok(T0, "INITIALIZING", null, null, null, null), null),
        Arguments.of(
            "HA store with older ids",
            null,
            new HaStoreView(HaStoreView.State.READ, List.of(cp(10), cp(11)), null, null)),
        Arguments.of("HA store unreadable", null, HaStoreView.unavailable("connection refused")));
  }

  @Test
  void theRestoreKeepsWhenFlinkRestored() {
    Instant restoredAt = T0.minusSeconds(30);
    var seen =
        new FlinkObservation(T0, Outcome.OK, null, "RUNNING", 0L, cp(12), null, cp(7), restoredAt);
    var status = merge(new FlinkResilientJobStatus(), seen, EXPONENTIAL).status();
    assertThat(status.getRestoredFrom().getId()).isEqualTo(7);
    assertThat(status.getRestoredFrom().getRestoredAt())
        .as("tells Flink's own recovery after a failure from an older start")
        .isEqualTo(restoredAt.toString());
  }

  @Test
  void theHaStoreRaisesTheRecordWhenItIsAhead() {
    var before = new FlinkResilientJobStatus();
    before.setLatestCheckpoint(ref(12));
    var ha = new HaStoreView(HaStoreView.State.READ, List.of(cp(13), cp(14)), null, null);
    var after = ObservationLedger.merge(before, null, ha, EXPONENTIAL).status();
    assertThat(after.getLatestCheckpoint().getId()).isEqualTo(14);
    assertThat(after.getLatestCheckpoint().getSource()).isEqualTo("haStore");
  }

  @Test
  void restFillsInTheTimeOfACheckpointTheHaStoreNamedFirst() {
    var untimed = FlinkCheckpoint.at(14, "s3://b/cp/j/chk-14", null);
    var ha = new HaStoreView(HaStoreView.State.READ, List.of(untimed), null, null);
    var fromHa = ObservationLedger.merge(new FlinkResilientJobStatus(), null, ha, EXPONENTIAL);
    assertThat(fromHa.status().getLatestCheckpoint().getCompletedAt()).isNull();

    var withTime = FlinkCheckpoint.at(14, "s3://b/cp/j/chk-14", T0);
    var after =
        ObservationLedger.merge(
                fromHa.status(), ok(T0, "RUNNING", 0L, withTime, null, null), ha, EXPONENTIAL)
            .status();
    assertThat(after.getLatestCheckpoint().getId()).isEqualTo(14);
    assertThat(after.getLatestCheckpoint().getCompletedAt()).isEqualTo(T0.toString());

    var later =
        ObservationLedger.merge(after, null, ha, EXPONENTIAL).status().getLatestCheckpoint();
    assertThat(later.getCompletedAt())
        .as("the HA store's untimed view keeps it")
        .isEqualTo(T0.toString());
  }

  @ParameterizedTest(name = "{0} after {1} restarts → remaining {2}")
  @MethodSource("remaining")
  void restartsRemainingFollowTheStrategy(RestartStrategyType type, long restarts, Long remaining) {
    var strategy = fixedDelay(3);
    strategy.setType(type);
    var status =
        merge(
                new FlinkResilientJobStatus(),
                ok(T0, "RESTARTING", restarts, null, null, null),
                strategy)
            .status();
    assertThat(status.getFlinkRestarts().getTotal()).isEqualTo(restarts);
    assertThat(status.getFlinkRestarts().getRemaining()).isEqualTo(remaining);
  }

  static Stream<Arguments> remaining() {
    return Stream.of(
        Arguments.of(RestartStrategyType.FIXED_DELAY, 0L, 3L),
        Arguments.of(RestartStrategyType.FIXED_DELAY, 2L, 1L),
        Arguments.of(RestartStrategyType.FIXED_DELAY, 3L, 0L),
        Arguments.of(RestartStrategyType.FIXED_DELAY, 7L, 0L),
        Arguments.of(RestartStrategyType.NONE, 0L, 0L),
        Arguments.of(RestartStrategyType.EXPONENTIAL_DELAY, 4L, null),
        Arguments.of(RestartStrategyType.FAILURE_RATE, 4L, null));
  }

  @Test
  void unknownRestartCountKeepsTheLastKnown() {
    var first =
        merge(
            new FlinkResilientJobStatus(), ok(T0, "RUNNING", 2L, null, null, null), fixedDelay(5));
    var second =
        merge(
            first.status(),
            ok(T0.plusSeconds(5), "RUNNING", null, null, null, null),
            fixedDelay(5));
    assertThat(second.status().getFlinkRestarts().getTotal()).isEqualTo(2);
  }

  @Test
  void aLastingProblemIsCountedOnceAPollWarnedOnceAndCleared() {
    var status = new FlinkResilientJobStatus();
    status.setLatestCheckpoint(ref(12));
    List<EventSpec> warnings = new java.util.ArrayList<>();
    for (int i = 1; i <= 4; i++) {
      var poll = failed(T0.plusSeconds(i), Outcome.UNREACHABLE);
      var merged = merge(status, poll, EXPONENTIAL);
      warnings.addAll(merged.events());
      // The same poll merged again (another event woke the reconciler) counts once.
      var again = merge(merged.status(), poll, EXPONENTIAL);
      warnings.addAll(again.events());
      status = again.status();
    }
    assertThat(status.getObservation().getFailedPolls()).isEqualTo(4);
    assertThat(status.getObservation().getProblemSince()).isEqualTo(T0.plusSeconds(1).toString());
    assertThat(ObservationLedger.lastingProblem(status)).get().asString().contains("no answer");
    assertThat(warnings).extracting(EventSpec::reason).containsExactly("FlinkRestUnavailable");

    var recovered =
        merge(status, ok(T0.plusSeconds(10), "RUNNING", 0L, null, null, null), EXPONENTIAL);
    assertThat(recovered.status().getObservation()).isNull();
    assertThat(recovered.events())
        .extracting(EventSpec::reason)
        .containsExactly("FlinkRestRecovered");
    assertThat(recovered.status().getLatestCheckpoint().getId()).isEqualTo(12);
  }

  @Test
  void duringAnIncidentTheStateSeenSinceItBeganIsKeptApart() {
    var status = new FlinkResilientJobStatus();
    status.setJobState("RUNNING");
    var incident = new dev.flinkresilience.operator.api.v1alpha1.Incident();
    status.getRecovery().setCurrent(incident);
    var merged = merge(status, ok(T0, "RESTARTING", 1L, null, null, null), EXPONENTIAL).status();
    assertThat(merged.getRecovery().getCurrent().getObservedState()).isEqualTo("RESTARTING");
    assertThat(merged.getJobState()).isEqualTo("RESTARTING");
  }

  @Test
  void aShortBlipIsNotReported() {
    var status = merge(new FlinkResilientJobStatus(), failed(T0, Outcome.UNREACHABLE), EXPONENTIAL);
    assertThat(status.events()).isEmpty();
    assertThat(ObservationLedger.lastingProblem(status.status())).isEmpty();
  }

  /** Over any sequence of polls and HA reads, the recorded id is the running maximum. */
  @Property(tries = 200, seed = "11")
  void theRecordIsTheRunningMaximumOfAddressableIds(
      @ForAll @Size(min = 1, max = 12) List<@LongRange(min = -3, max = 40) Long> ids) {
    var status = new FlinkResilientJobStatus();
    long max = -1;
    Instant t = T0;
    for (long raw : ids) {
      t = t.plusSeconds(1);
      // Negative: an unaddressable checkpoint; zero: a failed poll; even: via the HA store.
      long id = Math.abs(raw);
      if (raw == 0) {
        status = merge(status, failed(t, Outcome.BAD_ANSWER), EXPONENTIAL).status();
      } else if (raw < 0) {
        var unaddressable = FlinkCheckpoint.at(id, FlinkCheckpoint.NOT_ADDRESSABLE, t);
        status =
            merge(status, ok(t, "RUNNING", 0L, unaddressable, null, null), EXPONENTIAL).status();
      } else if (id % 2 == 0) {
        var ha = new HaStoreView(HaStoreView.State.READ, List.of(cp(id)), null, null);
        status = ObservationLedger.merge(status, null, ha, EXPONENTIAL).status();
        max = Math.max(max, id);
      } else {
        status = merge(status, ok(t, "RUNNING", 0L, cp(id), null, null), EXPONENTIAL).status();
        max = Math.max(max, id);
      }
      Long recorded =
          status.getLatestCheckpoint() == null ? -1 : status.getLatestCheckpoint().getId();
      assertThat(recorded).isEqualTo(max);
    }
  }

  private static ObservationLedger.Merged merge(
      FlinkResilientJobStatus s, FlinkObservation o, RestartStrategySpec strategy) {
    return ObservationLedger.merge(s, o, HaStoreView.noHa(), strategy);
  }

  private static FlinkObservation ok(
      Instant at,
      String state,
      Long restarts,
      FlinkCheckpoint completed,
      FlinkCheckpoint savepoint,
      FlinkCheckpoint restored) {
    return new FlinkObservation(
        at, Outcome.OK, null, state, restarts, completed, savepoint, restored, null);
  }

  private static FlinkObservation failed(Instant at, Outcome outcome) {
    return FlinkObservation.failed(at, outcome, "GET /jobs/j: no answer within 2s");
  }

  private static FlinkCheckpoint cp(long id) {
    return FlinkCheckpoint.at(id, "s3://b/cp/j/chk-" + id, T0);
  }

  private static CheckpointRef ref(long id) {
    var r = new CheckpointRef();
    r.setId(id);
    r.setPath("s3://b/cp/j/chk-" + id);
    r.setSource("rest");
    return r;
  }

  private static RestartStrategySpec fixedDelay(int attempts) {
    var s = new RestartStrategySpec();
    s.setType(RestartStrategyType.FIXED_DELAY);
    s.getFixedDelay().setAttempts(attempts);
    return s;
  }
}
