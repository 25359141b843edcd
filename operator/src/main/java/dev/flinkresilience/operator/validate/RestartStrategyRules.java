package dev.flinkresilience.operator.validate;

import dev.flinkresilience.operator.api.v1alpha1.ExponentialDelaySpec;
import dev.flinkresilience.operator.api.v1alpha1.FailureRateSpec;
import dev.flinkresilience.operator.api.v1alpha1.FixedDelaySpec;
import dev.flinkresilience.operator.api.v1alpha1.RestartStrategySpec;
import dev.flinkresilience.operator.api.v1alpha1.RestartStrategyType;
import java.time.Duration;
import java.util.Optional;

/**
 * Rules for {@code spec.restartStrategy}. The settings of the chosen type are required; those of
 * the other types are checked when present, as the CRD schema does, so a switch of type cannot
 * bring a broken section to life. The bounds are the ones Flink's restart strategies check when the
 * job starts, where a violation would only show up as a crashing JobManager.
 */
final class RestartStrategyRules {
  private static final String PREFIX = "spec.restartStrategy.";

  private RestartStrategyRules() {}

  static void check(RestartStrategySpec rs, Violations v) {
    if (!v.required(
        "spec.restartStrategy", rs, "restart strategy settings (omit the field for defaults)")) {
      return;
    }
    RestartStrategyType type = rs.getType();
    v.requiredEnum(PREFIX + "type", type, RestartStrategyType.class);
    requiredFor(type, RestartStrategyType.FIXED_DELAY, "fixedDelay", rs.getFixedDelay(), v);
    requiredFor(type, RestartStrategyType.FAILURE_RATE, "failureRate", rs.getFailureRate(), v);
    requiredFor(
        type,
        RestartStrategyType.EXPONENTIAL_DELAY,
        "exponentialDelay",
        rs.getExponentialDelay(),
        v);
    if (rs.getFixedDelay() != null) {
      fixedDelay(rs.getFixedDelay(), v);
    }
    if (rs.getFailureRate() != null) {
      failureRate(rs.getFailureRate(), v);
    }
    if (rs.getExponentialDelay() != null) {
      exponentialDelay(rs.getExponentialDelay(), v);
    }
  }

  private static void requiredFor(
      RestartStrategyType chosen,
      RestartStrategyType owner,
      String section,
      Object settings,
      Violations v) {
    if (chosen == owner) {
      v.required(PREFIX + section, settings, "the settings of type " + owner);
    }
  }

  private static void fixedDelay(FixedDelaySpec fd, Violations v) {
    v.between(PREFIX + "fixedDelay.attempts", fd.getAttempts(), 0, Limits.RESTARTS, "");
    v.duration(PREFIX + "fixedDelay.delay", fd.getDelay(), Limits.DAY);
  }

  private static void failureRate(FailureRateSpec fr, Violations v) {
    v.between(
        PREFIX + "failureRate.maxFailuresPerInterval",
        fr.getMaxFailuresPerInterval(),
        1,
        Limits.RESTARTS,
        "");
    v.positiveDuration(PREFIX + "failureRate.interval", fr.getInterval(), Limits.YEAR);
    v.duration(PREFIX + "failureRate.delay", fr.getDelay(), Limits.DAY);
  }

  private static void exponentialDelay(ExponentialDelaySpec ed, Violations v) {
    String field = PREFIX + "exponentialDelay.";
    Optional<Duration> initial =
        v.positiveDuration(field + "initialBackoff", ed.getInitialBackoff(), Limits.DAY);
    Optional<Duration> max =
        v.positiveDuration(field + "maxBackoff", ed.getMaxBackoff(), Limits.DAY);
    if (initial.isPresent() && max.isPresent() && max.get().compareTo(initial.get()) < 0) {
      v.add(
          field + "maxBackoff",
          "must be at least initialBackoff ("
              + Violations.echo(ed.getInitialBackoff())
              + "); got "
              + Violations.echo(ed.getMaxBackoff()));
    }
    // Flink requires a multiplier strictly greater than 1 (1.0 would never back off), although the
    // CRD schema's minimum is 1.
    double multiplier = ed.getMultiplier();
    if (!(multiplier > 1) || Double.isInfinite(multiplier)) {
      v.add(
          field + "multiplier",
          "must be a finite number greater than 1, such as 1.5 or 2; got " + multiplier);
    }
    v.positiveDuration(field + "resetThreshold", ed.getResetThreshold(), Limits.YEAR);
    double jitter = ed.getJitter();
    if (!(jitter >= 0 && jitter <= 1)) {
      v.add(field + "jitter", "must be between 0 and 1, such as 0.1; got " + jitter);
    }
  }
}
