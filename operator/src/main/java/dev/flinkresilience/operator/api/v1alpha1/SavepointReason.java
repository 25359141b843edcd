package dev.flinkresilience.operator.api.v1alpha1;

import com.fasterxml.jackson.annotation.JsonProperty;

/** Why the operator took (or tried to take) a savepoint. */
public enum SavepointReason {
  /** {@code job.savepointNonce} changed. */
  @JsonProperty("Manual")
  MANUAL("Manual"),
  /** {@code job.savepointInterval} passed since the last one. */
  @JsonProperty("Periodic")
  PERIODIC("Periodic"),
  /** The stop with a savepoint of an upgrade (a spec change). */
  @JsonProperty("Upgrade")
  UPGRADE("Upgrade"),
  /** The stop with a savepoint of {@code job.state: suspended}. */
  @JsonProperty("Suspend")
  SUSPEND("Suspend"),
  /** The stop with a savepoint of a new {@code restartNonce}. */
  @JsonProperty("RestartNonce")
  RESTART_NONCE("RestartNonce");

  private final String value;

  SavepointReason(String value) {
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
