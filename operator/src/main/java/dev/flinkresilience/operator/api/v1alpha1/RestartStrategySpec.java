package dev.flinkresilience.operator.api.v1alpha1;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonPropertyDescription;

/** Flink's in-cluster restart strategy. */
@JsonInclude(JsonInclude.Include.NON_NULL)
public class RestartStrategySpec {

  @JsonPropertyDescription("fixed-delay, failure-rate, exponential-delay (default) or none.")
  private RestartStrategyType type = RestartStrategyType.EXPONENTIAL_DELAY;

  @JsonPropertyDescription("Settings of fixed-delay.")
  private FixedDelaySpec fixedDelay = new FixedDelaySpec();

  @JsonPropertyDescription("Settings of failure-rate.")
  private FailureRateSpec failureRate = new FailureRateSpec();

  @JsonPropertyDescription("Settings of exponential-delay.")
  private ExponentialDelaySpec exponentialDelay = new ExponentialDelaySpec();

  public RestartStrategyType getType() {
    return type;
  }

  public void setType(RestartStrategyType type) {
    this.type = type;
  }

  public FixedDelaySpec getFixedDelay() {
    return fixedDelay;
  }

  public void setFixedDelay(FixedDelaySpec fixedDelay) {
    this.fixedDelay = fixedDelay;
  }

  public FailureRateSpec getFailureRate() {
    return failureRate;
  }

  public void setFailureRate(FailureRateSpec failureRate) {
    this.failureRate = failureRate;
  }

  public ExponentialDelaySpec getExponentialDelay() {
    return exponentialDelay;
  }

  public void setExponentialDelay(ExponentialDelaySpec exponentialDelay) {
    this.exponentialDelay = exponentialDelay;
  }
}
