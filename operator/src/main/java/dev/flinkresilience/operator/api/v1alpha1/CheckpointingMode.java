package dev.flinkresilience.operator.api.v1alpha1;

import com.fasterxml.jackson.annotation.JsonProperty;

/** Checkpointing guarantee. */
public enum CheckpointingMode {
  @JsonProperty("exactly-once")
  EXACTLY_ONCE("exactly-once"),
  @JsonProperty("at-least-once")
  AT_LEAST_ONCE("at-least-once");

  private final String value;

  CheckpointingMode(String value) {
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
