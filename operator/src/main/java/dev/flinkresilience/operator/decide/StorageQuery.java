package dev.flinkresilience.operator.decide;

import java.util.Set;

/**
 * What to read from the checkpoint storage before a deployment restores: the job directory to list
 * and the restore points (as {@link CheckpointPaths#pointDirectory}) whose metadata must be
 * confirmed.
 *
 * @param jobDirectory {@code <execution.checkpointing.dir>/<job id>} of the deployment torn down,
 *     null when it is unknown (nothing to list)
 * @param paths restore points known from status and the HA store
 */
public record StorageQuery(String jobDirectory, Set<String> paths) {
  public StorageQuery {
    paths = Set.copyOf(paths);
  }
}
