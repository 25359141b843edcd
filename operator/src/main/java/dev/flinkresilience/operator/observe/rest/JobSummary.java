package dev.flinkresilience.operator.observe.rest;

import java.time.Instant;

/**
 * One row of {@code GET /jobs/overview}.
 *
 * @param id Flink's job id (32 hex digits)
 * @param name the job name
 * @param state Flink's job status name (RUNNING, FAILED, ...)
 * @param startTime when the job was submitted; null when Flink reports none
 */
public record JobSummary(String id, String name, String state, Instant startTime) {}
