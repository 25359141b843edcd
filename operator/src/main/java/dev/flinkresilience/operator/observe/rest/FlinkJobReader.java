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

  /** Reads the job as if for the first time: every call made. */
  public CompletableFuture<FlinkObservation> read(URI restBase, String jobId) {
    return read(restBase, jobId, null);
  }

  /**
   * Reads the job; {@code previous} (the last poll's answer, or null) spares the restart count's
   * call while the job keeps its state: it is asked again when the state changes, and otherwise
   * once per {@link #RESTARTS_EVERY} window, carried over in between. A third of the REST calls at
   * 1,000 jobs (three per poll, a poll per job every 5 s) were this metric, which only status shows
   * ({@code flinkRestarts}); a region failover, which keeps the job RUNNING, shows up to that late.
   */
  public CompletableFuture<FlinkObservation> read(
      URI restBase, String jobId, FlinkObservation previous) {
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
                return orNullOnServerError(client.checkpoints(restBase, jobId))
                    .thenCombine(restarts, (checkpoints, r) -> observed(job, checkpoints, r));
              })
          .exceptionally(this::failed);
    } catch (RuntimeException e) {
      // A client that throws instead of failing its future must not break the promise either.
      return CompletableFuture.completedFuture(failed(e));
    }
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
    return new FlinkObservation(
        clock.instant(),
        Outcome.OK,
        null,
        job.state(),
        restartCount,
        completed,
        savepoint,
        restored,
        restoredAt);
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
