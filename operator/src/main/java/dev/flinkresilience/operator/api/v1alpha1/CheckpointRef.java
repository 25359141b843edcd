package dev.flinkresilience.operator.api.v1alpha1;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonPropertyDescription;

/** A checkpoint or savepoint. */
@JsonInclude(JsonInclude.Include.NON_NULL)
public class CheckpointRef {

  @JsonPropertyDescription("Checkpoint id.")
  private Long id;

  @JsonPropertyDescription("External path to restore from.")
  private String path;

  @JsonPropertyDescription("When it completed (RFC 3339).")
  private String completedAt;

  @JsonPropertyDescription(
      "When the job restored from it, as Flink reports (RFC 3339); on restoredFrom only.")
  private String restoredAt;

  @JsonPropertyDescription(
      "Where the operator learned of it: rest, haStore, storage, savepoint, user, or stopWithSavepoint (the savepoint of a planned stop).")
  private String source;

  @JsonPropertyDescription("Why the operator took this savepoint, e.g. Upgrade: spec changed.")
  private String triggerReason;

  public String getTriggerReason() {
    return triggerReason;
  }

  public void setTriggerReason(String triggerReason) {
    this.triggerReason = triggerReason;
  }

  public Long getId() {
    return id;
  }

  public void setId(Long id) {
    this.id = id;
  }

  public String getPath() {
    return path;
  }

  public void setPath(String path) {
    this.path = path;
  }

  public String getCompletedAt() {
    return completedAt;
  }

  public void setCompletedAt(String completedAt) {
    this.completedAt = completedAt;
  }

  public String getRestoredAt() {
    return restoredAt;
  }

  public void setRestoredAt(String restoredAt) {
    this.restoredAt = restoredAt;
  }

  public String getSource() {
    return source;
  }

  public void setSource(String source) {
    this.source = source;
  }
}
