package dev.flinkresilience.operator.decide;

import dev.flinkresilience.operator.api.v1alpha1.FlinkResilientJobStatus;
import java.util.List;

/**
 * Everything the planner looks at.
 *
 * @param desired the valid spec, or null when it is invalid
 * @param violations why the spec is invalid (empty when valid)
 * @param status the status as last written (never null)
 * @param cluster what exists in the cluster
 */
public record PlanInput(
    DesiredJob desired,
    List<String> violations,
    FlinkResilientJobStatus status,
    ObservedCluster cluster) {}
