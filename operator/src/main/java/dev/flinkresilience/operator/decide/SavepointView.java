package dev.flinkresilience.operator.decide;

import java.time.Instant;
import java.util.HashMap;
import java.util.Map;
import java.util.Optional;

/**
 * What the planner knows of Flink's savepoint operations for one job right now: whether its REST
 * API answers, and how each operation followed stands (a stop with a savepoint, a savepoint of the
 * running job, both by their trigger id; a disposal by {@link #disposalKey}).
 *
 * @param restAnsweredAt when the job's REST API last answered a poll with the job known, null when
 *     never (or not for this deployment)
 * @param progress the operations followed, as last read from Flink, by key
 */
public record SavepointView(Instant restAnsweredAt, Map<String, Progress> progress) {

  public enum State {
    /** Not read yet (just triggered, or the operator restarted). */
    UNKNOWN,
    IN_PROGRESS,
    COMPLETED,
    FAILED
  }

  /**
   * @param location where the savepoint was written, when {@code COMPLETED} (null for a disposal)
   * @param failure why it failed, when {@code FAILED}
   */
  public record Progress(State state, String location, String failure) {
    public Progress {
      state = state == null ? State.UNKNOWN : state;
    }
  }

  public SavepointView {
    progress = progress == null ? Map.of() : Map.copyOf(progress);
  }

  /** Nothing known: no REST answer, nothing followed. */
  public static SavepointView none() {
    return new SavepointView(null, Map.of());
  }

  public static SavepointView answeredAt(Instant at) {
    return new SavepointView(at, Map.of());
  }

  /** The key under which the disposal of the savepoint at {@code path} is followed. */
  public static String disposalKey(String path) {
    return "dispose:" + path;
  }

  /** The same view, with operation {@code key} standing as given. */
  public SavepointView following(String key, State state, String location, String failure) {
    Map<String, Progress> next = new HashMap<>(progress);
    next.put(key, new Progress(state, location, failure));
    return new SavepointView(restAnsweredAt, next);
  }

  /** How operation {@code key} stands; empty when it is not followed. */
  public Optional<Progress> of(String key) {
    return key == null ? Optional.empty() : Optional.ofNullable(progress.get(key));
  }

  /** The state of operation {@code key}: UNKNOWN when it is not followed. */
  public State stateOf(String key) {
    return of(key).map(Progress::state).orElse(State.UNKNOWN);
  }
}
