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

  public String getStartedAt() {
    return startedAt;
  }

  public void setStartedAt(String startedAt) {
    this.startedAt = startedAt;
  }
}
