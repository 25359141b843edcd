package dev.flinkresilience.operator.observe.rest;

import dev.flinkresilience.operator.decide.FlinkCheckpoint;
import dev.flinkresilience.operator.decide.FlinkObservation;
import dev.flinkresilience.operator.decide.FlinkObservation.Outcome;
import java.net.URI;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.OptionalLong;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;

/**
 * One poll of one job: job details, then checkpoints and restarts in parallel, folded into a {@link
 * FlinkObservation}. The returned future never completes exceptionally; every failure becomes an
 * outcome with a problem text, so the planner sees data, not exceptions.
 */
public final class FlinkJobReader {

  private final FlinkRestClient client;
  private final Clock clock;

  public FlinkJobReader(FlinkRestClient client, Clock clock) {
    this.client = client;
    this.clock = clock;
  }

  /** Reads the job as a job something waits on: only the restart count is ever spared. */
  public CompletableFuture<FlinkObservation> read(
      URI restBase, String jobId, FlinkObservation previous) {
    return read(restBase, jobId, previous, false);
  }

  /** Reads the job as if for the first time: every call made. */
  public CompletableFuture<FlinkObservation> read(URI restBase, String jobId) {
    return read(restBase, jobId, null, false);
  }

  /**
   * Reads the job; {@code previous} (the last poll's answer of the same JobManager and job, or
   * null) spares calls that cannot tell anything new:
   *
   * <ul>
   *   <li>the restart count, asked again when the state changes and otherwise once per {@link
   *       #RESTARTS_EVERY} window, carried over in between. A third of the REST calls at 1,000 jobs
   *       (three per poll, a poll per job every 5 s) were this metric, which only status shows
   *       ({@code flinkRestarts}); a region failover, which keeps the job RUNNING, shows up to that
   *       late;
   *   <li>for a {@code steady} job (RUNNING, nothing waiting on its next checkpoint: {@link
   *       dev.flinkresilience.operator.observe.PollTarget#checkpointWakes} false), the checkpoint
   *       statistics until an interval has passed since the latest completed checkpoint's trigger
   *       ({@link #checkpointsDue}), carried over until then. A job checkpointing every minute and
   *       polled every 5 s has about 11 of 12 of these calls answered with what the operator knew.
   *       A checkpoint that completes sooner is reported by the next poll that asks, at most about
   *       an interval after it completed: a savepoint, one triggered by hand, or a periodic one
   *       that came early (Flink's timer fires at a fixed rate, so a trigger that itself came late
   *       lets the next come as much earlier: 31 ms once against a MiniCluster). Nothing the
   *       operator restores from comes from this poll (the restore point is read from the HA store
   *       and the storage). While anything waits on the job (a deployment or an incident verified
   *       by its next checkpoint, an operation), Flink's own restart between two polls must show at
   *       once, so the statistics are always asked for.
   * </ul>
   */
  public CompletableFuture<FlinkObservation> read(
      URI restBase, String jobId, FlinkObservation previous, boolean steady) {
    try {
      return client
          .job(restBase, jobId)
          .thenCompose(
              job -> {
                Instant now = clock.instant();
                CompletableFuture<OptionalLong> restarts =
                    restartsDue(previous, job.state(), now)
                        ? orNullOnServerError(client.restarts(restBase, jobId))
                        : CompletableFuture.completedFuture(OptionalLong.of(previous.restarts()));
                if (steady && !checkpointsDue(previous, job)) {
                  return restarts.thenApply(r -> carriedOver(job, previous, r));
                }
                CompletableFuture<Duration> interval =
                    intervalKnown(previous, job)
                        ? CompletableFuture.completedFuture(previous.pace().interval())
                        : askInterval(restBase, jobId);
                CompletableFuture<FlinkObservation> read =
                    orNullOnServerError(client.checkpoints(restBase, jobId))
                        .thenCombine(restarts, (checkpoints, r) -> observed(job, checkpoints, r));
                return read.thenCombine(interval, FlinkJobReader::paced);
              })
          .exceptionally(this::failed);
    } catch (RuntimeException e) {
      // A client that throws instead of failing its future must not break the promise either.
      return CompletableFuture.completedFuture(failed(e));
    }
  }

  /**
   * Whether the checkpoint statistics must be asked for: always, unless the job has been RUNNING
   * since the last poll, which told its periodic interval and its latest completed checkpoint's
   * trigger time, and the JobManager's clock (in this answer, so no skew with the operator's) shows
   * less than an interval since that trigger.
   */
  static boolean checkpointsDue(FlinkObservation previous, JobDetails job) {
    if (previous == null
        || previous.outcome() != Outcome.OK
        || !"RUNNING".equals(job.state())
        || !"RUNNING".equals(previous.jobState())
        || previous.pace() == null
        || previous.pace().nextDue() == null
        || job.now() == null) {
      return true;
    }
    return !job.now().isBefore(previous.pace().nextDue());
  }

  /** The interval is asked once per run of one state (a redeploy may have changed it). */
  private static boolean intervalKnown(FlinkObservation previous, JobDetails job) {
    return previous != null
        && previous.outcome() == Outcome.OK
        && previous.pace() != null
        && previous.pace().interval() != null
        && java.util.Objects.equals(previous.jobState(), job.state());
  }

  /**
   * {@link Duration#ZERO} (asked, none to go by) when the job checkpoints only on demand or the
   * call fails: the statistics are then asked for every poll, and the interval again once the state
   * changes, not on every poll.
   */
  private CompletableFuture<Duration> askInterval(URI restBase, String jobId) {
    return client
        .checkpointInterval(restBase, jobId)
        .handle(
            (interval, error) ->
                error != null || interval.isEmpty() ? Duration.ZERO : interval.get());
  }

  private static FlinkObservation paced(FlinkObservation o, Duration interval) {
    return new FlinkObservation(
        o.observedAt(),
        o.outcome(),
        o.problem(),
        o.jobState(),
        o.restarts(),
        o.latestCompleted(),
        o.latestSavepoint(),
        o.restored(),
        o.restoredAt(),
        new FlinkObservation.CheckpointPace(
            interval, o.pace() == null ? null : o.pace().lastTriggeredAt()));
  }

  /** This poll's state and restarts, with the checkpoints the last poll read. */
  private FlinkObservation carriedOver(
      JobDetails job, FlinkObservation previous, OptionalLong restarts) {
    return new FlinkObservation(
        clock.instant(),
        Outcome.OK,
        null,
        job.state(),
        restarts != null && restarts.isPresent() ? restarts.getAsLong() : null,
        previous.latestCompleted(),
        previous.latestSavepoint(),
        previous.restored(),
        previous.restoredAt(),
        previous.pace());
  }

  /** The restart count is asked for at most once per window this long, unless the state changed. */
  static final Duration RESTARTS_EVERY = Duration.ofSeconds(30);

  static boolean restartsDue(FlinkObservation previous, String state, Instant now) {
    if (previous == null
        || previous.outcome() != Outcome.OK
        || previous.restarts() == null
        || previous.observedAt() == null
        || !java.util.Objects.equals(previous.jobState(), state)) {
      return true;
    }
    long window = RESTARTS_EVERY.toMillis();
    return now.toEpochMilli() / window != previous.observedAt().toEpochMilli() / window;
  }

  /**
   * Flink answers 5xx on {@code /checkpoints} while a job is initializing or not yet running (its
   * checkpoint statistics do not exist yet). That is "not known this poll", not a failed poll; the
   * same holds for the restart metric. The job details call already proved the job is there.
   */
  private static <T> CompletableFuture<T> orNullOnServerError(CompletableFuture<T> call) {
    return call.exceptionally(
        error -> {
          FlinkRestException rest = unwrap(error);
          if (rest != null && rest.kind() == FlinkRestException.Kind.SERVER_ERROR) {
            return null;
          }
          throw error instanceof CompletionException
              ? (CompletionException) error
              : new CompletionException(error);
        });
  }

  private FlinkObservation observed(
      JobDetails job, CheckpointStats checkpoints, OptionalLong restarts) {
    Long restartCount = restarts != null && restarts.isPresent() ? restarts.getAsLong() : null;
    FlinkCheckpoint completed = null;
    FlinkCheckpoint savepoint = null;
    FlinkCheckpoint restored = null;
    Instant restoredAt = null;
    if (checkpoints != null) {
      savepoint = completed(checkpoints.latestSavepoint());
      // Flink lists savepoints apart from checkpoints; our latestCompleted includes both, so the
      // newer of the two wins (they share one id counter per job).
      completed = newer(completed(checkpoints.latestCompleted()), savepoint);
      restored = restored(checkpoints.latestRestored());
      restoredAt =
          checkpoints.latestRestored() == null ? null : checkpoints.latestRestored().restoredAt();
    }
    Instant lastTriggered =
        checkpoints == null || checkpoints.latestCompleted() == null
            ? null
            : checkpoints.latestCompleted().triggeredAt();
    return new FlinkObservation(
        clock.instant(),
        Outcome.OK,
        null,
        job.state(),
        restartCount,
        completed,
        savepoint,
        restored,
        restoredAt,
        new FlinkObservation.CheckpointPace(null, lastTriggered));
  }

  private static FlinkCheckpoint completed(CheckpointStats.Completed checkpoint) {
    if (checkpoint == null) {
      return null;
    }
    if (checkpoint.discarded()) {
      // Its files are gone: known, but nothing to restore from.
      return new FlinkCheckpoint(checkpoint.id(), null, checkpoint.completedAt(), false);
    }
    return FlinkCheckpoint.at(checkpoint.id(), checkpoint.externalPath(), checkpoint.completedAt());
  }

  private static FlinkCheckpoint restored(CheckpointStats.Restored checkpoint) {
    // Flink reports when the job restored, not when the checkpoint completed: leave that unknown.
    return checkpoint == null
        ? null
        : FlinkCheckpoint.at(checkpoint.id(), checkpoint.externalPath(), null);
  }

  private static FlinkCheckpoint newer(FlinkCheckpoint a, FlinkCheckpoint b) {
    if (a == null) {
      return b;
    }
    return b == null || a.id() >= b.id() ? a : b;
  }

  private FlinkObservation failed(Throwable error) {
    FlinkRestException rest = unwrap(error);
    if (rest == null) {
      // Not from the client: a bug on our side, reported rather than thrown.
      return FlinkObservation.failed(
          clock.instant(), Outcome.BAD_ANSWER, "unexpected error reading the job: " + error);
    }
    return FlinkObservation.failed(clock.instant(), outcome(rest.kind()), rest.getMessage());
  }

  private static Outcome outcome(FlinkRestException.Kind kind) {
    switch (kind) {
      case NOT_FOUND:
        return Outcome.JOB_NOT_FOUND;
      case TIMEOUT:
      case UNREACHABLE:
        return Outcome.UNREACHABLE;
      default:
        // A 5xx on job details, or an answer we cannot read: the JobManager answered, badly.
        return Outcome.BAD_ANSWER;
    }
  }

  private static FlinkRestException unwrap(Throwable error) {
    Throwable t = error;
    while (t != null) {
      if (t instanceof FlinkRestException) {
        return (FlinkRestException) t;
      }
      t = t.getCause();
    }
    return null;
  }
}
