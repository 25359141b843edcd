package dev.flinkresilience.operator.validate;

import dev.flinkresilience.operator.api.v1alpha1.FlinkResilientJobSpec;
import dev.flinkresilience.operator.api.v1alpha1.JobSpec;
import dev.flinkresilience.operator.api.v1alpha1.SavepointHistorySpec;
import java.time.Duration;
import java.util.Optional;

/**
 * Rules for savepoints on demand and on a schedule ({@code job.savepointNonce}, {@code
 * job.savepointInterval}, {@code job.savepointHistory}). They span two sections: a savepoint needs
 * {@code checkpointing.savepointDirectory}, which Flink writes it into.
 */
final class SavepointRules {
  /**
   * A savepoint copies the whole state; more often than this one would nearly always be in flight,
   * and a checkpoint interval is the tool for frequent snapshots.
   */
  static final Duration MIN_INTERVAL = Duration.ofSeconds(10);

  private static final String NEEDS_DIRECTORY =
      "needs spec.checkpointing.savepointDirectory: Flink has nowhere to write the savepoint"
          + " (e.g. s3://bucket/savepoints)";

  private SavepointRules() {}

  static void check(FlinkResilientJobSpec spec, Violations v) {
    JobSpec job = spec.getJob();
    if (job == null) {
      return; // JobRules reports it
    }
    boolean directory =
        spec.getCheckpointing() != null
            && !Violations.isBlank(spec.getCheckpointing().getSavepointDirectory());
    v.atLeast("spec.job.savepointNonce", job.getSavepointNonce(), 0);
    if (job.getSavepointNonce() > 0 && !directory) {
      v.add("spec.job.savepointNonce", NEEDS_DIRECTORY);
    }
    interval(job.getSavepointInterval(), v)
        .filter(d -> !d.isZero() && !directory)
        .ifPresent(d -> v.add("spec.job.savepointInterval", NEEDS_DIRECTORY));
    history(job.getSavepointHistory(), v);
  }

  /** The interval, zero when off; empty when invalid (reported). */
  private static Optional<Duration> interval(String text, Violations v) {
    if (text == null || text.isBlank()) {
      return Optional.of(Duration.ZERO);
    }
    Optional<Duration> parsed = v.duration("spec.job.savepointInterval", text, Limits.YEAR);
    if (parsed.isPresent() && !parsed.get().isZero() && parsed.get().compareTo(MIN_INTERVAL) < 0) {
      v.add(
          "spec.job.savepointInterval",
          "must be 0 (off) or at least 10s: a savepoint copies the whole state; got "
              + Violations.echo(text));
      return Optional.empty();
    }
    return parsed;
  }

  private static void history(SavepointHistorySpec history, Violations v) {
    if (history == null) {
      return;
    }
    if (history.getMaxCount() != null) {
      v.between(
          "spec.job.savepointHistory.maxCount",
          history.getMaxCount(),
          1,
          SavepointHistorySpec.MAX_COUNT,
          " (the savepoints status keeps)");
    }
    String maxAge = history.getMaxAge();
    if (maxAge != null && !maxAge.isBlank()) {
      v.positiveDuration("spec.job.savepointHistory.maxAge", maxAge, Limits.YEAR);
    }
  }
}
