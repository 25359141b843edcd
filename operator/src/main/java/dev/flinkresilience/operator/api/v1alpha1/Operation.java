package dev.flinkresilience.operator.api.v1alpha1;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonPropertyDescription;

/** A lifecycle operation in progress. */
@JsonInclude(JsonInclude.Include.NON_NULL)
public class Operation {

  @JsonPropertyDescription("Upgrade or Suspend.")
  private OperationType type;

  @JsonPropertyDescription("Why it started.")
  private String reason;

  @JsonPropertyDescription("metadata.generation that asked for it.")
  private Long targetGeneration;

  @JsonPropertyDescription("When it started (RFC 3339).")
  private String startedAt;

  @JsonPropertyDescription(
      "The triggerId of the stop with a savepoint (32 hex characters), written before it is sent: an operator that restarts follows the same stop instead of taking a second savepoint.")
  private String savepointTriggerId;

  @JsonPropertyDescription(
      "When the stop with a savepoint was decided (RFC 3339); its timeout runs from here.")
  private String savepointTriggeredAt;

  @JsonPropertyDescription(
      "Where the stop's savepoint was written, once Flink reported it complete.")
  private String savepointPath;

  @JsonPropertyDescription(
      "Why no savepoint is used: the operation went on as last-state (job not RUNNING, REST API silent, savepoint failed or timed out).")
  private String fallback;

  public OperationType getType() {
    return type;
  }

  public void setType(OperationType type) {
    this.type = type;
  }

  public String getReason() {
    return reason;
  }

  public void setReason(String reason) {
    this.reason = reason;
  }

  public Long getTargetGeneration() {
    return targetGeneration;
  }

  public void setTargetGeneration(Long targetGeneration) {
    this.targetGeneration = targetGeneration;
  }

  public String getSavepointTriggerId() {
    return savepointTriggerId;
  }

  public void setSavepointTriggerId(String savepointTriggerId) {
    this.savepointTriggerId = savepointTriggerId;
  }

  public String getSavepointTriggeredAt() {
    return savepointTriggeredAt;
  }

  public void setSavepointTriggeredAt(String savepointTriggeredAt) {
    this.savepointTriggeredAt = savepointTriggeredAt;
  }

  public String getSavepointPath() {
    return savepointPath;
  }

  public void setSavepointPath(String savepointPath) {
    this.savepointPath = savepointPath;
  }

  public String getFallback() {
    return fallback;
  }

  public void setFallback(String fallback) {
    this.fallback = fallback;
  }

  public String getStartedAt() {
    return startedAt;
  }

  public void setStartedAt(String startedAt) {
    this.startedAt = startedAt;
  }
}
