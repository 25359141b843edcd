package dev.flinkresilience.operator.decide;

import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;

/**
 * What the checkpoint storage itself holds for one job, read after its cluster was torn down: the
 * {@code chk-<id>} directories under {@code <execution.checkpointing.dir>/<job id>} that hold a
 * {@code _metadata} file, and whether the restore points the operator knows of still exist. Unlike
 * status (what a poll happened to see) it includes checkpoints completed after the last poll.
 *
 * @param state whether the storage was read
 * @param jobDirectory the job's checkpoint directory that was read, null when there was none
 * @param checkpoints the complete checkpoints found there (with {@code _metadata}), any order;
 *     {@code completedAt} is the modification time of {@code _metadata} when the storage gives one
 * @param checked for each restore point asked about (as {@link CheckpointPaths#pointDirectory}),
 *     whether its metadata exists
 * @param ids for the restore points asked about whose metadata exists, the checkpoint id written in
 *     it, where it could be read: a savepoint's path does not name its id
 * @param problem why the storage could not be read, null when it was
 */
public record CheckpointStorageView(
    State state,
    String jobDirectory,
    List<FlinkCheckpoint> checkpoints,
    Map<String, Boolean> checked,
    Map<String, Long> ids,
    String problem) {

  public CheckpointStorageView {
    checkpoints = List.copyOf(checkpoints);
    checked = Map.copyOf(checked);
    ids = Map.copyOf(ids);
  }

  /** A view whose checked points' ids were not read. */
  public CheckpointStorageView(
      State state,
      String jobDirectory,
      List<FlinkCheckpoint> checkpoints,
      Map<String, Boolean> checked,
      String problem) {
    this(state, jobDirectory, checkpoints, checked, Map.of(), problem);
  }

  public enum State {
    /** Read after the teardown; {@code checkpoints} may be empty. */
    READ,
    /** Reading failed (timeout, permission, I/O error, an unsupported scheme); see problem. */
    FAILED,
    /** Not read since the cluster was last seen. */
    NOT_READ
  }

  public static CheckpointStorageView notRead() {
    return new CheckpointStorageView(State.NOT_READ, null, List.of(), Map.of(), null);
  }

  public static CheckpointStorageView failed(String jobDirectory, String problem) {
    return new CheckpointStorageView(State.FAILED, jobDirectory, List.of(), Map.of(), problem);
  }

  /** Whether this view was read for the query (a failed read answers it too). */
  public boolean answers(StorageQuery query) {
    if (state == State.NOT_READ || !Objects.equals(jobDirectory, query.jobDirectory())) {
      return false;
    }
    return state == State.FAILED || checked.keySet().containsAll(query.paths());
  }

  /**
   * Whether the restore point's metadata exists: a checkpoint found in the listing, or a path asked
   * about. Empty when this view cannot tell.
   */
  public Optional<Boolean> exists(String restorePath) {
    if (state != State.READ || restorePath == null) {
      return Optional.empty();
    }
    String point = CheckpointPaths.pointDirectory(restorePath);
    if (checkpoints.stream().anyMatch(c -> point.equals(c.path()))) {
      return Optional.of(true);
    }
    return Optional.ofNullable(checked.get(point));
  }

  /** The checkpoint id of an existing restore point, from the listing or its metadata's head. */
  public Optional<Long> idOf(String restorePath) {
    if (state != State.READ || restorePath == null) {
      return Optional.empty();
    }
    String point = CheckpointPaths.pointDirectory(restorePath);
    return checkpoints.stream()
        .filter(c -> point.equals(c.path()))
        .map(FlinkCheckpoint::id)
        .findFirst()
        .or(() -> Optional.ofNullable(ids.get(point)));
  }
}
