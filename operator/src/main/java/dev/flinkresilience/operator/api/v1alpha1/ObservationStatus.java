package dev.flinkresilience.operator.api.v1alpha1;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonPropertyDescription;

/**
 * A problem polling Flink's REST API; absent while polls succeed (so that a healthy job's status is
 * not rewritten on every poll).
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
public class ObservationStatus {

  @JsonPropertyDescription("When the last failed poll ended (RFC 3339).")
  private String lastPolledAt;

  @JsonPropertyDescription("Why the last poll failed.")
  private String problem;

  @JsonPropertyDescription("When polls started failing (RFC 3339).")
  private String problemSince;

  @JsonPropertyDescription("Consecutive failed polls.")
  private Integer failedPolls;

  public String getLastPolledAt() {
    return lastPolledAt;
  }

  public void setLastPolledAt(String lastPolledAt) {
    this.lastPolledAt = lastPolledAt;
  }

  public String getProblem() {
    return problem;
  }

  public void setProblem(String problem) {
    this.problem = problem;
  }

  public String getProblemSince() {
    return problemSince;
  }

  public void setProblemSince(String problemSince) {
    this.problemSince = problemSince;
  }

  public Integer getFailedPolls() {
    return failedPolls;
  }

  public void setFailedPolls(Integer failedPolls) {
    this.failedPolls = failedPolls;
  }
}
