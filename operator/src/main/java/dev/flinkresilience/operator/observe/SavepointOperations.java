package dev.flinkresilience.operator.observe;

import dev.flinkresilience.operator.api.v1alpha1.FlinkResilientJob;
import dev.flinkresilience.operator.decide.SavepointView;
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
import java.util.stream.Collectors;

/**
 * Follows Flink's savepoint operations on its own threads and wakes the job's reconcile when one
 * ends, so no reconcile thread ever waits on Flink (STYLE 6). Three kinds, several per job at once:
 *
 * <ul>
 *   <li>a stop with a savepoint ({@code POST /jobs/:id/stop}) and a savepoint of the running job
 *       ({@code POST /jobs/:id/savepoints}, {@code cancel-job: false}), both under a trigger id of
 *       ours that status recorded first. Each is read before it is sent: {@code GET
 *       /jobs/:id/savepoints/:triggerId} first, and only when Flink does not know the trigger id is
 *       it sent. An operator that restarted mid-way thus follows the operation already running; a
 *       POST sent twice (a timeout whose request did arrive) is harmless too, since Flink takes one
 *       savepoint per trigger id. Transient errors are retried; the planner's {@code
 *       savepointTimeout} bounds the whole.
 *   <li>a disposal ({@code POST /savepoint-disposal}, then {@code GET /savepoint-disposal/:id}),
 *       keyed by the savepoint's path. Flink chooses its trigger id, so a disposal is not
 *       idempotent by id; it is by outcome: a savepoint already gone counts as disposed. After
 *       {@value #DISPOSAL_ATTEMPTS} transient errors in a row it fails, to be retried by retention.
 * </ul>
 */
public final class SavepointOperations
    extends AbstractEventSource<OperationProgress, FlinkResilientJob> implements AutoCloseable {

  /** How Flink says a savepoint to dispose does not exist (AbstractFsCheckpointStorageAccess). */
  static final String ALREADY_GONE = "Cannot find checkpoint or savepoint";

  static final int DISPOSAL_ATTEMPTS = 10;

  /** The REST calls of the operations; futures fail with {@link FlinkRestException}. */
  public interface Calls {
    CompletableFuture<SavepointStatus> status(URI restBase, String jobId, String triggerId);

    CompletableFuture<String> stop(
        URI restBase, String jobId, String targetDirectory, String triggerId);

    default CompletableFuture<String> savepoint(
        URI restBase, String jobId, String targetDirectory, String triggerId) {
      return CompletableFuture.failedFuture(new UnsupportedOperationException("savepoint"));
    }

    /** Starts the disposal of {@code path}; completes with Flink's trigger id for it. */
    default CompletableFuture<String> dispose(URI restBase, String path) {
      return CompletableFuture.failedFuture(new UnsupportedOperationException("dispose"));
    }

    default CompletableFuture<SavepointStatus> disposalStatus(URI restBase, String triggerId) {
      return CompletableFuture.failedFuture(new UnsupportedOperationException("disposal"));
    }
  }

  private enum Kind {
    STOP,
    SAVEPOINT,
    DISPOSAL
  }

  private final Calls calls;
  private final ScheduledExecutorService timer;
  private final Duration every;
  private final Map<ResourceID, Map<String, Op>> ops = new ConcurrentHashMap<>();

  /**
   * @param timer schedules the reads (the calls themselves are asynchronous); the wiring owns it
   * @param every the pause between two reads of an operation in progress
   */
  public SavepointOperations(Calls calls, ScheduledExecutorService timer, Duration every) {
    super(OperationProgress.class, "savepoint-operations");
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
    start(job, new Op(Kind.STOP, triggerId, restBase, jobId, triggerId, targetDirectory));
  }

  /** Like {@link #follow}, for a savepoint that leaves the job running. */
  public void followSavepoint(
      ResourceID job, URI restBase, String jobId, String triggerId, String targetDirectory) {
    start(job, new Op(Kind.SAVEPOINT, triggerId, restBase, jobId, triggerId, targetDirectory));
  }

  /** Disposes the savepoint at {@code path} through Flink, unless already following it. */
  public void dispose(ResourceID job, URI restBase, String path) {
    start(job, new Op(Kind.DISPOSAL, SavepointView.disposalKey(path), restBase, null, null, path));
  }

  private void start(ResourceID job, Op op) {
    Map<String, Op> mine = ops.computeIfAbsent(job, j -> new ConcurrentHashMap<>());
    Op current = mine.putIfAbsent(op.key, op);
    if (current != null) {
      current.restBase = op.restBase;
      return;
    }
    schedule(job, op, 0);
  }

  /** How operation {@code key} of the job stands, if followed and read. */
  public Optional<OperationProgress> progress(ResourceID job, String key) {
    Op op = ops.getOrDefault(job, Map.of()).get(key);
    return op == null ? Optional.empty() : Optional.ofNullable(op.progress);
  }

  /** Every operation of the job followed, by key; UNKNOWN for those not read yet. */
  public Map<String, OperationProgress> progress(ResourceID job) {
    return ops.getOrDefault(job, Map.of()).values().stream()
        .collect(
            Collectors.toMap(
                op -> op.key,
                op ->
                    op.progress != null
                        ? op.progress
                        : new OperationProgress(op.key, State.UNKNOWN, null, null)));
  }

  /** Stops following every operation of the job: its cluster went, or the job is gone. */
  public void forget(ResourceID job) {
    Map<String, Op> gone = ops.remove(job);
    if (gone != null) {
      gone.values().forEach(op -> op.cancelled = true);
    }
  }

  /** Stops following one operation: its result is in status. */
  public void forget(ResourceID job, String key) {
    Map<String, Op> mine = ops.get(job);
    Op gone = mine == null ? null : mine.remove(key);
    if (gone != null) {
      gone.cancelled = true;
    }
  }

  @Override
  public Set<OperationProgress> getSecondaryResources(FlinkResilientJob primary) {
    return Set.copyOf(progress(ResourceID.fromResource(primary)).values());
  }

  @Override
  public void stop() {
    close();
    super.stop();
  }

  @Override
  public void close() {
    ops.values().forEach(m -> m.values().forEach(op -> op.cancelled = true));
    ops.clear();
  }

  private void schedule(ResourceID job, Op op, long delayMillis) {
    try {
      timer.schedule(() -> read(job, op), delayMillis, TimeUnit.MILLISECONDS);
    } catch (RejectedExecutionException e) {
      // Shutting down: nothing more to follow.
    }
  }

  private void read(ResourceID job, Op op) {
    if (op.cancelled) {
      return;
    }
    if (op.kind == Kind.DISPOSAL && op.flinkTrigger == null) {
      send(job, op);
      return;
    }
    CompletableFuture<SavepointStatus> status =
        op.kind == Kind.DISPOSAL
            ? call(() -> calls.disposalStatus(op.restBase, op.flinkTrigger))
            : call(() -> calls.status(op.restBase, op.jobId, op.triggerId));
    status.whenComplete(
        (answer, error) -> {
          if (op.cancelled) {
            return;
          }
          if (error == null) {
            op.transientErrors = 0;
            settle(job, op, fromFlink(op, answer));
          } else if (kind(error) == FlinkRestException.Kind.NOT_FOUND && op.kind == Kind.DISPOSAL) {
            // A JobManager that restarted forgot the disposal: ask again (a savepoint already
            // disposed then counts as gone).
            op.flinkTrigger = null;
            schedule(job, op, every.toMillis());
          } else if (kind(error) == FlinkRestException.Kind.NOT_FOUND && !op.sent) {
            send(job, op);
          } else if (kind(error) == FlinkRestException.Kind.NOT_FOUND) {
            // Sent and acknowledged, now unknown: a JobManager that restarted lost it.
            settle(
                job,
                op,
                failed(op, "Flink no longer knows the savepoint (did the JobManager restart?)"));
          } else {
            transientError(job, op, error); // read again
          }
        });
  }

  private void send(ResourceID job, Op op) {
    op.sent = true;
    CompletableFuture<String> sent =
        switch (op.kind) {
          case STOP -> call(() -> calls.stop(op.restBase, op.jobId, op.target, op.triggerId));
          case SAVEPOINT ->
              call(() -> calls.savepoint(op.restBase, op.jobId, op.target, op.triggerId));
          case DISPOSAL -> call(() -> calls.dispose(op.restBase, op.target));
        };
    sent.whenComplete(
        (ack, error) -> {
          if (op.cancelled) {
            return;
          }
          FlinkRestException.Kind kind = error == null ? null : kind(error);
          if (error == null) {
            if (op.kind == Kind.DISPOSAL) {
              op.flinkTrigger = ack;
            }
            schedule(job, op, 0);
          } else if (kind == FlinkRestException.Kind.TIMEOUT
              || kind == FlinkRestException.Kind.UNREACHABLE) {
            // The request may have arrived: read first, then send again if it did not.
            op.sent = false;
            transientError(job, op, error);
          } else {
            settle(job, op, failed(op, "Flink refused it: " + message(error)));
          }
        });
  }

  /** Read (or send) again later; a disposal gives up after a while, for retention to retry. */
  private void transientError(ResourceID job, Op op, Throwable error) {
    op.transientErrors++;
    if (op.kind == Kind.DISPOSAL && op.transientErrors >= DISPOSAL_ATTEMPTS) {
      settle(job, op, failed(op, "Flink did not answer: " + message(error)));
      return;
    }
    schedule(job, op, every.toMillis());
  }

  private void settle(ResourceID job, Op op, OperationProgress now) {
    OperationProgress before = op.progress;
    op.progress = now;
    if (!Objects.equals(before, now) && getEventHandler() != null) {
      getEventHandler().handleEvent(new Event(job));
    }
    if (!now.isFinal()) {
      schedule(job, op, every.toMillis());
    }
  }

  private static OperationProgress fromFlink(Op op, SavepointStatus status) {
    return switch (status.state()) {
      case IN_PROGRESS -> new OperationProgress(op.key, State.IN_PROGRESS, null, null);
      case COMPLETED ->
          new OperationProgress(
              op.key, State.COMPLETED, op.kind == Kind.DISPOSAL ? null : status.location(), null);
      case FAILED ->
          op.kind == Kind.DISPOSAL
                  && status.failure() != null
                  && status.failure().contains(ALREADY_GONE)
              ? new OperationProgress(op.key, State.COMPLETED, null, null)
              : new OperationProgress(op.key, State.FAILED, null, status.failure());
    };
  }

  private static OperationProgress failed(Op op, String why) {
    return new OperationProgress(op.key, State.FAILED, null, why);
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

  /** One operation: the address may change; the rest is fixed by what status recorded. */
  private static final class Op {
    final Kind kind;
    final String key;
    volatile URI restBase;
    final String jobId;
    final String triggerId;

    /** The savepoint directory of a stop or savepoint; the savepoint's path for a disposal. */
    final String target;

    volatile boolean sent;
    volatile String flinkTrigger;
    volatile int transientErrors;
    volatile OperationProgress progress;
    volatile boolean cancelled;

    Op(Kind kind, String key, URI restBase, String jobId, String triggerId, String target) {
      this.kind = kind;
      this.key = key;
      this.restBase = restBase;
      this.jobId = jobId;
      this.triggerId = triggerId;
      this.target = target;
    }
  }
}
