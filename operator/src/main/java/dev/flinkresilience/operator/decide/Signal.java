package dev.flinkresilience.operator.decide;

import java.time.Instant;

/**
 * A failure detected in one pass (DESIGN.md §5.1).
 *
 * @param reason what failed, a word a human can search events and metrics for
 * @param detail what was seen
 * @param node the node concerned, or null
 * @param pod the pod concerned, or null
 * @param failedAt when it failed as far as known (a lost node: its last Lease renewal)
 * @param needsRedeploy whether Flink cannot recover by itself (§5.2)
 * @param detectedAt when the operator observed it, if before this pass (a node the node watch
 *     judged lost while the job waited in the reconcile queue); null: this pass
 */
public record Signal(
    Reason reason,
    String detail,
    String node,
    String pod,
    Instant failedAt,
    boolean needsRedeploy,
    Instant detectedAt) {

  public Signal(
      Reason reason,
      String detail,
      String node,
      String pod,
      Instant failedAt,
      boolean needsRedeploy) {
    this(reason, detail, node, pod, failedAt, needsRedeploy, null);
  }

  /** When it was detected: {@link #detectedAt} when known and not after {@code now}, else now. */
  public Instant detectedBy(Instant now) {
    return detectedAt != null && detectedAt.isBefore(now) ? detectedAt : now;
  }

  public enum Reason {
    NODE_LOST("NodeLost"),
    JOB_MANAGER_LOST("JobManagerLost"),
    TASK_MANAGER_LOST("TaskManagerLost"),
    JOB_FAILED("JobFailed"),
    JOB_STUCK("JobStuck"),
    JOB_MANAGER_UNREACHABLE("JobManagerUnreachable"),
    HA_METADATA_MISSING("HaMetadataMissing");

    private final String value;

    Reason(String value) {
      this.value = value;
    }

    public String value() {
      return value;
    }
  }
}
