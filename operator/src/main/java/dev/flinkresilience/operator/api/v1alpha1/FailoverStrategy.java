package dev.flinkresilience.operator.api.v1alpha1;

import com.fasterxml.jackson.annotation.JsonProperty;

/** Which tasks Flink restarts after a task failure. */
public enum FailoverStrategy {
  @JsonProperty("region")
  REGION("region"),
  @JsonProperty("full")
  FULL("full");

  private final String value;

  FailoverStrategy(String value) {
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
