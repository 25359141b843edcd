package dev.flinkresilience.operator.api.v1alpha1;

import com.fasterxml.jackson.annotation.JsonProperty;

/** Flink major.minor of the image; selects the configuration key names. */
public enum FlinkVersion {
  @JsonProperty("1.20")
  V1_20("1.20"),
  @JsonProperty("2.0")
  V2_0("2.0"),
  @JsonProperty("2.1")
  V2_1("2.1"),
  @JsonProperty("2.2")
  V2_2("2.2"),
  @JsonProperty("2.3")
  V2_3("2.3");

  private final String value;

  FlinkVersion(String value) {
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
