package dev.flinkresilience.operator.api.v1alpha1;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonPropertyDescription;
import java.util.ArrayList;
import java.util.List;

/**
 * One failure and what the operator did about it. While open it is {@code recovery.current},
 * written before any destructive action, so an operator that crashes mid-recovery resumes the same
 * attempt; once closed it moves to {@code recovery.history}.
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
public class Incident {
  @JsonPropertyDescription("Incident number, counting from 1 over the life of the resource.")
  private Long id;

  @JsonPropertyDescription(
      "What was detected: NodeLost, JobManagerLost, TaskManagerLost, JobFailed, JobStuck,"
          + " JobManagerUnreachable, HaMetadataMissing.")
  private String reason;

  @JsonPropertyDescription("Details of what was detected.")
  private String detail;

  @JsonPropertyDescription("The node concerned, for node and pod losses.")
  private String node;

  @JsonPropertyDescription("The pod concerned, for pod losses.")
  private String pod;

  @JsonPropertyDescription("When the failure happened, as far as known (RFC 3339).")
  private String failedAt;

  @JsonPropertyDescription(
      "When the operator detected it (RFC 3339): for a lost node, when its node watch first judged"
          + " the node lost, which may be before the pass that opened the incident (openedAt).")
  private String detectedAt;

  @JsonPropertyDescription(
      "When the operator's pass opened the incident (RFC 3339); its waits (for the Deployment"
          + " controller, for Flink's own recovery) count from here.")
  private String openedAt;

  public String getOpenedAt() {
    return openedAt;
  }

  public void setOpenedAt(String openedAt) {
    this.openedAt = openedAt;
  }

  @JsonPropertyDescription("Seconds from the failure to its detection.")
  private Double detectionSeconds;

  @JsonPropertyDescription(
      "Verify (Flink recovers by itself; the operator checks it does) or Redeploy (the operator"
          + " redeploys the cluster from the latest checkpoint).")
  private String action;

  @JsonPropertyDescription("Checkpoint id the job must come back from at least.")
  private Long targetCheckpointId;

  @JsonPropertyDescription("Redeploy attempts made for this incident.")
  private Integer attempts;

  @JsonPropertyDescription("When the current redeploy attempt deployed the new cluster.")
  private String redeployedAt;

  @JsonPropertyDescription(
      "Job state Flink reported since the incident began (or since its redeploy); empty until a"
          + " poll after detection answers. Recovery is judged on it, never on an older state.")
  private String observedState;

  public String getObservedState() {
    return observedState;
  }

  public void setObservedState(String observedState) {
    this.observedState = observedState;
  }

  @JsonPropertyDescription("Pods force-deleted from a lost node.")
  private List<String> releasedPods = new ArrayList<>();

  @JsonPropertyDescription(
      "When the operator first released the JobManager's pod from a lost node (RFC 3339): its"
          + " replacement can start from then, and haRecoveryTimeout counts from then.")
  private String jobManagerReleasedAt;

  public String getJobManagerReleasedAt() {
    return jobManagerReleasedAt;
  }

  public void setJobManagerReleasedAt(String jobManagerReleasedAt) {
    this.jobManagerReleasedAt = jobManagerReleasedAt;
  }

  @JsonPropertyDescription("Checkpoint id the job came back from.")
  private Long restoredCheckpointId;

  @JsonPropertyDescription("When the job was RUNNING again (RFC 3339).")
  private String recoveredAt;

  @JsonPropertyDescription("Seconds from detection to the job RUNNING again.")
  private Double recoverySeconds;

  @JsonPropertyDescription(
      "Recovered, GaveUp, Superseded (by a spec change) or FalseAlarm (its cause vanished, e.g."
          + " the node's Lease renewed again, before anything was released or torn down).")
  private String outcome;

  public Long getId() {
    return id;
  }

  public void setId(Long id) {
    this.id = id;
  }

  public String getReason() {
    return reason;
  }

  public void setReason(String reason) {
    this.reason = reason;
  }

  public String getDetail() {
    return detail;
  }

  public void setDetail(String detail) {
    this.detail = detail;
  }

  public String getNode() {
    return node;
  }

  public void setNode(String node) {
    this.node = node;
  }

  public String getPod() {
    return pod;
  }

  public void setPod(String pod) {
    this.pod = pod;
  }

  public String getFailedAt() {
    return failedAt;
  }

  public void setFailedAt(String failedAt) {
    this.failedAt = failedAt;
  }

  public String getDetectedAt() {
    return detectedAt;
  }

  public void setDetectedAt(String detectedAt) {
    this.detectedAt = detectedAt;
  }

  public Double getDetectionSeconds() {
    return detectionSeconds;
  }

  public void setDetectionSeconds(Double detectionSeconds) {
    this.detectionSeconds = detectionSeconds;
  }

  public String getAction() {
    return action;
  }

  public void setAction(String action) {
    this.action = action;
  }

  public Long getTargetCheckpointId() {
    return targetCheckpointId;
  }

  public void setTargetCheckpointId(Long targetCheckpointId) {
    this.targetCheckpointId = targetCheckpointId;
  }

  public Integer getAttempts() {
    return attempts;
  }

  public void setAttempts(Integer attempts) {
    this.attempts = attempts;
  }

  public String getRedeployedAt() {
    return redeployedAt;
  }

  public void setRedeployedAt(String redeployedAt) {
    this.redeployedAt = redeployedAt;
  }

  public List<String> getReleasedPods() {
    return releasedPods;
  }

  public void setReleasedPods(List<String> releasedPods) {
    this.releasedPods = releasedPods;
  }

  public Long getRestoredCheckpointId() {
    return restoredCheckpointId;
  }

  public void setRestoredCheckpointId(Long restoredCheckpointId) {
    this.restoredCheckpointId = restoredCheckpointId;
  }

  public String getRecoveredAt() {
    return recoveredAt;
  }

  public void setRecoveredAt(String recoveredAt) {
    this.recoveredAt = recoveredAt;
  }

  public Double getRecoverySeconds() {
    return recoverySeconds;
  }

  public void setRecoverySeconds(Double recoverySeconds) {
    this.recoverySeconds = recoverySeconds;
  }

  public String getOutcome() {
    return outcome;
  }

  public void setOutcome(String outcome) {
    this.outcome = outcome;
  }
}
