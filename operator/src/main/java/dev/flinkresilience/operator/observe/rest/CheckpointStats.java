package dev.flinkresilience.operator.observe.rest;

import java.time.Instant;

/**
 * The parts of {@code GET /jobs/:id/checkpoints} the operator uses: the counts and the {@code
 * latest} block. Each latest entry is null when Flink reports none.
 *
 * @param counts how many checkpoints the job has seen, by outcome
 * @param latestCompleted Flink's latest completed checkpoint; savepoints are listed separately
 * @param latestSavepoint Flink's latest completed savepoint
 * @param latestRestored what the job restored from at its latest (re)start
 * @param latestFailed Flink's latest failed checkpoint
 */
public record CheckpointStats(
    Counts counts,
    Completed latestCompleted,
    Completed latestSavepoint,
    Restored latestRestored,
    Failed latestFailed) {

  public record Counts(long restored, long total, long inProgress, long completed, long failed) {}

  /**
   * A completed checkpoint or savepoint.
   *
   * @param externalPath Flink's {@code external_path}, possibly the placeholder {@code
   *     <checkpoint-not-externally-addressable>}
   * @param triggeredAt {@code trigger_timestamp}
   * @param completedAt {@code latest_ack_timestamp}: the last acknowledgement completes it
   * @param discarded whether Flink has deleted its files since (subsumed, or job ended)
   */
  public record Completed(
      long id,
      String externalPath,
      Instant triggeredAt,
      Instant completedAt,
      boolean savepoint,
      boolean discarded) {}

  /**
   * @param restoredAt {@code restore_timestamp}: when the job restored, not when the checkpoint was
   *     taken
   * @param savepoint Flink's {@code is_savepoint}; it says true for a retained checkpoint restored
   *     through {@code execution.state-recovery.path}, so it describes the restore, not the files
   */
  public record Restored(long id, String externalPath, Instant restoredAt, boolean savepoint) {}

  /** A failed checkpoint; {@code message} is Flink's failure message, possibly null. */
  public record Failed(long id, Instant triggeredAt, Instant failedAt, String message) {}
}
