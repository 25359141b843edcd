package dev.flinkresilience.operator.decide;

import dev.flinkresilience.operator.api.v1alpha1.FlinkResilientJobStatus;
import dev.flinkresilience.operator.api.v1alpha1.JobSpec;
import dev.flinkresilience.operator.api.v1alpha1.SavepointReason;
import dev.flinkresilience.operator.api.v1alpha1.SavepointRecord;
import dev.flinkresilience.operator.api.v1alpha1.SavepointResult;
import dev.flinkresilience.operator.decide.Decision.FollowSavepoint;
import dev.flinkresilience.operator.decide.Decision.SavepointEnded;
import dev.flinkresilience.operator.decide.Decision.TriggerSavepoint;
import dev.flinkresilience.operator.spec.Durations;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.Objects;
import java.util.Optional;
import java.util.UUID;

/**
 * Savepoints while the job keeps running: on demand ({@code job.savepointNonce}) and on a schedule
 * ({@code job.savepointInterval}), then their retention. Consulted only when the job runs its
 * current spec with no operation and no incident. Pure; status is the write-ahead log:
 *
 * <pre>
 *   a savepoint InProgress in status.savepoints?
 *     ├─ of another job id (redeployed meanwhile) ─► SavepointEnded(failed)
 *     ├─ Flink says COMPLETED / FAILED ──────────► SavepointEnded(path / failure)
 *     ├─ older than job.savepointTimeout ────────► SavepointEnded(failed)
 *     └─ else ───────────────────────────────────► FollowSavepoint: POST once Flink does not know
 *                                                   the trigger id (after a restart too), then GET
 *   job RUNNING, REST answering, savepointDirectory set, and a checkpoint completed since the
 *   deployment (its tasks run: Flink says RUNNING while they still start, and refuses a savepoint
 *   then)?
 *     ├─ spec.job.savepointNonce ≠ status.lastSavepointNonce ─► TriggerSavepoint(Manual)
 *     └─ savepointInterval passed since the newest savepoint
 *        (any reason, completed or not) or the deployment ───► TriggerSavepoint(Periodic)
 *   otherwise: SavepointRetention (dispose what job.savepointHistory lets go), or nothing
 * </pre>
 *
 * A TriggerSavepoint only writes the trigger id (and the nonce) to status; the next pass sends it.
 * Timing from status rather than from memory is what keeps an operator restart from resetting or
 * doubling the schedule. A nonce changed while the job cannot take a savepoint (not RUNNING, REST
 * silent) waits until it can; a savepoint that failed is not retried: the nonce was spent, and the
 * schedule runs from the attempt.
 */
public final class SavepointSchedule {
  private SavepointSchedule() {}

  static Optional<Decision> decide(PlanInput in) {
    FlinkResilientJobStatus status = in.status();
    Optional<SavepointRecord> pending =
        status.getSavepoints().stream()
            .filter(r -> r.getResult() == SavepointResult.IN_PROGRESS)
            .reduce((a, b) -> b);
    if (pending.isPresent()) {
      return Optional.of(follow(pending.get(), in));
    }
    // Only once the running deployment has completed a checkpoint, so that its tasks run. Found
    // by the lifecycle scenarios: a periodic savepoint due right after a redeploy was refused by
    // Flink ("Checkpoint triggering task ... is not being executed at the moment") while the job
    // read RUNNING, and recorded as failed with a Warning.
    if (StopWithSavepoint.cannotStop(in).isEmpty()
        && DeploymentCheckpoint.recordedSinceDeployed(status)) {
      JobSpec job = in.desired().spec().getJob();
      long nonce = job.getSavepointNonce();
      if (nonce != handledNonce(status)) {
        return Optional.of(trigger(SavepointReason.MANUAL, nonce, in));
      }
      if (due(in).map(at -> !in.now().isBefore(at)).orElse(false)) {
        return Optional.of(trigger(SavepointReason.PERIODIC, null, in));
      }
    }
    return SavepointRetention.decide(in);
  }

  /**
   * When the next periodic savepoint is due: {@code savepointInterval} after the newest savepoint
   * in status (triggered, of any reason and result) or after the deployment, whichever is later.
   * Empty when periodic savepoints are off.
   */
  public static Optional<Instant> due(PlanInput in) {
    if (in.desired() == null) {
      return Optional.empty();
    }
    Duration interval = interval(in.desired().spec().getJob());
    if (interval.isZero()) {
      return Optional.empty();
    }
    FlinkResilientJobStatus status = in.status();
    Instant base = null;
    for (SavepointRecord r : status.getSavepoints()) {
      base = later(base, StatusTime.of(r.getTriggeredAt()).orElse(null));
    }
    if (status.getDeployment() != null) {
      base = later(base, StatusTime.of(status.getDeployment().getDeployedAt()).orElse(null));
    }
    return Optional.of((base == null ? in.now() : base).plus(interval));
  }

  /**
   * How long until the schedule needs a pass without any event: the next periodic savepoint, or a
   * disposal's retry. Empty when nothing is timed.
   */
  public static Optional<Duration> wakeIn(PlanInput in) {
    Instant next = due(in).orElse(null);
    if (in.desired() != null && in.desired().spec().getJob().getSavepointHistory() != null) {
      for (SavepointRecord r : in.status().getSavepoints()) {
        Instant retry = StatusTime.of(r.getDisposeRetryAt()).orElse(null);
        if (retry != null && (next == null || retry.isBefore(next))) {
          next = retry;
        }
      }
    }
    if (next == null) {
      return Optional.empty();
    }
    Duration wait = Duration.between(in.now(), next);
    return Optional.of(wait.isNegative() ? Duration.ZERO : wait);
  }

  /** {@code job.savepointInterval}; zero when absent, empty or 0. */
  static Duration interval(JobSpec job) {
    String text = job.getSavepointInterval();
    return text == null || text.isBlank() ? Duration.ZERO : Durations.parse(text);
  }

  private static long handledNonce(FlinkResilientJobStatus status) {
    return status.getLastSavepointNonce() == null ? 0 : status.getLastSavepointNonce();
  }

  private static Decision follow(SavepointRecord r, PlanInput in) {
    String trigger = r.getTriggerId();
    if (!Objects.equals(r.getJobId(), in.status().getJobId())) {
      return new SavepointEnded(
          trigger, null, "the job was stopped or redeployed before the savepoint completed");
    }
    SavepointView.Progress progress =
        in.savepoint().of(trigger).orElse(new SavepointView.Progress(null, null, null));
    switch (progress.state()) {
      case COMPLETED:
        return progress.location() == null || progress.location().isBlank()
            ? new SavepointEnded(
                trigger, null, "Flink reported the savepoint complete without a path")
            : new SavepointEnded(trigger, progress.location(), null);
      case FAILED:
        return new SavepointEnded(trigger, null, progress.failure());
      default:
        Duration timeout = StopWithSavepoint.timeout(in.desired().spec());
        Instant since = StatusTime.or(r.getTriggeredAt(), in.now());
        if (Duration.between(since, in.now()).compareTo(timeout) > 0) {
          return new SavepointEnded(
              trigger,
              null,
              "did not complete within job.savepointTimeout "
                  + in.desired().spec().getJob().getSavepointTimeout());
        }
        return new FollowSavepoint(
            r.getReason(), r.getJobId(), trigger, StopWithSavepoint.targetDirectory(in));
    }
  }

  private static Decision trigger(SavepointReason reason, Long nonce, PlanInput in) {
    String jobId = in.status().getJobId();
    return new TriggerSavepoint(reason, jobId, triggerId(in, reason), nonce);
  }

  /**
   * Flink's trigger id is 16 bytes in hex. Derived from the job, the reason and the time rather
   * than drawn at random, to keep this class pure; it is written to status before use.
   */
  static String triggerId(PlanInput in, SavepointReason reason) {
    String seed =
        in.desired().uid() + "/savepoint/" + reason + "/" + in.status().getJobId() + "/" + in.now();
    return UUID.nameUUIDFromBytes(seed.getBytes(StandardCharsets.UTF_8))
        .toString()
        .replace("-", "");
  }

  private static Instant later(Instant a, Instant b) {
    if (a == null) {
      return b;
    }
    return b == null || a.isAfter(b) ? a : b;
  }
}
