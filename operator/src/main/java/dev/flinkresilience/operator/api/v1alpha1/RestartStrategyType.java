package dev.flinkresilience.operator.api.v1alpha1;

import com.fasterxml.jackson.annotation.JsonProperty;

/** Flink's in-cluster restart strategy. */
public enum RestartStrategyType {
  @JsonProperty("fixed-delay")
  FIXED_DELAY("fixed-delay"),
  @JsonProperty("failure-rate")
  FAILURE_RATE("failure-rate"),
  @JsonProperty("exponential-delay")
  EXPONENTIAL_DELAY("exponential-delay"),
  @JsonProperty("none")
  NONE("none");

  private final String value;

  RestartStrategyType(String value) {
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
