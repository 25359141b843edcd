package dev.flinkresilience.operator.decide;

/**
 * Where Flink writes a checkpoint: {@code <execution.checkpointing.dir>/<job id>/chk-<id>}, the
 * directory holding its {@code _metadata}. The operator owns both the directory key and the job id,
 * so a checkpoint id read from the HA store names its external path without asking Flink.
 */
public final class CheckpointPaths {
  private CheckpointPaths() {}

  public static String of(String checkpointDirectory, String jobId, long checkpointId) {
    String base =
        checkpointDirectory.endsWith("/")
            ? checkpointDirectory.substring(0, checkpointDirectory.length() - 1)
            : checkpointDirectory;
    return base + "/" + jobId + "/chk-" + checkpointId;
  }
}
