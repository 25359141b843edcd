package dev.flinkresilience.operator.api.v1alpha1;

import com.fasterxml.jackson.annotation.JsonProperty;

/** How a planned restart (upgrade, suspend, restartNonce) carries the job's state over. */
public enum UpgradeMode {
  /** Stop with a savepoint and start from it; last-state when Flink cannot take one. */
  @JsonProperty("savepoint")
  SAVEPOINT("savepoint"),
  /** Tear down, then start from the newest checkpoint that exists. */
  @JsonProperty("last-state")
  LAST_STATE("last-state"),
  /** Tear down and start from empty state. */
  @JsonProperty("stateless")
  STATELESS("stateless");

  private final String value;

  UpgradeMode(String value) {
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
