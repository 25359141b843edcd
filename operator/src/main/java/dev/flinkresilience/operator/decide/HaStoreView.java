package dev.flinkresilience.operator.decide;

import dev.flinkresilience.operator.api.v1alpha1.CheckpointRef;
import java.util.List;

/**
 * What Flink's high-availability store holds for one job: the checkpoints it would recover from and
 * the leading JobManager's REST address. Read-only; the operator never writes Flink's HA data.
 *
 * @param state whether the store could be read
 * @param checkpoints completed checkpoints it holds for the job, any order (Flink keeps the last
 *     {@code state.checkpoints.num-retained}); paths are null when the store does not name them
 * @param leaderRestAddress the leader's REST URL as Flink published it (e.g. {@code
 *     http://10.0.0.7:8081}), null when unknown
 * @param problem why the store could not be read, null when it was
 */
public record HaStoreView(
    State state, List<FlinkCheckpoint> checkpoints, String leaderRestAddress, String problem) {

  public HaStoreView {
    checkpoints = List.copyOf(checkpoints);
  }

  public enum State {
    /** The store was read (it may hold nothing yet). */
    READ,
    /** The job runs without high availability: there is no store. */
    NO_HA,
    /** The store exists but could not be read now. */
    UNAVAILABLE
  }

  /**
   * This view with the entry for the point the deployment restored from under its real path. Flink
   * registers a restored savepoint (or another job's checkpoint) in the new job's store under its
   * own id, and the readers can only spell an entry as {@code <checkpoint dir>/<job id>/chk-<id>},
   * which for that entry does not exist; the ZooKeeper reader would also give it the restore's time
   * as its completion. Taken at face value it would be recorded as a checkpoint the new job
   * completed (a savepoint was then triggered while its tasks still started, and refused) and be
   * chosen, and refused as gone, should the job fail before its first checkpoint. Unchanged when
   * the restored id is not known.
   */
  public HaStoreView restoredAs(CheckpointRef restoredFrom) {
    if (restoredFrom == null
        || restoredFrom.getId() == null
        || restoredFrom.getPath() == null
        || restoredFrom.getPath().isBlank()) {
      return this;
    }
    long id = restoredFrom.getId();
    List<FlinkCheckpoint> resolved =
        checkpoints.stream()
            .map(c -> c.id() == id ? FlinkCheckpoint.at(id, restoredFrom.getPath(), null) : c)
            .toList();
    return new HaStoreView(state, resolved, leaderRestAddress, problem);
  }

  public static HaStoreView noHa() {
    return new HaStoreView(State.NO_HA, List.of(), null, null);
  }

  public static HaStoreView unavailable(String problem) {
    return new HaStoreView(State.UNAVAILABLE, List.of(), null, problem);
  }
}
