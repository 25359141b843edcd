package dev.flinkresilience.operator.api.v1alpha1;

import com.fasterxml.jackson.annotation.JsonProperty;

/** Lifecycle phase of the job as the operator sees it. */
public enum Phase {
  @JsonProperty("Pending")
  PENDING("Pending"),
  @JsonProperty("Deploying")
  DEPLOYING("Deploying"),
  @JsonProperty("Running")
  RUNNING("Running"),
  @JsonProperty("Recovering")
  RECOVERING("Recovering"),
  @JsonProperty("Suspended")
  SUSPENDED("Suspended"),
  @JsonProperty("Failed")
  FAILED("Failed");

  private final String value;

  Phase(String value) {
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
