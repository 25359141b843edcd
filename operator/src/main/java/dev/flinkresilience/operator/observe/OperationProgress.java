package dev.flinkresilience.operator.observe;

import dev.flinkresilience.operator.decide.SavepointView;

/**
 * How one savepoint operation of Flink stands, as last read: a stop with a savepoint or a savepoint
 * (keyed by their trigger id), or a disposal (keyed by {@link SavepointView#disposalKey}).
 *
 * @param location where the savepoint was written, when a stop or savepoint COMPLETED
 * @param failure why the operation failed, when FAILED
 */
public record OperationProgress(
    String key, SavepointView.State state, String location, String failure) {

  public boolean isFinal() {
    return state == SavepointView.State.COMPLETED || state == SavepointView.State.FAILED;
  }
}
