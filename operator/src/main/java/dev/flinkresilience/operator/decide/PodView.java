package dev.flinkresilience.operator.decide;

import java.time.Instant;

/**
 * One pod of a job as the pod informer shows it, reduced to what detection needs.
 *
 * @param name pod name
 * @param role JobManager or TaskManager (Flink's {@code component} label)
 * @param node the node it is bound to, null while unscheduled
 * @param phase the pod phase (Pending, Running, Succeeded, Failed, Unknown)
 * @param ready whether its Ready condition is True
 * @param deletingSince the deletion timestamp, null unless the pod is terminating
 * @param failure why a container stopped or cannot run (OOMKilled, Error, CrashLoopBackOff,
 *     Evicted), null when it runs
 * @param failedAt when that happened, null when unknown
 * @param createdAt the pod's creation time
 */
public record PodView(
    String name,
    Role role,
    String node,
    String phase,
    boolean ready,
    Instant deletingSince,
    String failure,
    Instant failedAt,
    Instant createdAt) {

  public enum Role {
    JOB_MANAGER,
    TASK_MANAGER,
    OTHER
  }

  public boolean isJobManager() {
    return role == Role.JOB_MANAGER;
  }

  /**
   * Bound to a node whose kubelet never reported it running: no process of it can be acting (a
   * kubelet that started its containers reports Running first).
   */
  public boolean neverStarted() {
    return "Pending".equals(phase);
  }

  /** Whether the pod is on its way out or cannot do its work. */
  public boolean isFailing() {
    return deletingSince != null || failure != null || "Failed".equals(phase);
  }
}
