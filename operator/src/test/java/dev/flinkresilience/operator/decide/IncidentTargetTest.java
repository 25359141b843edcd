package dev.flinkresilience.operator.decide;

import static org.assertj.core.api.Assertions.assertThat;

import dev.flinkresilience.operator.api.v1alpha1.CheckpointRef;
import dev.flinkresilience.operator.api.v1alpha1.FlinkResilientJobStatus;
import java.time.Instant;
import java.util.stream.Stream;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/** The floor an incident's recovery must restore at least, read from status when it opens. */
class IncidentTargetTest {
  private static final Instant FAILED = Instant.parse("2026-12-06T16:37:11Z");

  @ParameterizedTest(name = "{0} → {4}")
  @MethodSource("rows")
  void theFloorIsTheNewestCheckpointFromBeforeTheFailure(
      String name, CheckpointRef latest, CheckpointRef restored, Instant failedAt, Long floor) {
    FlinkResilientJobStatus status = new FlinkResilientJobStatus();
    status.setLatestCheckpoint(latest);
    status.setRestoredFrom(restored);
    assertThat(IncidentTarget.checkpointId(status, failedAt)).isEqualTo(floor);
  }

  static Stream<Arguments> rows() {
    return Stream.of(
        row("no checkpoint recorded", null, null, FAILED, null),
        row("never restored: the record", cp(11, "16:37:10"), null, FAILED, 11L),
        row(
            "restored before the failure (the last deployment): the record",
            cp(11, "16:37:10"),
            restored(4, "16:30:00"),
            FAILED,
            11L),
        row(
            "restored without a time (the operator's own deploy record): the record",
            cp(11, "16:37:10"),
            restored(4, null),
            FAILED,
            11L),
        row(
            "Flink restored after the failure and checkpointed since: the restore (the record is"
                + " the recovered job's own)",
            cp(11, "16:37:40"),
            restored(4, "16:37:27"),
            FAILED,
            4L),
        row(
            "Flink restored after the failure, the record without a time (from the HA store):"
                + " the restore",
            cp(11, null),
            restored(4, "16:37:27"),
            FAILED,
            4L),
        row(
            "Flink restored after the failure, but the record completed before that restore:"
                + " the record (Flink restored an older one)",
            cp(6, "16:37:15"),
            restored(4, "16:37:27"),
            FAILED,
            6L),
        row(
            "Flink restored after the failure, the record older than the restore: the record",
            cp(3, null),
            restored(4, "16:37:27"),
            FAILED,
            3L),
        row(
            "a restore time that does not parse: as if unknown",
            cp(11, "16:37:40"),
            restored(4, "yesterday"),
            FAILED,
            11L));
  }

  private static Arguments row(
      String name, CheckpointRef latest, CheckpointRef restored, Instant failedAt, Long floor) {
    return Arguments.of(name, latest, restored, failedAt, floor);
  }

  private static CheckpointRef cp(long id, String completedAt) {
    CheckpointRef ref = new CheckpointRef();
    ref.setId(id);
    ref.setPath("file:/cp/chk-" + id);
    ref.setCompletedAt(completedAt == null ? null : "2026-12-06T" + completedAt + "Z");
    return ref;
  }

  private static CheckpointRef restored(long id, String restoredAt) {
    CheckpointRef ref = cp(id, null);
    ref.setRestoredAt(
        restoredAt == null
            ? null
            : restoredAt.contains(":") ? "2026-12-06T" + restoredAt + "Z" : restoredAt);
    return ref;
  }
}
