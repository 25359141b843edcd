package dev.flinkresilience.operator.api.v1alpha1;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonPropertyDescription;
import io.fabric8.generator.annotation.Max;
import io.fabric8.generator.annotation.Min;
import io.fabric8.generator.annotation.Pattern;
import io.fabric8.generator.annotation.Required;
import io.fabric8.generator.annotation.Size;
import io.fabric8.generator.annotation.ValidationRule;

/** Checkpointing. */
@JsonInclude(JsonInclude.Include.NON_NULL)
public class CheckpointingSpec {

  @JsonPropertyDescription(
      "A duration such as 500ms, 20s, 5m or 1h. Time between checkpoints. Default: 30s. At most 24h.")
  @Pattern("^(0|([0-9]+(\\.[0-9]+)?(ms|s|m|h))+)$")
  // A length bound also caps the API server's cost estimate of the rule below.
  @Size(max = 64)
  @ValidationRule(value = "duration(self) <= duration('24h')", message = "must be at most 24h")
  private String interval = "30s";

  @JsonPropertyDescription(
      "Durable checkpoint storage reachable by every JobManager and TaskManager, e.g. s3://bucket/checkpoints.")
  @Required
  private String directory;

  @JsonPropertyDescription("Default directory for savepoints, e.g. s3://bucket/savepoints.")
  private String savepointDirectory;

  @JsonPropertyDescription("exactly-once (default) or at-least-once.")
  private CheckpointingMode mode = CheckpointingMode.EXACTLY_ONCE;

  @JsonPropertyDescription(
      "A duration such as 500ms, 20s, 5m or 1h. A checkpoint that takes longer is aborted. Default: 10m. At most 24h.")
  @Pattern("^(0|([0-9]+(\\.[0-9]+)?(ms|s|m|h))+)$")
  // A length bound also caps the API server's cost estimate of the rule below.
  @Size(max = 64)
  @ValidationRule(value = "duration(self) <= duration('24h')", message = "must be at most 24h")
  private String timeout = "10m";

  @JsonPropertyDescription(
      "A duration such as 500ms, 20s, 5m or 1h. Minimum pause between the end of one checkpoint and the start of the next. Default: 0s. At most 24h.")
  @Pattern("^(0|([0-9]+(\\.[0-9]+)?(ms|s|m|h))+)$")
  // A length bound also caps the API server's cost estimate of the rule below.
  @Size(max = 64)
  @ValidationRule(value = "duration(self) <= duration('24h')", message = "must be at most 24h")
  private String minPause = "0s";

  @JsonPropertyDescription("Maximum checkpoints in flight at once. Default: 1.")
  @Min(1)
  @Max(100)
  private int maxConcurrent = 1;

  @JsonPropertyDescription(
      "Consecutive checkpoint failures tolerated before the job fails. Default: 3.")
  @Min(0)
  private int tolerableFailures = 3;

  @JsonPropertyDescription(
      "Completed checkpoints Flink keeps. The one recorded in status must still exist when a redeploy restores it, and the record lags Flink by up to a poll: the default keeps 15 s of checkpoints, at least 3.")
  @Min(1)
  private Integer retained;

  @JsonPropertyDescription("hashmap (default) or rocksdb.")
  private StateBackend stateBackend = StateBackend.HASHMAP;

  @JsonPropertyDescription("Incremental checkpoints (rocksdb).")
  private boolean incremental = false;

  public String getInterval() {
    return interval;
  }

  public void setInterval(String interval) {
    this.interval = interval;
  }

  public String getDirectory() {
    return directory;
  }

  public void setDirectory(String directory) {
    this.directory = directory;
  }

  public String getSavepointDirectory() {
    return savepointDirectory;
  }

  public void setSavepointDirectory(String savepointDirectory) {
    this.savepointDirectory = savepointDirectory;
  }

  public CheckpointingMode getMode() {
    return mode;
  }

  public void setMode(CheckpointingMode mode) {
    this.mode = mode;
  }

  public String getTimeout() {
    return timeout;
  }

  public void setTimeout(String timeout) {
    this.timeout = timeout;
  }

  public String getMinPause() {
    return minPause;
  }

  public void setMinPause(String minPause) {
    this.minPause = minPause;
  }

  public int getMaxConcurrent() {
    return maxConcurrent;
  }

  public void setMaxConcurrent(int maxConcurrent) {
    this.maxConcurrent = maxConcurrent;
  }

  public int getTolerableFailures() {
    return tolerableFailures;
  }

  public void setTolerableFailures(int tolerableFailures) {
    this.tolerableFailures = tolerableFailures;
  }

  public StateBackend getStateBackend() {
    return stateBackend;
  }

  public void setStateBackend(StateBackend stateBackend) {
    this.stateBackend = stateBackend;
  }

  public boolean isIncremental() {
    return incremental;
  }

  public void setIncremental(boolean incremental) {
    this.incremental = incremental;
  }

  public Integer getRetained() {
    return retained;
  }

  public void setRetained(Integer retained) {
    this.retained = retained;
  }
}
