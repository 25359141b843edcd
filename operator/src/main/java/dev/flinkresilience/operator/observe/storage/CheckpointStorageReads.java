package dev.flinkresilience.operator.observe.storage;

import dev.flinkresilience.operator.decide.CheckpointStorageView;
import dev.flinkresilience.operator.decide.StorageQuery;
import io.javaoperatorsdk.operator.processing.event.ResourceID;
import java.time.Duration;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executor;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.function.Function;

/**
 * Reads of the checkpoint storage, one per job at a time, off the reconcile threads: a pass asks
 * for a read and a later pass finds its view. Each read is bounded by {@code timeout}; a read that
 * does not finish in time gives a {@code FAILED} view (its thread is left to finish on the
 * executor, which the wiring bounds).
 *
 * <p>A view belongs to one teardown: the reconciler forgets it once a cluster exists again, so a
 * view is never older than the last time the job's pods were seen gone.
 */
public final class CheckpointStorageReads {
  private final Function<StorageQuery, CheckpointStorageView> reader;
  private final Executor executor;
  private final Duration timeout;
  private final Map<ResourceID, Read> reads = new ConcurrentHashMap<>();

  private record Read(StorageQuery query, CompletableFuture<CheckpointStorageView> view) {}

  public CheckpointStorageReads(
      Function<StorageQuery, CheckpointStorageView> reader, Executor executor, Duration timeout) {
    this.reader = reader;
    this.executor = executor;
    this.timeout = timeout;
  }

  /** The job's latest finished read, or {@code NOT_READ} while none has finished. */
  public CheckpointStorageView view(ResourceID job) {
    Read read = reads.get(job);
    return read == null || !read.view().isDone()
        ? CheckpointStorageView.notRead()
        : read.view().getNow(CheckpointStorageView.notRead());
  }

  /** Starts reading for {@code query}, unless a read of it is already out or done. */
  public void request(ResourceID job, StorageQuery query) {
    reads.compute(
        job,
        (id, current) ->
            current != null && Objects.equals(current.query(), query) ? current : start(query));
  }

  /** Drops the job's view: a cluster exists again, or the job is gone. */
  public void forget(ResourceID job) {
    reads.remove(job);
  }

  private Read start(StorageQuery query) {
    CompletableFuture<CheckpointStorageView> view;
    try {
      view = CompletableFuture.supplyAsync(() -> reader.apply(query), executor);
    } catch (RejectedExecutionException e) {
      view = CompletableFuture.failedFuture(e);
    }
    return new Read(
        query,
        view.orTimeout(timeout.toMillis(), TimeUnit.MILLISECONDS)
            .exceptionally(e -> CheckpointStorageView.failed(query.jobDirectory(), why(e))));
  }

  private String why(Throwable e) {
    Throwable cause = e.getCause() != null ? e.getCause() : e;
    if (cause instanceof TimeoutException) {
      return "no answer within " + timeout.toMillis() + " ms";
    }
    if (cause instanceof RejectedExecutionException) {
      return "too many storage reads waiting";
    }
    return cause.toString();
  }
}
