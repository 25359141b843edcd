package dev.flinkresilience.operator.report;

import dev.flinkresilience.operator.api.v1alpha1.FlinkResilientJobStatus;
import java.util.List;

/** The status to write and the events to emit after one pass. */
public record Report(FlinkResilientJobStatus status, List<EventSpec> events) {}
