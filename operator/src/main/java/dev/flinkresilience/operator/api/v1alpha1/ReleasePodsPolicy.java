package dev.flinkresilience.operator.api.v1alpha1;

import com.fasterxml.jackson.annotation.JsonProperty;

/** When the operator force-deletes this job's pods on a lost node. */
public enum ReleasePodsPolicy {
  @JsonProperty("always")
  ALWAYS("always"),
  @JsonProperty("whenFenced")
  WHEN_FENCED("whenFenced"),
  @JsonProperty("never")
  NEVER("never");

  private final String value;

  ReleasePodsPolicy(String value) {
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
