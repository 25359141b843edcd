package dev.flinkresilience.operator.api.v1alpha1;

import com.fasterxml.jackson.annotation.JsonProperty;

/** How the Flink application cluster is deployed. */
public enum DeploymentMode {
  @JsonProperty("native")
  NATIVE("native"),
  @JsonProperty("standalone")
  STANDALONE("standalone");

  private final String value;

  DeploymentMode(String value) {
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
