package dev.flinkresilience.operator.decide;

import java.time.Instant;

/**
 * What the planner knows, for a stop with a savepoint, of Flink right now.
 *
 * @param restAnsweredAt when the job's REST API last answered a poll with the job known, null when
 *     never (or not for this deployment)
 * @param triggerId the stop whose progress {@code state} describes, null when none is followed
 * @param state how that stop stands, as last read from Flink
 * @param location where the savepoint was written, when {@code COMPLETED}
 * @param failure why it failed, when {@code FAILED}
 */
public record SavepointView(
    Instant restAnsweredAt, String triggerId, State state, String location, String failure) {

  public enum State {
    /** Not read yet (just triggered, or the operator restarted). */
    UNKNOWN,
    IN_PROGRESS,
    COMPLETED,
    FAILED
  }

  public SavepointView {
    state = state == null ? State.UNKNOWN : state;
  }

  /** Nothing known: no REST answer, no stop followed. */
  public static SavepointView none() {
    return new SavepointView(null, null, State.UNKNOWN, null, null);
  }

  public static SavepointView answeredAt(Instant at) {
    return new SavepointView(at, null, State.UNKNOWN, null, null);
  }

  /** The same REST freshness, with the progress of the stop {@code triggerId}. */
  public SavepointView following(String triggerId, State state, String location, String failure) {
    return new SavepointView(restAnsweredAt, triggerId, state, location, failure);
  }

  /** The progress of stop {@code triggerId}: UNKNOWN when this view follows another one. */
  public State stateOf(String triggerId) {
    return triggerId != null && triggerId.equals(this.triggerId) ? state : State.UNKNOWN;
  }
}
