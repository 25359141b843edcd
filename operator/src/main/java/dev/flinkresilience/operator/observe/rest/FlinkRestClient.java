package dev.flinkresilience.operator.observe.rest;

import java.net.URI;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.OptionalLong;
import java.util.concurrent.CompletableFuture;

/**
 * The few Flink REST calls the operator needs, answered with our own records so nothing of Flink's
 * class tree leaks in. Every call is asynchronous and bounded by a timeout; a failed call completes
 * its future with a {@link FlinkRestException}, never with a raw I/O or parser error.
 *
 * <p>The REST base is per call because each job has its own JobManager.
 */
public interface FlinkRestClient {

  /** {@code GET /jobs/overview}: every job the JobManager knows, finished ones included. */
  CompletableFuture<List<JobSummary>> overview(URI restBase);

  /** {@code GET /jobs/:id}: state and state-transition times of one job. */
  CompletableFuture<JobDetails> job(URI restBase, String jobId);

  /** {@code GET /jobs/:id/checkpoints}: counts and the latest checkpoint of each kind. */
  CompletableFuture<CheckpointStats> checkpoints(URI restBase, String jobId);

  /**
   * {@code GET /jobs/:id/checkpoints/config}: the periodic checkpoint interval the job runs with
   * (its code may override the configuration), empty when it checkpoints only on demand. Flink
   * answers 404 when checkpointing is off.
   */
  CompletableFuture<Optional<Duration>> checkpointInterval(URI restBase, String jobId);

  /**
   * The job metric {@code numRestarts}. Empty when Flink has not fetched it yet: its metric fetcher
   * answers {@code []} for a while after the job starts (and for unknown jobs), which means
   * "unknown", not zero.
   */
  CompletableFuture<OptionalLong> restarts(URI restBase, String jobId);

  /**
   * {@code POST /jobs/:id/stop}: stop the job with a savepoint into {@code targetDirectory}, not
   * draining. {@code triggerId} (32 hex characters) is ours: Flink starts one stop per trigger id,
   * so sending it again after a restart follows the same stop instead of taking a second savepoint.
   * Completes with the trigger id Flink acknowledged.
   */
  CompletableFuture<String> stopWithSavepoint(
      URI restBase, String jobId, String targetDirectory, String triggerId);

  /**
   * {@code POST /jobs/:id/savepoints}: a savepoint into {@code targetDirectory} that leaves the job
   * running ({@code cancel-job: false}). {@code triggerId} is ours, as for a stop: Flink takes one
   * savepoint per trigger id. Completes with the trigger id Flink acknowledged.
   */
  CompletableFuture<String> triggerSavepoint(
      URI restBase, String jobId, String targetDirectory, String triggerId);

  /**
   * {@code POST /savepoint-disposal}: dispose the savepoint at {@code path} (its state and its
   * directory) with the JobManager's own access to the storage. Completes with Flink's trigger id
   * for the disposal.
   */
  CompletableFuture<String> disposeSavepoint(URI restBase, String path);

  /** {@code GET /savepoint-disposal/:triggerId}: how a disposal stands (no location). */
  CompletableFuture<SavepointStatus> disposalStatus(URI restBase, String triggerId);

  /**
   * {@code GET /jobs/:id/savepoints/:triggerId}: how the savepoint of a stop (or trigger) stands. A
   * trigger id Flink does not know fails with {@link FlinkRestException.Kind#NOT_FOUND}.
   */
  CompletableFuture<SavepointStatus> savepointStatus(URI restBase, String jobId, String triggerId);
}
