package dev.flinkresilience.operator.api.v1alpha1;

import com.fasterxml.jackson.annotation.JsonProperty;

/** Desired state of the job. */
public enum JobState {
  @JsonProperty("running")
  RUNNING("running"),
  @JsonProperty("suspended")
  SUSPENDED("suspended");

  private final String value;

  JobState(String value) {
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
