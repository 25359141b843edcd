package dev.flinkresilience.operator.decide;

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

  public static HaStoreView noHa() {
    return new HaStoreView(State.NO_HA, List.of(), null, null);
  }

  public static HaStoreView unavailable(String problem) {
    return new HaStoreView(State.UNAVAILABLE, List.of(), null, problem);
  }
}
