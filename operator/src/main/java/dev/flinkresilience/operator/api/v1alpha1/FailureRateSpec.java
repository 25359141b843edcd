package dev.flinkresilience.operator.api.v1alpha1;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonPropertyDescription;
import io.fabric8.generator.annotation.Max;
import io.fabric8.generator.annotation.Min;
import io.fabric8.generator.annotation.Pattern;
import io.fabric8.generator.annotation.Size;
import io.fabric8.generator.annotation.ValidationRule;

/** failure-rate restart strategy. */
@JsonInclude(JsonInclude.Include.NON_NULL)
public class FailureRateSpec {

  @JsonPropertyDescription("Failures within interval before the job fails. Default: 3.")
  @Min(1)
  @Max(1000000)
  private int maxFailuresPerInterval = 3;

  @JsonPropertyDescription(
      "A duration such as 500ms, 20s, 5m or 1h. Window in which failures are counted. Default: 5m. At most 8760h (365 days).")
  @Pattern("^(0|([0-9]+(\\.[0-9]+)?(ms|s|m|h))+)$")
  // A length bound also caps the API server's cost estimate of the rule below.
  @Size(max = 64)
  @ValidationRule(
      value = "duration(self) <= duration('8760h')",
      message = "must be at most 8760h (365 days)")
  private String interval = "5m";

  @JsonPropertyDescription(
      "A duration such as 500ms, 20s, 5m or 1h. Delay between restarts. Default: 10s. At most 24h.")
  @Pattern("^(0|([0-9]+(\\.[0-9]+)?(ms|s|m|h))+)$")
  // A length bound also caps the API server's cost estimate of the rule below.
  @Size(max = 64)
  @ValidationRule(value = "duration(self) <= duration('24h')", message = "must be at most 24h")
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
