package dev.flinkresilience.operator.api.v1alpha1;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonPropertyDescription;
import io.fabric8.generator.annotation.Max;
import io.fabric8.generator.annotation.Min;
import io.fabric8.generator.annotation.Required;
import java.util.ArrayList;
import java.util.List;

/** The Flink job. */
@JsonInclude(JsonInclude.Include.NON_NULL)
public class JobSpec {

  @JsonPropertyDescription(
      "URI of the job jar as the JobManager sees it, e.g. local:///opt/flink/usrlib/orders.jar.")
  @Required
  private String jarURI;

  @JsonPropertyDescription("Main class of the job. Empty: taken from the jar manifest.")
  private String entryClass;

  @JsonPropertyDescription("Arguments passed to the main class.")
  private List<String> args = new ArrayList<>();

  @JsonPropertyDescription("Default parallelism of the job. Default: 1.")
  @Min(1)
  @Max(32768)
  private int parallelism = 1;

  @JsonPropertyDescription(
      "running (default) or suspended. Suspending stops the job per upgradeMode (by default with a savepoint) and tears the cluster down, keeping checkpoints and savepoints; resuming starts from that savepoint, or per upgradeMode when none was taken.")
  private JobState state = JobState.RUNNING;

  @JsonPropertyDescription("Savepoint or checkpoint to start from on the first deployment only.")
  private String initialSavepointPath;

  @JsonPropertyDescription(
      "Allow restoring a savepoint or checkpoint whose state no longer maps to an operator of the job.")
  private boolean allowNonRestoredState = false;

  @JsonPropertyDescription(
      "How an upgrade, a suspend or a new restartNonce carries the job's state over. savepoint (default): stop the job with a savepoint through Flink's REST API and start from exactly that savepoint; when the job is not RUNNING, its REST API does not answer, or the savepoint fails or times out, falls back to last-state (Warning event SavepointFallback). last-state: tear the cluster down, then start from the newest checkpoint that exists in the checkpoint storage. stateless: tear down and start from empty state.")
  private UpgradeMode upgradeMode = UpgradeMode.SAVEPOINT;

  @JsonPropertyDescription(
      "How long a stop with a savepoint may take before the operator falls back to last-state, e.g. 5m. Default: 5m.")
  private String savepointTimeout = "5m";

  @JsonPropertyDescription(
      "Change this number to take a savepoint now, into checkpointing.savepointDirectory; the job keeps running. Each new value takes one savepoint (also across operator restarts); the value a job is created with takes none. Listed in status.savepoints with reason Manual.")
  @Min(0)
  private long savepointNonce = 0;

  @JsonPropertyDescription(
      "Take a savepoint this often while the job runs, e.g. 1h (at least 10s; needs checkpointing.savepointDirectory). Timed from the newest savepoint in status.savepoints (completed or attempted, of any reason) or the deployment, so an operator restart neither resets nor doubles the schedule. Empty or 0: no periodic savepoints.")
  private String savepointInterval;

  @JsonPropertyDescription(
      "Retention of the savepoints the operator took (status.savepoints): older ones are disposed through Flink's REST API. Absent: nothing is disposed and status lists the last 10.")
  private SavepointHistorySpec savepointHistory;

  public long getSavepointNonce() {
    return savepointNonce;
  }

  public void setSavepointNonce(long savepointNonce) {
    this.savepointNonce = savepointNonce;
  }

  public String getSavepointInterval() {
    return savepointInterval;
  }

  public void setSavepointInterval(String savepointInterval) {
    this.savepointInterval = savepointInterval;
  }

  public SavepointHistorySpec getSavepointHistory() {
    return savepointHistory;
  }

  public void setSavepointHistory(SavepointHistorySpec savepointHistory) {
    this.savepointHistory = savepointHistory;
  }

  public String getJarURI() {
    return jarURI;
  }

  public void setJarURI(String jarURI) {
    this.jarURI = jarURI;
  }

  public String getEntryClass() {
    return entryClass;
  }

  public void setEntryClass(String entryClass) {
    this.entryClass = entryClass;
  }

  public List<String> getArgs() {
    return args;
  }

  public void setArgs(List<String> args) {
    this.args = args;
  }

  public int getParallelism() {
    return parallelism;
  }

  public void setParallelism(int parallelism) {
    this.parallelism = parallelism;
  }

  public JobState getState() {
    return state;
  }

  public void setState(JobState state) {
    this.state = state;
  }

  public String getInitialSavepointPath() {
    return initialSavepointPath;
  }

  public void setInitialSavepointPath(String initialSavepointPath) {
    this.initialSavepointPath = initialSavepointPath;
  }

  public UpgradeMode getUpgradeMode() {
    return upgradeMode;
  }

  public void setUpgradeMode(UpgradeMode upgradeMode) {
    this.upgradeMode = upgradeMode;
  }

  public String getSavepointTimeout() {
    return savepointTimeout;
  }

  public void setSavepointTimeout(String savepointTimeout) {
    this.savepointTimeout = savepointTimeout;
  }

  public boolean isAllowNonRestoredState() {
    return allowNonRestoredState;
  }

  public void setAllowNonRestoredState(boolean allowNonRestoredState) {
    this.allowNonRestoredState = allowNonRestoredState;
  }
}
