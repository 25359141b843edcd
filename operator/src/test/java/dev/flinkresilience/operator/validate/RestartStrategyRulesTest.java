package dev.flinkresilience.operator.validate;

import static dev.flinkresilience.operator.validate.ValidationCases.accepted;
import static dev.flinkresilience.operator.validate.ValidationCases.bound;
import static dev.flinkresilience.operator.validate.ValidationCases.spec;

import dev.flinkresilience.operator.api.v1alpha1.RestartStrategyType;
import dev.flinkresilience.operator.validate.ValidationCases.Accepted;
import dev.flinkresilience.operator.validate.ValidationCases.Bound;
import dev.flinkresilience.operator.validate.ValidationCases.Rejected;
import java.util.List;
import java.util.stream.Stream;

class RestartStrategyRulesTest extends ValidationTable {
  /** Each upper bound of the section: at it valid, just over it refused. */
  private static final List<Bound> BOUNDS =
      List.of(
          bound(
              "fixedDelay attempts",
              s -> s.getRestartStrategy().getFixedDelay().setAttempts(1_000_000),
              s -> s.getRestartStrategy().getFixedDelay().setAttempts(1_000_001),
              "spec.restartStrategy.fixedDelay.attempts",
              "at most 1000000"),
          bound(
              "fixedDelay delay",
              s -> s.getRestartStrategy().getFixedDelay().setDelay("24h"),
              s -> s.getRestartStrategy().getFixedDelay().setDelay("24h1ms"),
              "spec.restartStrategy.fixedDelay.delay",
              "at most 24h"),
          bound(
              "failureRate maxFailuresPerInterval",
              s -> s.getRestartStrategy().getFailureRate().setMaxFailuresPerInterval(1_000_000),
              s -> s.getRestartStrategy().getFailureRate().setMaxFailuresPerInterval(1_000_001),
              "spec.restartStrategy.failureRate.maxFailuresPerInterval",
              "at most 1000000"),
          bound(
              "failureRate interval",
              s -> s.getRestartStrategy().getFailureRate().setInterval("8760h"),
              s -> s.getRestartStrategy().getFailureRate().setInterval("8760h1ms"),
              "spec.restartStrategy.failureRate.interval",
              "at most 8760h"),
          bound(
              "failureRate delay",
              s -> s.getRestartStrategy().getFailureRate().setDelay("24h"),
              s -> s.getRestartStrategy().getFailureRate().setDelay("24h1ms"),
              "spec.restartStrategy.failureRate.delay",
              "at most 24h"),
          bound(
              "exponentialDelay initialBackoff",
              s -> {
                s.getRestartStrategy().getExponentialDelay().setInitialBackoff("24h");
                s.getRestartStrategy().getExponentialDelay().setMaxBackoff("24h");
              },
              s -> s.getRestartStrategy().getExponentialDelay().setInitialBackoff("24h1ms"),
              "spec.restartStrategy.exponentialDelay.initialBackoff",
              "at most 24h"),
          bound(
              "exponentialDelay maxBackoff",
              s -> s.getRestartStrategy().getExponentialDelay().setMaxBackoff("24h"),
              s -> s.getRestartStrategy().getExponentialDelay().setMaxBackoff("24h1ms"),
              "spec.restartStrategy.exponentialDelay.maxBackoff",
              "at most 24h"),
          bound(
              "exponentialDelay resetThreshold",
              s -> s.getRestartStrategy().getExponentialDelay().setResetThreshold("8760h"),
              s -> s.getRestartStrategy().getExponentialDelay().setResetThreshold("8760h1ms"),
              "spec.restartStrategy.exponentialDelay.resetThreshold",
              "at most 8760h"));

  private static final String RS = "spec.restartStrategy";
  private static final String ED = RS + ".exponentialDelay";

  @Override
  Stream<Rejected> rejectedRows() {
    return Stream.concat(
        BOUNDS.stream().map(Bound::rejected),
        Stream.of(
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
                "duration")));
  }

  @Override
  Stream<Accepted> acceptedRows() {
    return Stream.concat(
        BOUNDS.stream().map(Bound::accepted),
        Stream.of(
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
                "failure-rate",
                s -> s.getRestartStrategy().setType(RestartStrategyType.FAILURE_RATE)),
            accepted("no jitter", s -> s.getRestartStrategy().getExponentialDelay().setJitter(0)),
            accepted("full jitter", s -> s.getRestartStrategy().getExponentialDelay().setJitter(1)),
            accepted(
                "barely backing off",
                s -> s.getRestartStrategy().getExponentialDelay().setMultiplier(1.001)),
            accepted(
                "equal backoffs",
                s -> s.getRestartStrategy().getExponentialDelay().setMaxBackoff("1s"))));
  }
}
