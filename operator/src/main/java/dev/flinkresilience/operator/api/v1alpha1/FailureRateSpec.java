package dev.flinkresilience.operator.api.v1alpha1;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonPropertyDescription;
import io.fabric8.generator.annotation.Min;
import io.fabric8.generator.annotation.Pattern;

/** failure-rate restart strategy. */
@JsonInclude(JsonInclude.Include.NON_NULL)
public class FailureRateSpec {

  @JsonPropertyDescription("Failures within interval before the job fails. Default: 3.")
  @Min(1)
  private int maxFailuresPerInterval = 3;

  @JsonPropertyDescription(
      "A duration such as 500ms, 20s, 5m or 1h. Window in which failures are counted. Default: 5m.")
  @Pattern("^(0|([0-9]+(\\.[0-9]+)?(ms|s|m|h))+)$")
  private String interval = "5m";

  @JsonPropertyDescription(
      "A duration such as 500ms, 20s, 5m or 1h. Delay between restarts. Default: 10s.")
  @Pattern("^(0|([0-9]+(\\.[0-9]+)?(ms|s|m|h))+)$")
  private String delay = "10s";

  public int getMaxFailuresPerInterval() {
    return maxFailuresPerInterval;
  }

  public void setMaxFailuresPerInterval(int maxFailuresPerInterval) {
    this.maxFailuresPerInterval = maxFailuresPerInterval;
  }

  public String getInterval() {
    return interval;
  }

  public void setInterval(String interval) {
    this.interval = interval;
  }

  public String getDelay() {
    return delay;
  }

  public void setDelay(String delay) {
    this.delay = delay;
  }
}
