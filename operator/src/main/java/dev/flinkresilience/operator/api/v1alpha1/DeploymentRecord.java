package dev.flinkresilience.operator.api.v1alpha1;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonPropertyDescription;

/** The deployment the operator made. */
@JsonInclude(JsonInclude.Include.NON_NULL)
public class DeploymentRecord {

  @JsonPropertyDescription("metadata.generation of the spec deployed.")
  private Long generation;

  @JsonPropertyDescription(
      "Counts the deployments of new specs (first, upgrade, resume); with metadata.uid it seeds"
          + " the fixed Flink job id. A cluster recreated for the same spec keeps it.")
  private Long serial;

  @JsonPropertyDescription(
      "Hash of the deployed spec (without job.state and recovery), to detect changes.")
  private String specHash;

  @JsonPropertyDescription("Flink job id of the deployment.")
  private String jobId;

  @JsonPropertyDescription("Checkpoint or savepoint the deployment was started from, if any.")
  private String restorePath;

  @JsonPropertyDescription("When it was deployed (RFC 3339).")
  private String deployedAt;

  @JsonPropertyDescription(
      "spec.restartNonce of the deployment; a new nonce with a new initialSavepointPath restores"
          + " from that savepoint.")
  private Long restartNonce;

  @JsonPropertyDescription("spec.job.initialSavepointPath when the deployment was made.")
  private String initialSavepointPath;

  @JsonPropertyDescription(
      "The JobManager pod serving this deployment; its loss is a JobManagerLost incident.")
  private String jobManagerPod;

  @JsonPropertyDescription("Recovery attempt that made this deployment (incident/attempt), if any.")
  private String recoveryAttempt;

  public String getJobManagerPod() {
    return jobManagerPod;
  }

  public void setJobManagerPod(String jobManagerPod) {
    this.jobManagerPod = jobManagerPod;
  }

  public String getRecoveryAttempt() {
    return recoveryAttempt;
  }

  public void setRecoveryAttempt(String recoveryAttempt) {
    this.recoveryAttempt = recoveryAttempt;
  }

  public Long getRestartNonce() {
    return restartNonce;
  }

  public void setRestartNonce(Long restartNonce) {
    this.restartNonce = restartNonce;
  }

  public String getInitialSavepointPath() {
    return initialSavepointPath;
  }

  public void setInitialSavepointPath(String initialSavepointPath) {
    this.initialSavepointPath = initialSavepointPath;
  }

  public Long getGeneration() {
    return generation;
  }

  public void setGeneration(Long generation) {
    this.generation = generation;
  }

  public Long getSerial() {
    return serial;
  }

  public void setSerial(Long serial) {
    this.serial = serial;
  }

  public String getSpecHash() {
    return specHash;
  }

  public void setSpecHash(String specHash) {
    this.specHash = specHash;
  }

  public String getJobId() {
    return jobId;
  }

  public void setJobId(String jobId) {
    this.jobId = jobId;
  }

  public String getRestorePath() {
    return restorePath;
  }

  public void setRestorePath(String restorePath) {
    this.restorePath = restorePath;
  }

  public String getDeployedAt() {
    return deployedAt;
  }

  public void setDeployedAt(String deployedAt) {
    this.deployedAt = deployedAt;
  }
}
