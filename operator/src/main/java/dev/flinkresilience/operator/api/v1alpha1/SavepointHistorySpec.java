package dev.flinkresilience.operator.api.v1alpha1;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonPropertyDescription;
import io.fabric8.generator.annotation.Max;
import io.fabric8.generator.annotation.Min;

/**
 * Retention of the savepoints the operator took. Absent: nothing is disposed, and status lists the
 * last 10.
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
public class SavepointHistorySpec {

  /** The most savepoints retention keeps, and the default of {@code maxCount}. */
  public static final int MAX_COUNT = 100;

  @JsonPropertyDescription(
      "Keep at most this many completed savepoints (1 to 100, default 100); older ones are disposed through Flink's REST API (POST /savepoint-disposal). The newest savepoint and the one the job restores from are never disposed.")
  @Min(1)
  @Max(MAX_COUNT)
  private Integer maxCount;

  @JsonPropertyDescription(
      "Dispose completed savepoints older than this, e.g. 168h. Empty: no age limit. The newest savepoint and the one the job restores from are never disposed.")
  private String maxAge;

  public Integer getMaxCount() {
    return maxCount;
  }

  public void setMaxCount(Integer maxCount) {
    this.maxCount = maxCount;
  }

  public String getMaxAge() {
    return maxAge;
  }

  public void setMaxAge(String maxAge) {
    this.maxAge = maxAge;
  }
}
