package dev.flinkresilience.operator.api.v1alpha1;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonPropertyDescription;
import io.fabric8.generator.annotation.Required;
import io.fabric8.generator.annotation.ValidationRule;
import java.util.LinkedHashMap;
import java.util.Map;

/** Desired state of a Flink streaming job kept alive by the operator. */
@JsonInclude(JsonInclude.Include.NON_NULL)
@ValidationRule(
    value =
        "!has(self.jobManager) || !has(self.jobManager.replicas) || self.jobManager.replicas <= 1 || (has(self.highAvailability) && has(self.highAvailability.type) && self.highAvailability.type != 'none')",
    message =
        "jobManager.replicas > 1 (standby JobManagers) requires highAvailability.type kubernetes or zookeeper")
public class FlinkResilientJobSpec {

  @JsonPropertyDescription(
      "Container image of the JobManager and TaskManagers, e.g. flink:2.2.1-java17.")
  @Required
  private String image;

  @JsonPropertyDescription(
      "Flink major.minor of the image (1.20, 2.0, 2.1, 2.2 or 2.3). Selects the configuration key names the operator renders.")
  @Required
  private FlinkVersion flinkVersion;

  @JsonPropertyDescription(
      "native (default): Flink's native Kubernetes integration, the JobManager creates TaskManager pods. standalone: the operator owns a JobManager and a TaskManager Deployment (not implemented yet; rejected).")
  private DeploymentMode mode = DeploymentMode.NATIVE;

  @JsonPropertyDescription(
      "Service account of the Flink pods. Empty (default): the operator creates <name>-flink with the RBAC the JobManager needs.")
  private String serviceAccount = "";

  @JsonPropertyDescription(
      "The Flink job: jar, entry class, arguments, parallelism and desired state.")
  @Required
  private JobSpec job;

  @JsonPropertyDescription("JobManager pods.")
  private JobManagerSpec jobManager = new JobManagerSpec();

  @JsonPropertyDescription("TaskManager pods.")
  private TaskManagerSpec taskManager = new TaskManagerSpec();

  @JsonPropertyDescription(
      "Checkpointing. Required: the operator recovers jobs from their checkpoints, which are always retained on cancellation.")
  @Required
  private CheckpointingSpec checkpointing;

  @JsonPropertyDescription("Flink high availability. Default: none.")
  private HighAvailabilitySpec highAvailability = new HighAvailabilitySpec();

  @JsonPropertyDescription("Flink's own in-cluster restart strategy. Default: exponential-delay.")
  private RestartStrategySpec restartStrategy = new RestartStrategySpec();

  @JsonPropertyDescription(
      "Which tasks Flink restarts after a task failure: region (default) or full.")
  private FailoverStrategy failoverStrategy = FailoverStrategy.REGION;

  @JsonPropertyDescription(
      "What the operator does when Flink cannot help itself: failure detection thresholds, fencing, restore point and redeploy budget.")
  private RecoverySpec recovery = new RecoverySpec();

  @JsonPropertyDescription(
      "Extra Flink configuration passed through as is. Keys the operator owns (checkpointing, HA, restart strategy, cluster identity, resources) are rejected: set the typed field instead.")
  private Map<String, String> flinkConfiguration = new LinkedHashMap<>();

  @JsonPropertyDescription(
      "Change this number to restart the job now, as an upgrade: per job.upgradeMode (by default stopped with a savepoint and started from it).")
  private long restartNonce = 0;

  public String getImage() {
    return image;
  }

  public void setImage(String image) {
    this.image = image;
  }

  public FlinkVersion getFlinkVersion() {
    return flinkVersion;
  }

  public void setFlinkVersion(FlinkVersion flinkVersion) {
    this.flinkVersion = flinkVersion;
  }

  public DeploymentMode getMode() {
    return mode;
  }

  public void setMode(DeploymentMode mode) {
    this.mode = mode;
  }

  public String getServiceAccount() {
    return serviceAccount;
  }

  public void setServiceAccount(String serviceAccount) {
    this.serviceAccount = serviceAccount;
  }

  public JobSpec getJob() {
    return job;
  }

  public void setJob(JobSpec job) {
    this.job = job;
  }

  public JobManagerSpec getJobManager() {
    return jobManager;
  }

  public void setJobManager(JobManagerSpec jobManager) {
    this.jobManager = jobManager;
  }

  public TaskManagerSpec getTaskManager() {
    return taskManager;
  }

  public void setTaskManager(TaskManagerSpec taskManager) {
    this.taskManager = taskManager;
  }

  public CheckpointingSpec getCheckpointing() {
    return checkpointing;
  }

  public void setCheckpointing(CheckpointingSpec checkpointing) {
    this.checkpointing = checkpointing;
  }

  public HighAvailabilitySpec getHighAvailability() {
    return highAvailability;
  }

  public void setHighAvailability(HighAvailabilitySpec highAvailability) {
    this.highAvailability = highAvailability;
  }

  public RestartStrategySpec getRestartStrategy() {
    return restartStrategy;
  }

  public void setRestartStrategy(RestartStrategySpec restartStrategy) {
    this.restartStrategy = restartStrategy;
  }

  public FailoverStrategy getFailoverStrategy() {
    return failoverStrategy;
  }

  public void setFailoverStrategy(FailoverStrategy failoverStrategy) {
    this.failoverStrategy = failoverStrategy;
  }

  public RecoverySpec getRecovery() {
    return recovery;
  }

  public void setRecovery(RecoverySpec recovery) {
    this.recovery = recovery;
  }

  public Map<String, String> getFlinkConfiguration() {
    return flinkConfiguration;
  }

  public void setFlinkConfiguration(Map<String, String> flinkConfiguration) {
    this.flinkConfiguration = flinkConfiguration;
  }

  public long getRestartNonce() {
    return restartNonce;
  }

  public void setRestartNonce(long restartNonce) {
    this.restartNonce = restartNonce;
  }
}
