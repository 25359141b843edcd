package dev.flinkresilience.operator.validate;

import static dev.flinkresilience.operator.validate.ValidationCases.accepted;
import static dev.flinkresilience.operator.validate.ValidationCases.spec;

import dev.flinkresilience.operator.api.v1alpha1.RestartStrategyType;
import dev.flinkresilience.operator.validate.ValidationCases.Accepted;
import dev.flinkresilience.operator.validate.ValidationCases.Rejected;
import java.util.stream.Stream;

class RestartStrategyRulesTest extends ValidationTable {
  private static final String RS = "spec.restartStrategy";
  private static final String ED = RS + ".exponentialDelay";

  @Override
  Stream<Rejected> rejectedRows() {
    return Stream.of(
        spec("no restartStrategy", s -> s.setRestartStrategy(null), RS, "is required"),
        spec(
            "no restart type",
            s -> s.getRestartStrategy().setType(null),
            RS + ".type",
            "fixed-delay, failure-rate, exponential-delay, none"),
        spec(
            "fixed-delay without settings",
            s -> {
              s.getRestartStrategy().setType(RestartStrategyType.FIXED_DELAY);
              s.getRestartStrategy().setFixedDelay(null);
            },
            RS + ".fixedDelay",
            "fixed-delay"),
        spec(
            "negative attempts",
            s -> s.getRestartStrategy().getFixedDelay().setAttempts(-1),
            RS + ".fixedDelay.attempts",
            "at least 0"),
        spec(
            "fixed delay without unit",
            s -> s.getRestartStrategy().getFixedDelay().setDelay("10"),
            RS + ".fixedDelay.delay",
            "'10'"),
        spec(
            "failure-rate without settings",
            s -> {
              s.getRestartStrategy().setType(RestartStrategyType.FAILURE_RATE);
              s.getRestartStrategy().setFailureRate(null);
            },
            RS + ".failureRate",
            "failure-rate"),
        spec(
            "no failures per interval",
            s -> s.getRestartStrategy().getFailureRate().setMaxFailuresPerInterval(0),
            RS + ".failureRate.maxFailuresPerInterval",
            "at least 1"),
        spec(
            "zero failure interval",
            s -> s.getRestartStrategy().getFailureRate().setInterval("0s"),
            RS + ".failureRate.interval",
            "greater than 0"),
        spec(
            "failure-rate delay garbage",
            s -> s.getRestartStrategy().getFailureRate().setDelay("soon"),
            RS + ".failureRate.delay",
            "'soon'"),
        spec(
            "no exponential settings",
            s -> s.getRestartStrategy().setExponentialDelay(null),
            ED,
            "exponential-delay"),
        spec(
            "zero initial backoff",
            s -> s.getRestartStrategy().getExponentialDelay().setInitialBackoff("0ms"),
            ED + ".initialBackoff",
            "greater than 0"),
        spec(
            "sub-millisecond initial backoff",
            s -> s.getRestartStrategy().getExponentialDelay().setInitialBackoff("0.4ms"),
            ED + ".initialBackoff",
            "greater than 0"),
        spec(
            "max backoff below initial",
            s -> {
              s.getRestartStrategy().getExponentialDelay().setInitialBackoff("2m");
              s.getRestartStrategy().getExponentialDelay().setMaxBackoff("1m");
            },
            ED + ".maxBackoff",
            "at least initialBackoff ('2m')"),
        spec(
            "multiplier of 1",
            s -> s.getRestartStrategy().getExponentialDelay().setMultiplier(1.0),
            ED + ".multiplier",
            "greater than 1"),
        spec(
            "multiplier below 1",
            s -> s.getRestartStrategy().getExponentialDelay().setMultiplier(0.5),
            ED + ".multiplier",
            "got 0.5"),
        spec(
            "NaN multiplier",
            s -> s.getRestartStrategy().getExponentialDelay().setMultiplier(Double.NaN),
            ED + ".multiplier",
            "finite"),
        spec(
            "infinite multiplier",
            s ->
                s.getRestartStrategy()
                    .getExponentialDelay()
                    .setMultiplier(Double.POSITIVE_INFINITY),
            ED + ".multiplier",
            "finite"),
        spec(
            "zero reset threshold",
            s -> s.getRestartStrategy().getExponentialDelay().setResetThreshold("0s"),
            ED + ".resetThreshold",
            "greater than 0"),
        spec(
            "negative jitter",
            s -> s.getRestartStrategy().getExponentialDelay().setJitter(-0.1),
            ED + ".jitter",
            "between 0 and 1"),
        spec(
            "jitter above 1",
            s -> s.getRestartStrategy().getExponentialDelay().setJitter(1.5),
            ED + ".jitter",
            "between 0 and 1"),
        spec(
            "NaN jitter",
            s -> s.getRestartStrategy().getExponentialDelay().setJitter(Double.NaN),
            ED + ".jitter",
            "NaN"),
        spec(
            "broken settings of an unused type",
            s -> s.getRestartStrategy().getFixedDelay().setDelay("-1s"),
            RS + ".fixedDelay.delay",
            "duration"));
  }

  @Override
  Stream<Accepted> acceptedRows() {
    return Stream.of(
        accepted(
            "none without any settings",
            s -> {
              s.getRestartStrategy().setType(RestartStrategyType.NONE);
              s.getRestartStrategy().setFixedDelay(null);
              s.getRestartStrategy().setFailureRate(null);
              s.getRestartStrategy().setExponentialDelay(null);
            }),
        accepted(
            "fixed-delay without exponential settings",
            s -> {
              s.getRestartStrategy().setType(RestartStrategyType.FIXED_DELAY);
              s.getRestartStrategy().setExponentialDelay(null);
              s.getRestartStrategy().getFixedDelay().setAttempts(0);
              s.getRestartStrategy().getFixedDelay().setDelay("0s");
            }),
        accepted(
            "failure-rate", s -> s.getRestartStrategy().setType(RestartStrategyType.FAILURE_RATE)),
        accepted("no jitter", s -> s.getRestartStrategy().getExponentialDelay().setJitter(0)),
        accepted("full jitter", s -> s.getRestartStrategy().getExponentialDelay().setJitter(1)),
        accepted(
            "barely backing off",
            s -> s.getRestartStrategy().getExponentialDelay().setMultiplier(1.001)),
        accepted(
            "equal backoffs",
            s -> s.getRestartStrategy().getExponentialDelay().setMaxBackoff("1s")));
  }
}
