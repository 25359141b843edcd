package dev.flinkresilience.operator.api.v1alpha1;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonPropertyDescription;
import io.fabric8.kubernetes.api.model.Condition;
import java.util.ArrayList;
import java.util.List;

/** Observed state, written only by the operator. */
@JsonInclude(JsonInclude.Include.NON_NULL)
public class FlinkResilientJobStatus {

  @JsonPropertyDescription("The metadata.generation this status describes.")
  private Long observedGeneration;

  @JsonPropertyDescription("Pending, Deploying, Running, Recovering, Suspended or Failed.")
  private Phase phase;

  @JsonPropertyDescription("Ready, Progressing and Degraded, following Kubernetes conventions.")
  private List<Condition> conditions = new ArrayList<>();

  @JsonPropertyDescription("Flink cluster id (kubernetes.cluster-id) of the deployment.")
  private String clusterId;

  @JsonPropertyDescription(
      "Flink job id of the current deployment; fixed per deployment generation.")
  private String jobId;

  @JsonPropertyDescription("Job state as Flink reports it (RUNNING, RESTARTING, FAILED, ...).")
  private String jobState;

  @JsonPropertyDescription("Since when the job state is what it is (RFC 3339), as first seen.")
  private String jobStateSince;

  public String getJobStateSince() {
    return jobStateSince;
  }

  public void setJobStateSince(String jobStateSince) {
    this.jobStateSince = jobStateSince;
  }

  @JsonPropertyDescription(
      "Latest completed, externally addressable checkpoint seen. Its id never goes down.")
  private CheckpointRef latestCheckpoint;

  @JsonPropertyDescription(
      "Latest completed savepoint seen (Flink's, or the stop of a planned restart); kubectl get shows its age.")
  private CheckpointRef latestSavepoint;

  @JsonPropertyDescription("What the running deployment restored from.")
  private CheckpointRef restoredFrom;

  @JsonPropertyDescription("Flink's own restarts of the job.")
  private FlinkRestartsStatus flinkRestarts;

  @JsonPropertyDescription(
      "Failing polls of Flink's REST API: since when, how many, why. Absent while polls succeed.")
  private ObservationStatus observation;

  public ObservationStatus getObservation() {
    return observation;
  }

  public void setObservation(ObservationStatus observation) {
    this.observation = observation;
  }

  @JsonPropertyDescription(
      "Operator recoveries: counts, the incident in progress and recent history.")
  private RecoveryStatus recovery = new RecoveryStatus();

  @JsonPropertyDescription(
      "Nodes the next deployments keep away from (node anti-affinity), each until 'at': pods of"
          + " this job failed on them recovery.avoidBadNodes.failures times within its window.")
  private java.util.List<NodeMark> avoidedNodes = new ArrayList<>();

  public java.util.List<NodeMark> getAvoidedNodes() {
    return avoidedNodes;
  }

  public void setAvoidedNodes(java.util.List<NodeMark> avoidedNodes) {
    this.avoidedNodes = avoidedNodes;
  }

  @JsonPropertyDescription("What is deployed now: generation, spec hash, job id and restore path.")
  private DeploymentRecord deployment;

  @JsonPropertyDescription(
      "The last valid spec that was deployed. An invalid spec never replaces it, so the running job keeps its configuration.")
  private FlinkResilientJobSpec deployedSpec;

  @JsonPropertyDescription(
      "Lifecycle operation in progress (upgrade or suspend), written before anything is deleted.")
  private Operation operation;

  @JsonPropertyDescription(
      "The savepoint the last planned stop (upgrade, suspend, restartNonce) took: the job's final state, which the next deployment starts from. Cleared once a deployment is made.")
  private CheckpointRef finalSavepoint;

  public CheckpointRef getFinalSavepoint() {
    return finalSavepoint;
  }

  public void setFinalSavepoint(CheckpointRef finalSavepoint) {
    this.finalSavepoint = finalSavepoint;
  }

  @JsonPropertyDescription(
      "The savepoints the operator took or tried (savepointNonce, savepointInterval, and the stops of planned restarts), oldest first: the last 10, and with job.savepointHistory every completed one not yet disposed.")
  private List<SavepointRecord> savepoints = new ArrayList<>();

  @JsonPropertyDescription(
      "The job.savepointNonce last acted on (written before its savepoint is triggered): a different one in the spec takes a savepoint.")
  private Long lastSavepointNonce;

  public List<SavepointRecord> getSavepoints() {
    return savepoints;
  }

  public void setSavepoints(List<SavepointRecord> savepoints) {
    this.savepoints = savepoints;
  }

  public Long getLastSavepointNonce() {
    return lastSavepointNonce;
  }

  public void setLastSavepointNonce(Long lastSavepointNonce) {
    this.lastSavepointNonce = lastSavepointNonce;
  }

  @JsonPropertyDescription("Human-readable summary.")
  private String message;

  public Long getObservedGeneration() {
    return observedGeneration;
  }

  public void setObservedGeneration(Long observedGeneration) {
    this.observedGeneration = observedGeneration;
  }

  public Phase getPhase() {
    return phase;
  }

  public void setPhase(Phase phase) {
    this.phase = phase;
  }

  public List<Condition> getConditions() {
    return conditions;
  }

  public void setConditions(List<Condition> conditions) {
    this.conditions = conditions;
  }

  public String getClusterId() {
    return clusterId;
  }

  public void setClusterId(String clusterId) {
    this.clusterId = clusterId;
  }

  public String getJobId() {
    return jobId;
  }

  public void setJobId(String jobId) {
    this.jobId = jobId;
  }

  public String getJobState() {
    return jobState;
  }

  public void setJobState(String jobState) {
    this.jobState = jobState;
  }

  public CheckpointRef getLatestCheckpoint() {
    return latestCheckpoint;
  }

  public void setLatestCheckpoint(CheckpointRef latestCheckpoint) {
    this.latestCheckpoint = latestCheckpoint;
  }

  public CheckpointRef getLatestSavepoint() {
    return latestSavepoint;
  }

  public void setLatestSavepoint(CheckpointRef latestSavepoint) {
    this.latestSavepoint = latestSavepoint;
  }

  public CheckpointRef getRestoredFrom() {
    return restoredFrom;
  }

  public void setRestoredFrom(CheckpointRef restoredFrom) {
    this.restoredFrom = restoredFrom;
  }

  public FlinkRestartsStatus getFlinkRestarts() {
    return flinkRestarts;
  }

  public void setFlinkRestarts(FlinkRestartsStatus flinkRestarts) {
    this.flinkRestarts = flinkRestarts;
  }

  public RecoveryStatus getRecovery() {
    return recovery;
  }

  public void setRecovery(RecoveryStatus recovery) {
    this.recovery = recovery;
  }

  public DeploymentRecord getDeployment() {
    return deployment;
  }

  public void setDeployment(DeploymentRecord deployment) {
    this.deployment = deployment;
  }

  public FlinkResilientJobSpec getDeployedSpec() {
    return deployedSpec;
  }

  public void setDeployedSpec(FlinkResilientJobSpec deployedSpec) {
    this.deployedSpec = deployedSpec;
  }

  public Operation getOperation() {
    return operation;
  }

  public void setOperation(Operation operation) {
    this.operation = operation;
  }

  public String getMessage() {
    return message;
  }

  public void setMessage(String message) {
    this.message = message;
  }
}
