package dev.flinkresilience.operator.decide;

import dev.flinkresilience.operator.api.v1alpha1.FlinkResilientJobSpec;

/**
 * A valid spec, as the planner needs it.
 *
 * @param spec the spec with defaults applied
 * @param specHash hash of what a deployment is made from (the spec without job.state and recovery)
 * @param generation metadata.generation of the resource
 * @param uid metadata.uid, the seed of job ids
 */
public record DesiredJob(FlinkResilientJobSpec spec, String specHash, long generation, String uid) {
  public boolean running() {
    return spec.getJob().getState() != dev.flinkresilience.operator.api.v1alpha1.JobState.SUSPENDED;
  }
}
