package dev.flinkresilience.operator.api.v1alpha1;

import com.fasterxml.jackson.annotation.JsonProperty;

/** How a savepoint in {@code status.savepoints} stands. */
public enum SavepointResult {
  /** Triggered (or about to be: its trigger id is recorded first); Flink has not answered yet. */
  @JsonProperty("InProgress")
  IN_PROGRESS("InProgress"),
  @JsonProperty("Completed")
  COMPLETED("Completed"),
  @JsonProperty("Failed")
  FAILED("Failed");

  private final String value;

  SavepointResult(String value) {
    this.value = value;
  }

  /** The spelling used in the custom resource. */
  public String value() {
    return value;
  }

  @Override
  public String toString() {
    return value;
  }
}
