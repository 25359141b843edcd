package dev.flinkresilience.operator.api.v1alpha1;

import com.fasterxml.jackson.annotation.JsonProperty;

/** Flink high-availability services. */
public enum HighAvailabilityType {
  @JsonProperty("kubernetes")
  KUBERNETES("kubernetes"),
  @JsonProperty("zookeeper")
  ZOOKEEPER("zookeeper"),
  @JsonProperty("none")
  NONE("none");

  private final String value;

  HighAvailabilityType(String value) {
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
