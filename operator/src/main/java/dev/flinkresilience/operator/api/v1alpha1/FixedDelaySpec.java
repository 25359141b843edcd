package dev.flinkresilience.operator.api.v1alpha1;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonPropertyDescription;
import io.fabric8.generator.annotation.Max;
import io.fabric8.generator.annotation.Min;
import io.fabric8.generator.annotation.Pattern;
import io.fabric8.generator.annotation.Size;
import io.fabric8.generator.annotation.ValidationRule;

/** fixed-delay restart strategy. */
@JsonInclude(JsonInclude.Include.NON_NULL)
public class FixedDelaySpec {

  @JsonPropertyDescription("Restarts before the job fails. Default: 10.")
  @Min(0)
  @Max(1000000)
  private int attempts = 10;

  @JsonPropertyDescription(
      "A duration such as 500ms, 20s, 5m or 1h. Delay between restarts. Default: 10s. At most 24h.")
  @Pattern("^(0|([0-9]+(\\.[0-9]+)?(ms|s|m|h))+)$")
  // A length bound also caps the API server's cost estimate of the rule below.
  @Size(max = 64)
  @ValidationRule(value = "duration(self) <= duration('24h')", message = "must be at most 24h")
  private String delay = "10s";

  public int getAttempts() {
    return attempts;
  }

  public void setAttempts(int attempts) {
    this.attempts = attempts;
  }

  public String getDelay() {
    return delay;
  }

  public void setDelay(String delay) {
    this.delay = delay;
  }
}
