package dev.flinkresilience.operator.observe;

import dev.flinkresilience.operator.decide.SavepointView;

/**
 * How one stop with a savepoint stands, as last read from Flink.
 *
 * @param location where the savepoint was written, when COMPLETED
 * @param failure why the stop failed, when FAILED
 */
public record StopProgress(
    String triggerId, SavepointView.State state, String location, String failure) {

  public boolean isFinal() {
    return state == SavepointView.State.COMPLETED || state == SavepointView.State.FAILED;
  }
}
