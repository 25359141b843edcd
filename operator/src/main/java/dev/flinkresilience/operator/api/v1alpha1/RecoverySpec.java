package dev.flinkresilience.operator.api.v1alpha1;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonPropertyDescription;
import io.fabric8.generator.annotation.Pattern;
import io.fabric8.generator.annotation.Size;
import io.fabric8.generator.annotation.ValidationRule;

/** What the operator does when Flink cannot help itself. */
@JsonInclude(JsonInclude.Include.NON_NULL)
public class RecoverySpec {

  @JsonPropertyDescription(
      "A duration such as 500ms, 20s, 5m or 1h. A node whose Lease is older than this is lost. Default: 20s. At most 24h.")
  @Pattern("^(0|([0-9]+(\\.[0-9]+)?(ms|s|m|h))+)$")
  // A length bound also caps the API server's cost estimate of the rule below.
  @Size(max = 64)
  @ValidationRule(value = "duration(self) <= duration('24h')", message = "must be at most 24h")
  private String nodeLostAfter = "20s";

  @JsonPropertyDescription(
      "A duration such as 500ms, 12s or 1m. A node whose Lease is older than this while its JobManager's REST API has failed to connect over the same time is lost without waiting for nodeLostAfter. 0 turns this off. Default: 12s (one missed renewal). Must be below nodeLostAfter.")
  @Pattern("^(0|([0-9]+(\\.[0-9]+)?(ms|s|m|h))+)$")
  // A length bound also caps the API server's cost estimate of the rule below.
  @Size(max = 64)
  @ValidationRule(value = "duration(self) <= duration('24h')", message = "must be at most 24h")
  private String nodeSuspectAfter = "12s";

  @JsonPropertyDescription(
      "always, whenFenced (default: when HA is on or the node is confirmed gone) or never: when to force-delete this job's pods on a lost node.")
  private ReleasePodsPolicy releasePodsOnLostNode = ReleasePodsPolicy.WHEN_FENCED;

  @JsonPropertyDescription(
      "latestCheckpoint (default), latestSavepoint or none: what a redeploy restores from.")
  private RestoreFrom restoreFrom = RestoreFrom.LATEST_CHECKPOINT;

  @JsonPropertyDescription(
      "A duration such as 500ms, 20s, 5m or 1h. 0 (default) accepts any age; an older checkpoint is not restored automatically. At most 8760h (365 days).")
  @Pattern("^(0|([0-9]+(\\.[0-9]+)?(ms|s|m|h))+)$")
  // A length bound also caps the API server's cost estimate of the rule below.
  @Size(max = 64)
  @ValidationRule(
      value = "duration(self) <= duration('8760h')",
      message = "must be at most 8760h (365 days)")
  private String maxCheckpointAge = "0s";

  @JsonPropertyDescription(
      "A duration such as 500ms, 20s, 5m or 1h. Flink HA must bring the job back within this, else the operator redeploys. Default: 2m. At most 24h.")
  @Pattern("^(0|([0-9]+(\\.[0-9]+)?(ms|s|m|h))+)$")
  // A length bound also caps the API server's cost estimate of the rule below.
  @Size(max = 64)
  @ValidationRule(value = "duration(self) <= duration('24h')", message = "must be at most 24h")
  private String haRecoveryTimeout = "2m";

  @JsonPropertyDescription(
      "A duration such as 500ms, 20s, 5m or 1h. A job RESTARTING or FAILING for longer is stuck. Default: 5m. At most 24h.")
  @Pattern("^(0|([0-9]+(\\.[0-9]+)?(ms|s|m|h))+)$")
  // A length bound also caps the API server's cost estimate of the rule below.
  @Size(max = 64)
  @ValidationRule(value = "duration(self) <= duration('24h')", message = "must be at most 24h")
  private String stuckRestartingAfter = "5m";

  @JsonPropertyDescription(
      "A duration such as 500ms, 20s, 5m or 1h. 0 (default) is off; no completed checkpoint for this long marks the job Degraded. At most 8760h (365 days).")
  @Pattern("^(0|([0-9]+(\\.[0-9]+)?(ms|s|m|h))+)$")
  // A length bound also caps the API server's cost estimate of the rule below.
  @Size(max = 64)
  @ValidationRule(
      value = "duration(self) <= duration('8760h')",
      message = "must be at most 8760h (365 days)")
  private String checkpointStallAfter = "0s";

  @JsonPropertyDescription("Redeploy budget.")
  private BudgetSpec budget = new BudgetSpec();

  @JsonPropertyDescription("Bad-node avoidance.")
  private AvoidBadNodesSpec avoidBadNodes = new AvoidBadNodesSpec();

  public String getNodeLostAfter() {
    return nodeLostAfter;
  }

  public void setNodeLostAfter(String nodeLostAfter) {
    this.nodeLostAfter = nodeLostAfter;
  }

  public String getNodeSuspectAfter() {
    return nodeSuspectAfter;
  }

  public void setNodeSuspectAfter(String nodeSuspectAfter) {
    this.nodeSuspectAfter = nodeSuspectAfter;
  }

  public ReleasePodsPolicy getReleasePodsOnLostNode() {
    return releasePodsOnLostNode;
  }

  public void setReleasePodsOnLostNode(ReleasePodsPolicy releasePodsOnLostNode) {
    this.releasePodsOnLostNode = releasePodsOnLostNode;
  }

  public RestoreFrom getRestoreFrom() {
    return restoreFrom;
  }

  public void setRestoreFrom(RestoreFrom restoreFrom) {
    this.restoreFrom = restoreFrom;
  }

  public String getMaxCheckpointAge() {
    return maxCheckpointAge;
  }

  public void setMaxCheckpointAge(String maxCheckpointAge) {
    this.maxCheckpointAge = maxCheckpointAge;
  }

  public String getHaRecoveryTimeout() {
    return haRecoveryTimeout;
  }

  public void setHaRecoveryTimeout(String haRecoveryTimeout) {
    this.haRecoveryTimeout = haRecoveryTimeout;
  }

  public String getStuckRestartingAfter() {
    return stuckRestartingAfter;
  }

  public void setStuckRestartingAfter(String stuckRestartingAfter) {
    this.stuckRestartingAfter = stuckRestartingAfter;
  }

  public String getCheckpointStallAfter() {
    return checkpointStallAfter;
  }

  public void setCheckpointStallAfter(String checkpointStallAfter) {
    this.checkpointStallAfter = checkpointStallAfter;
  }

  public BudgetSpec getBudget() {
    return budget;
  }

  public void setBudget(BudgetSpec budget) {
    this.budget = budget;
  }

  public AvoidBadNodesSpec getAvoidBadNodes() {
    return avoidBadNodes;
  }

  public void setAvoidBadNodes(AvoidBadNodesSpec avoidBadNodes) {
    this.avoidBadNodes = avoidBadNodes;
  }
}
