package dev.flinkresilience.operator.api.v1alpha1;

import com.fasterxml.jackson.annotation.JsonProperty;

/** What a redeploy restores from. */
public enum RestoreFrom {
  @JsonProperty("latestCheckpoint")
  LATEST_CHECKPOINT("latestCheckpoint"),
  @JsonProperty("latestSavepoint")
  LATEST_SAVEPOINT("latestSavepoint"),
  @JsonProperty("none")
  NONE("none");

  private final String value;

  RestoreFrom(String value) {
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
