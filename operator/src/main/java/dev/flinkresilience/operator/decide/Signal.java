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
 */
public record Signal(
    Reason reason,
    String detail,
    String node,
    String pod,
    Instant failedAt,
    boolean needsRedeploy) {

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
