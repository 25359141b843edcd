package dev.flinkresilience.operator.api.v1alpha1;

import com.fasterxml.jackson.annotation.JsonProperty;

/**
 * A lifecycle operation that tears the cluster down before it is deployed again or left suspended.
 */
public enum OperationType {
  @JsonProperty("Upgrade")
  UPGRADE("Upgrade"),
  @JsonProperty("Suspend")
  SUSPEND("Suspend");

  private final String value;

  OperationType(String value) {
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
