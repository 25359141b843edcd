package dev.flinkresilience.operator.api.v1alpha1;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonPropertyDescription;
import io.fabric8.generator.annotation.Max;
import io.fabric8.generator.annotation.Min;
import io.fabric8.generator.annotation.Pattern;
import io.fabric8.generator.annotation.Size;
import io.fabric8.generator.annotation.ValidationRule;

/** exponential-delay restart strategy. */
@JsonInclude(JsonInclude.Include.NON_NULL)
public class ExponentialDelaySpec {

  @JsonPropertyDescription(
      "A duration such as 500ms, 20s, 5m or 1h. First delay. Default: 1s. At most 24h.")
  @Pattern("^(0|([0-9]+(\\.[0-9]+)?(ms|s|m|h))+)$")
  // A length bound also caps the API server's cost estimate of the rule below.
  @Size(max = 64)
  @ValidationRule(value = "duration(self) <= duration('24h')", message = "must be at most 24h")
  private String initialBackoff = "1s";

  @JsonPropertyDescription(
      "A duration such as 500ms, 20s, 5m or 1h. Largest delay. Default: 1m. At most 24h.")
  @Pattern("^(0|([0-9]+(\\.[0-9]+)?(ms|s|m|h))+)$")
  // A length bound also caps the API server's cost estimate of the rule below.
  @Size(max = 64)
  @ValidationRule(value = "duration(self) <= duration('24h')", message = "must be at most 24h")
  private String maxBackoff = "1m";

  @JsonPropertyDescription("Factor applied to the delay after each failure. Default: 1.5.")
  @Min(1)
  private double multiplier = 1.5;

  @JsonPropertyDescription(
      "A duration such as 500ms, 20s, 5m or 1h. Running this long without failure resets the delay. Default: 1h. At most 8760h (365 days).")
  @Pattern("^(0|([0-9]+(\\.[0-9]+)?(ms|s|m|h))+)$")
  // A length bound also caps the API server's cost estimate of the rule below.
  @Size(max = 64)
  @ValidationRule(
      value = "duration(self) <= duration('8760h')",
      message = "must be at most 8760h (365 days)")
  private String resetThreshold = "1h";

  @JsonPropertyDescription("Random fraction added to each delay. Default: 0.1.")
  @Min(0)
  @Max(1)
  private double jitter = 0.1;

  public String getInitialBackoff() {
    return initialBackoff;
  }

  public void setInitialBackoff(String initialBackoff) {
    this.initialBackoff = initialBackoff;
  }

  public String getMaxBackoff() {
    return maxBackoff;
  }

  public void setMaxBackoff(String maxBackoff) {
    this.maxBackoff = maxBackoff;
  }

  public double getMultiplier() {
    return multiplier;
  }

  public void setMultiplier(double multiplier) {
    this.multiplier = multiplier;
  }

  public String getResetThreshold() {
    return resetThreshold;
  }

  public void setResetThreshold(String resetThreshold) {
    this.resetThreshold = resetThreshold;
  }

  public double getJitter() {
    return jitter;
  }

  public void setJitter(double jitter) {
    this.jitter = jitter;
  }
}
