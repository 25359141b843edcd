package dev.flinkresilience.operator.observe.rest;

/**
 * Flink's answer to {@code GET /jobs/:id/savepoints/:triggerId}.
 *
 * @param location where the savepoint was written, when {@code COMPLETED}
 * @param failure the first line of Flink's failure cause, when {@code FAILED}
 */
public record SavepointStatus(State state, String location, String failure) {
  public enum State {
    IN_PROGRESS,
    COMPLETED,
    /** Flink says COMPLETED with a {@code failure-cause}: the savepoint (or the stop) failed. */
    FAILED
  }
}
