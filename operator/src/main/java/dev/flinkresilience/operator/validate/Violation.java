package dev.flinkresilience.operator.validate;

import java.util.Objects;

/**
 * One reason a FlinkResilientJob is rejected.
 *
 * @param field path of the offending field as the user wrote it, e.g. {@code
 *     spec.checkpointing.interval}, {@code spec.flinkConfiguration[state.checkpoints.dir]} or
 *     {@code metadata.name}
 * @param message what is wrong and what is accepted, readable after the field name
 */
public record Violation(String field, String message) {
  public Violation {
    Objects.requireNonNull(field, "field");
    Objects.requireNonNull(message, "message");
  }

  /** {@code field: message}, the form that goes into the condition message and the event. */
  @Override
  public String toString() {
    return field + ": " + message;
  }
}
