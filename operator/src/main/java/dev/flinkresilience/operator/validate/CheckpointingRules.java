package dev.flinkresilience.operator.validate;

import dev.flinkresilience.operator.api.v1alpha1.CheckpointingMode;
import dev.flinkresilience.operator.api.v1alpha1.CheckpointingSpec;
import dev.flinkresilience.operator.api.v1alpha1.StateBackend;
import java.time.Duration;

/** Rules for {@code spec.checkpointing}. */
final class CheckpointingRules {
  /**
   * Flink refuses a checkpoint interval or timeout below 10 ms
   * (CheckpointCoordinatorConfiguration.MINIMAL_CHECKPOINT_TIME) when the job starts.
   */
  static final Duration FLINK_MINIMUM = Duration.ofMillis(10);

  private static final String FLINK_MINIMUM_WHY = " (Flink's minimum)";

  private CheckpointingRules() {}

  static void check(CheckpointingSpec c, Violations v) {
    if (!v.required(
        "spec.checkpointing",
        c,
        "the operator recovers jobs from their checkpoints; set at least directory")) {
      return;
    }
    v.durationBetween(
        "spec.checkpointing.interval",
        c.getInterval(),
        FLINK_MINIMUM,
        FLINK_MINIMUM_WHY,
        Limits.DAY);
    v.requiredUri(
        "spec.checkpointing.directory",
        c.getDirectory(),
        "s3://bucket/checkpoints (durable storage every JobManager and TaskManager reaches)");
    v.optionalUri(
        "spec.checkpointing.savepointDirectory",
        c.getSavepointDirectory(),
        "s3://bucket/savepoints");
    v.requiredEnum("spec.checkpointing.mode", c.getMode(), CheckpointingMode.class);
    v.durationBetween(
        "spec.checkpointing.timeout", c.getTimeout(), FLINK_MINIMUM, FLINK_MINIMUM_WHY, Limits.DAY);
    v.duration("spec.checkpointing.minPause", c.getMinPause(), Limits.DAY);
    v.between(
        "spec.checkpointing.maxConcurrent",
        c.getMaxConcurrent(),
        1,
        Limits.CONCURRENT_CHECKPOINTS,
        "");
    v.atLeast("spec.checkpointing.tolerableFailures", c.getTolerableFailures(), 0);
    if (c.getRetained() != null) {
      v.atLeast("spec.checkpointing.retained", c.getRetained(), 1);
    }
    v.requiredEnum("spec.checkpointing.stateBackend", c.getStateBackend(), StateBackend.class);
  }
}
