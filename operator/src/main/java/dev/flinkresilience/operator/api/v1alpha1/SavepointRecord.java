package dev.flinkresilience.operator.api.v1alpha1;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonPropertyDescription;

/** A savepoint the operator took or tried to take, in {@code status.savepoints}. */
@JsonInclude(JsonInclude.Include.NON_NULL)
public class SavepointRecord {

  @JsonPropertyDescription(
      "Why: Manual (savepointNonce), Periodic (savepointInterval), Upgrade, Suspend or RestartNonce (the stop of a planned restart).")
  private SavepointReason reason;

  @JsonPropertyDescription("InProgress, Completed or Failed.")
  private SavepointResult result;

  @JsonPropertyDescription("Where Flink wrote it, once completed.")
  private String path;

  @JsonPropertyDescription(
      "When it was triggered (RFC 3339); periodic savepoints are timed from the newest one.")
  private String triggeredAt;

  @JsonPropertyDescription("When it completed or failed (RFC 3339).")
  private String completedAt;

  @JsonPropertyDescription("Why it failed, in short.")
  private String error;

  @JsonPropertyDescription(
      "The trigger id sent to Flink (32 hex characters), written before it is sent: an operator that restarts follows the same savepoint instead of taking a second one.")
  private String triggerId;

  @JsonPropertyDescription("The Flink job the savepoint is of.")
  private String jobId;

  @JsonPropertyDescription("For Manual: the savepointNonce it answers.")
  private Long nonce;

  @JsonPropertyDescription("Retention: failed attempts to dispose this savepoint so far.")
  private Integer disposeAttempts;

  @JsonPropertyDescription("Retention: why the last attempt to dispose it failed.")
  private String disposeError;

  @JsonPropertyDescription("Retention: no attempt to dispose it before this time (RFC 3339).")
  private String disposeRetryAt;

  public SavepointReason getReason() {
    return reason;
  }

  public void setReason(SavepointReason reason) {
    this.reason = reason;
  }

  public SavepointResult getResult() {
    return result;
  }

  public void setResult(SavepointResult result) {
    this.result = result;
  }

  public String getPath() {
    return path;
  }

  public void setPath(String path) {
    this.path = path;
  }

  public String getTriggeredAt() {
    return triggeredAt;
  }

  public void setTriggeredAt(String triggeredAt) {
    this.triggeredAt = triggeredAt;
  }

  public String getCompletedAt() {
    return completedAt;
  }

  public void setCompletedAt(String completedAt) {
    this.completedAt = completedAt;
  }

  public String getError() {
    return error;
  }

  public void setError(String error) {
    this.error = error;
  }

  public String getTriggerId() {
    return triggerId;
  }

  public void setTriggerId(String triggerId) {
    this.triggerId = triggerId;
  }

  public String getJobId() {
    return jobId;
  }

  public void setJobId(String jobId) {
    this.jobId = jobId;
  }

  public Long getNonce() {
    return nonce;
  }

  public void setNonce(Long nonce) {
    this.nonce = nonce;
  }

  public Integer getDisposeAttempts() {
    return disposeAttempts;
  }

  public void setDisposeAttempts(Integer disposeAttempts) {
    this.disposeAttempts = disposeAttempts;
  }

  public String getDisposeError() {
    return disposeError;
  }

  public void setDisposeError(String disposeError) {
    this.disposeError = disposeError;
  }

  public String getDisposeRetryAt() {
    return disposeRetryAt;
  }

  public void setDisposeRetryAt(String disposeRetryAt) {
    this.disposeRetryAt = disposeRetryAt;
  }
}
