package dev.flinkresilience.operator.reconcile;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.flinkresilience.operator.api.v1alpha1.CheckpointRef;
import dev.flinkresilience.operator.api.v1alpha1.FlinkResilientJobStatus;
import dev.flinkresilience.operator.api.v1alpha1.ObservationStatus;
import dev.flinkresilience.operator.api.v1alpha1.Phase;
import dev.flinkresilience.operator.decide.DeploymentCheckpoint;
import dev.flinkresilience.operator.report.ObservationLedger;
import java.time.Clock;
import java.util.HashSet;
import java.util.Objects;
import java.util.Set;

/**
 * Paces the status writes that carry nothing but checkpoint progress (issue 14: at 1,000 jobs one
 * write per job per checkpoint, and the watch event each write sends back, were most of the
 * operator's CPU). All jobs share one budget of such writes per second; a write over budget is left
 * to a later pass, which finds the status still behind and tries again.
 *
 * <p>Only progress that nothing waits for is paced: the job is Running with no incident and no
 * operation, its deployment's first checkpoint is already recorded (a recovery is verified by that
 * one, so it is always written at once), and the write changes no other field. Recovery never
 * depends on the paced value: the restore point is chosen from the HA store and from the checkpoint
 * storage read after teardown, never lower than status; the metrics are updated on every pass. With
 * few jobs the budget is never short and every checkpoint is written as before.
 */
public final class ProgressWrites {
  private static final ObjectMapper JSON = new ObjectMapper();

  /** Writes per second of progress alone, across all jobs: 100 jobs checkpointing every 10 s. */
  public static final double DEFAULT_RATE = 10;

  private final double perSecond;
  private final ProgressBudget budget;

  /**
   * @param perSecond progress-only writes per second across all jobs; 0 paces nothing
   */
  public ProgressWrites(double perSecond, Clock clock) {
    if (!(perSecond >= 0) || Double.isInfinite(perSecond)) {
      throw new IllegalArgumentException(
          "progress writes per second must be 0 or more: " + perSecond);
    }
    this.perSecond = perSecond;
    this.budget = new ProgressBudget(perSecond, clock);
  }

  /** Paces nothing: every change is written (tests, and {@code --checkpoint-status-rate 0}). */
  public static ProgressWrites unpaced() {
    return new ProgressWrites(0, Clock.systemUTC());
  }

  /** Whether {@code next}, which differs from {@code current}, is to be written now. */
  public boolean writeNow(FlinkResilientJobStatus current, FlinkResilientJobStatus next) {
    return writeNow(current, next, JSON.valueToTree(current), JSON.valueToTree(next));
  }

  /**
   * As above, given both as JSON trees: the caller has them from comparing the two, and turning a
   * status into a tree is most of what this costs (every pass of a steady job asks).
   */
  boolean writeNow(
      FlinkResilientJobStatus current,
      FlinkResilientJobStatus next,
      JsonNode currentTree,
      JsonNode nextTree) {
    if (perSecond == 0
        || !(onlyProgress(current, next, currentTree, nextTree)
            || onlyRepeatedFailure(current, next, currentTree, nextTree))) {
      return true;
    }
    return budget.take();
  }

  /**
   * One more failed poll of a problem already reported as lasting, and no other change: the count
   * and the time of the last poll go up, nothing a user or the planner reads changes (the message
   * says since when; the planner asks only whether the count reached {@link
   * ObservationLedger#LASTING_AFTER_POLLS}). Paced like progress: when a node dies, every job on it
   * fails a poll every few seconds, and writing each one (a write, and its watch event back, per
   * job per poll) is what slowed the release of those very jobs in the scale benchmark. A write
   * left out is not lost: the next pass counts from the recorded one, so the recorded count is a
   * lower bound and never falls below the threshold. Pure; package-private for the table test.
   */
  static boolean onlyRepeatedFailure(
      FlinkResilientJobStatus current, FlinkResilientJobStatus next) {
    return onlyRepeatedFailure(current, next, JSON.valueToTree(current), JSON.valueToTree(next));
  }

  private static boolean onlyRepeatedFailure(
      FlinkResilientJobStatus current,
      FlinkResilientJobStatus next,
      JsonNode currentTree,
      JsonNode nextTree) {
    if (current == null || next == null) {
      return false;
    }
    ObservationStatus was = current.getObservation();
    ObservationStatus is = next.getObservation();
    if (was == null
        || is == null
        || !lasting(was)
        || !lasting(is)
        || !Objects.equals(was.getProblem(), is.getProblem())
        || !Objects.equals(was.getProblemSince(), is.getProblemSince())) {
      return false;
    }
    return sameApartFrom(currentTree, nextTree, "observation");
  }

  private static boolean lasting(ObservationStatus o) {
    return o.getFailedPolls() != null
        && o.getFailedPolls() >= ObservationLedger.LASTING_AFTER_POLLS;
  }

  /**
   * A newer checkpoint of a steady, running job whose deployment already has one recorded, and no
   * other change (pure; package-private for the table test).
   */
  static boolean onlyProgress(FlinkResilientJobStatus current, FlinkResilientJobStatus next) {
    return onlyProgress(current, next, JSON.valueToTree(current), JSON.valueToTree(next));
  }

  private static boolean onlyProgress(
      FlinkResilientJobStatus current,
      FlinkResilientJobStatus next,
      JsonNode currentTree,
      JsonNode nextTree) {
    if (current == null || next == null) {
      return false;
    }
    if (next.getPhase() != Phase.RUNNING
        || current.getPhase() != Phase.RUNNING
        || next.getOperation() != null
        || (next.getRecovery() != null && next.getRecovery().getCurrent() != null)) {
      return false;
    }
    CheckpointRef was = current.getLatestCheckpoint();
    CheckpointRef now = next.getLatestCheckpoint();
    if (was == null || now == null || was.getId() == null || now.getId() == null) {
      return false;
    }
    if (now.getId() <= was.getId() || !Objects.equals(current.getJobId(), next.getJobId())) {
      return false;
    }
    if (!DeploymentCheckpoint.recordedSinceDeployed(current)) {
      return false; // the deployment's first checkpoint: written at once
    }
    return sameApartFrom(currentTree, nextTree, "latestCheckpoint");
  }

  /** Whether the two statuses (as trees) differ in {@code field} at most; neither is changed. */
  private static boolean sameApartFrom(JsonNode current, JsonNode next, String field) {
    if (!(current instanceof ObjectNode a) || !(next instanceof ObjectNode b)) {
      return false;
    }
    Set<String> names = new HashSet<>();
    a.fieldNames().forEachRemaining(names::add);
    b.fieldNames().forEachRemaining(names::add);
    names.remove(field);
    for (String name : names) {
      if (!Objects.equals(a.get(name), b.get(name))) {
        return false;
      }
    }
    return true;
  }
}
