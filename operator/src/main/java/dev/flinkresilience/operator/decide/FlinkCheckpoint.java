package dev.flinkresilience.operator.decide;

import java.time.Instant;

/**
 * A completed checkpoint or savepoint as a source reported it.
 *
 * @param id Flink's checkpoint id; checkpoints and savepoints share one counter per job
 * @param path the external path to restore from; null when the source did not give one
 * @param completedAt when it completed; null when the source does not know
 * @param addressable whether it can be restored from: Flink reports checkpoints that were not
 *     externalized, or were discarded, as not externally addressable
 */
public record FlinkCheckpoint(long id, String path, Instant completedAt, boolean addressable) {

  /** Flink's placeholder for {@code external_path} when a checkpoint has no external pointer. */
  public static final String NOT_ADDRESSABLE = "<checkpoint-not-externally-addressable>";

  /** A checkpoint with a usable path. */
  public static FlinkCheckpoint at(long id, String path, Instant completedAt) {
    boolean usable = path != null && !path.isBlank() && !NOT_ADDRESSABLE.equals(path);
    return new FlinkCheckpoint(id, usable ? path : null, completedAt, usable);
  }
}
