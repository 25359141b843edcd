package dev.flinkresilience.operator.observe.rest;

import java.time.Instant;
import java.util.Map;

/**
 * The parts of {@code GET /jobs/:id} the operator uses.
 *
 * @param id Flink's job id
 * @param name the job name
 * @param state Flink's job status name (INITIALIZING, CREATED, RUNNING, RESTARTING, FAILED, ...)
 * @param startTime when the job was submitted; null when Flink reports none
 * @param timestamps when the job last entered each status it has been in; statuses it never entered
 *     (Flink reports 0) are left out
 * @param now the JobManager's clock when it answered ({@code now}); null when Flink sends none
 */
public record JobDetails(
    String id,
    String name,
    String state,
    Instant startTime,
    Map<String, Instant> timestamps,
    Instant now) {

  public JobDetails {
    timestamps = Map.copyOf(timestamps);
  }
}
