package dev.flinkresilience.operator.observe;

import dev.flinkresilience.operator.api.v1alpha1.FlinkResilientJob;
import dev.flinkresilience.operator.decide.SavepointView.State;
import dev.flinkresilience.operator.observe.rest.FlinkRestException;
import dev.flinkresilience.operator.observe.rest.SavepointStatus;
import io.javaoperatorsdk.operator.processing.event.Event;
import io.javaoperatorsdk.operator.processing.event.ResourceID;
import io.javaoperatorsdk.operator.processing.event.source.AbstractEventSource;
import java.net.URI;
import java.time.Duration;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;

/**
 * Follows stops with a savepoint on its own threads and wakes the job's reconcile when one
 * completes or fails, so no reconcile thread ever waits on a savepoint (STYLE 6).
 *
 * <p>Each stop is read before it is sent: {@code GET /jobs/:id/savepoints/:triggerId} first, and
 * only when Flink does not know the trigger id is {@code POST /jobs/:id/stop} sent. An operator
 * that restarted mid-stop thus follows the stop already running; and a POST sent twice (a timeout
 * whose request did arrive) is harmless too, since Flink takes one savepoint per trigger id.
 * Transient errors are retried; the planner's {@code savepointTimeout} bounds the whole.
 */
public final class SavepointStops extends AbstractEventSource<StopProgress, FlinkResilientJob>
    implements AutoCloseable {

  /** The two REST calls of a stop; futures fail with {@link FlinkRestException}. */
  public interface Calls {
    CompletableFuture<SavepointStatus> status(URI restBase, String jobId, String triggerId);

    CompletableFuture<String> stop(
        URI restBase, String jobId, String targetDirectory, String triggerId);
  }

  private final Calls calls;
  private final ScheduledExecutorService timer;
  private final Duration every;
  private final Map<ResourceID, Stop> stops = new ConcurrentHashMap<>();

  /**
   * @param timer schedules the reads (the calls themselves are asynchronous); the wiring owns it
   * @param every the pause between two reads of a stop in progress
   */
  public SavepointStops(Calls calls, ScheduledExecutorService timer, Duration every) {
    super(StopProgress.class, "savepoint-stops");
    this.calls = calls;
    this.timer = timer;
    this.every = every;
  }

  /**
   * Follows the stop {@code triggerId} of the job, sending it if Flink does not know it. The same
   * stop again changes nothing but the address (the JobManager may have moved).
   */
  public void follow(
      ResourceID job, URI restBase, String jobId, String triggerId, String targetDirectory) {
    Stop current = stops.get(job);
    if (current != null && current.triggerId.equals(triggerId)) {
      current.restBase = restBase;
      return;
    }
    Stop next = new Stop(restBase, jobId, triggerId, targetDirectory);
    Stop previous = stops.put(job, next);
    if (previous != null) {
      previous.cancelled = true;
    }
    schedule(job, next, 0);
  }

  public Optional<StopProgress> progress(ResourceID job) {
    Stop s = stops.get(job);
    return s == null ? Optional.empty() : Optional.ofNullable(s.progress);
  }

  /** Stops following the job's stop: its operation ended, or the job is gone. */
  public void forget(ResourceID job) {
    Stop gone = stops.remove(job);
    if (gone != null) {
      gone.cancelled = true;
    }
  }

  @Override
  public Set<StopProgress> getSecondaryResources(FlinkResilientJob primary) {
    return progress(ResourceID.fromResource(primary)).map(Set::of).orElse(Set.of());
  }

  @Override
  public void stop() {
    close();
    super.stop();
  }

  @Override
  public void close() {
    stops.values().forEach(s -> s.cancelled = true);
    stops.clear();
  }

  private void schedule(ResourceID job, Stop s, long delayMillis) {
    try {
      timer.schedule(() -> read(job, s), delayMillis, TimeUnit.MILLISECONDS);
    } catch (RejectedExecutionException e) {
      // Shutting down: nothing more to follow.
    }
  }

  private void read(ResourceID job, Stop s) {
    if (s.cancelled) {
      return;
    }
    call(() -> calls.status(s.restBase, s.jobId, s.triggerId))
        .whenComplete(
            (status, error) -> {
              if (s.cancelled) {
                return;
              }
              if (error == null) {
                settle(job, s, fromFlink(s.triggerId, status));
              } else if (kind(error) == FlinkRestException.Kind.NOT_FOUND && !s.sent) {
                send(job, s);
              } else if (kind(error) == FlinkRestException.Kind.NOT_FOUND) {
                // Sent and acknowledged, now unknown: a JobManager that restarted lost it.
                settle(
                    job,
                    s,
                    failed(s, "Flink no longer knows the stop (did the JobManager restart?)"));
              } else {
                schedule(job, s, every.toMillis()); // transient: read again
              }
            });
  }

  private void send(ResourceID job, Stop s) {
    s.sent = true;
    call(() -> calls.stop(s.restBase, s.jobId, s.targetDirectory, s.triggerId))
        .whenComplete(
            (ack, error) -> {
              if (s.cancelled) {
                return;
              }
              FlinkRestException.Kind kind = error == null ? null : kind(error);
              if (error == null) {
                schedule(job, s, 0);
              } else if (kind == FlinkRestException.Kind.TIMEOUT
                  || kind == FlinkRestException.Kind.UNREACHABLE) {
                // The request may have arrived: read first, then send again if it did not.
                s.sent = false;
                schedule(job, s, every.toMillis());
              } else {
                settle(job, s, failed(s, "Flink refused the stop: " + message(error)));
              }
            });
  }

  private void settle(ResourceID job, Stop s, StopProgress now) {
    StopProgress before = s.progress;
    s.progress = now;
    if (!Objects.equals(before, now) && getEventHandler() != null) {
      getEventHandler().handleEvent(new Event(job));
    }
    if (!now.isFinal()) {
      schedule(job, s, every.toMillis());
    }
  }

  private static StopProgress fromFlink(String trigger, SavepointStatus status) {
    return switch (status.state()) {
      case IN_PROGRESS -> new StopProgress(trigger, State.IN_PROGRESS, null, null);
      case COMPLETED -> new StopProgress(trigger, State.COMPLETED, status.location(), null);
      case FAILED -> new StopProgress(trigger, State.FAILED, null, status.failure());
    };
  }

  private static StopProgress failed(Stop s, String why) {
    return new StopProgress(s.triggerId, State.FAILED, null, why);
  }

  /** A call that throws instead of failing its future must not end the following silently. */
  private static <T> CompletableFuture<T> call(
      java.util.function.Supplier<CompletableFuture<T>> c) {
    try {
      return c.get();
    } catch (RuntimeException e) {
      return CompletableFuture.failedFuture(e);
    }
  }

  private static FlinkRestException.Kind kind(Throwable error) {
    Throwable cause = unwrap(error);
    return cause instanceof FlinkRestException f ? f.kind() : FlinkRestException.Kind.BAD_ANSWER;
  }

  private static String message(Throwable error) {
    Throwable cause = unwrap(error);
    return cause.getMessage() == null ? cause.toString() : cause.getMessage();
  }

  private static Throwable unwrap(Throwable error) {
    return error instanceof CompletionException && error.getCause() != null
        ? error.getCause()
        : error;
  }

  /** One stop: the address may change; the rest is fixed by the trigger id in status. */
  private static final class Stop {
    volatile URI restBase;
    final String jobId;
    final String triggerId;
    final String targetDirectory;
    volatile boolean sent;
    volatile StopProgress progress;
    volatile boolean cancelled;

    Stop(URI restBase, String jobId, String triggerId, String targetDirectory) {
      this.restBase = restBase;
      this.jobId = jobId;
      this.triggerId = triggerId;
      this.targetDirectory = targetDirectory;
    }
  }
}
