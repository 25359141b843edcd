package dev.flinkresilience.operator.decide;

import dev.flinkresilience.operator.api.v1alpha1.FlinkResilientJobSpec;
import dev.flinkresilience.operator.api.v1alpha1.FlinkResilientJobStatus;
import dev.flinkresilience.operator.api.v1alpha1.Operation;
import dev.flinkresilience.operator.api.v1alpha1.UpgradeMode;
import dev.flinkresilience.operator.decide.Decision.AwaitSavepoint;
import dev.flinkresilience.operator.decide.Decision.DeleteCluster;
import dev.flinkresilience.operator.decide.Decision.RecordSavepointTrigger;
import dev.flinkresilience.operator.decide.Decision.SavepointTaken;
import dev.flinkresilience.operator.spec.Durations;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.Optional;
import java.util.UUID;

/**
 * A planned restart with {@code job.upgradeMode: savepoint} stops the job with a savepoint before
 * the cluster is torn down (DESIGN.md §5.5):
 *
 * <pre>
 *   operation recorded, cluster up
 *     ├─ job not RUNNING, REST silent, no savepointDirectory ─► DeleteCluster(fallback): last-state
 *     └─► RecordSavepointTrigger: triggerId into status.operation, nothing sent yet
 *            └─► AwaitSavepoint: POST stop (same triggerId after a restart), follow its result
 *                   ├─ COMPLETED ─► SavepointTaken: path into status ─► DeleteCluster ─► Deploy(savepoint)
 *                   └─ FAILED, or savepointTimeout passed ─► DeleteCluster(fallback): last-state
 * </pre>
 *
 * A fallback is safe for the same reason last-state is: the restore point is read from the storage
 * after the teardown, when nothing newer can appear.
 */
final class StopWithSavepoint {
  /** A REST answer older than this (three steady polls) does not show that Flink can answer now. */
  static final Duration FRESH = Duration.ofSeconds(15);

  private StopWithSavepoint() {}

  /** The step before tearing down the running cluster of {@code op}. */
  static Decision beforeTeardown(Operation op, PlanInput in) {
    FlinkResilientJobSpec desired = in.desired().spec();
    if (desired.getJob().getUpgradeMode() != UpgradeMode.SAVEPOINT
        || op.getFallback() != null
        || op.getSavepointPath() != null) {
      return new DeleteCluster(op.getType());
    }
    String trigger = op.getSavepointTriggerId();
    if (trigger == null) {
      Optional<String> cannot = cannotStop(in);
      return cannot.isPresent()
          ? new DeleteCluster(op.getType(), cannot.get())
          : new RecordSavepointTrigger(op.getType(), triggerId(in.desired().uid(), op));
    }
    SavepointView.Progress progress =
        in.savepoint().of(trigger).orElse(new SavepointView.Progress(null, null, null));
    switch (progress.state()) {
      case COMPLETED:
        return progress.location() == null || progress.location().isBlank()
            ? new DeleteCluster(
                op.getType(), "Flink reported the savepoint complete without a path")
            : new SavepointTaken(op.getType(), progress.location());
      case FAILED:
        return new DeleteCluster(op.getType(), "the savepoint failed: " + progress.failure());
      default:
        Duration timeout = timeout(desired);
        Instant since = StatusTime.or(op.getSavepointTriggeredAt(), in.now());
        if (Duration.between(since, in.now()).compareTo(timeout) > 0) {
          return new DeleteCluster(
              op.getType(),
              "the savepoint did not complete within job.savepointTimeout "
                  + desired.getJob().getSavepointTimeout());
        }
        return new AwaitSavepoint(
            op.getType(), in.status().getJobId(), trigger, targetDirectory(in));
    }
  }

  /** Why Flink cannot be asked for a savepoint now, if it cannot. */
  static Optional<String> cannotStop(PlanInput in) {
    if (targetDirectory(in) == null) {
      return Optional.of("spec.checkpointing.savepointDirectory is not set");
    }
    FlinkResilientJobStatus status = in.status();
    if (!restAnswers(in)) {
      return Optional.of(
          "the JobManager's REST API has not answered in the last " + FRESH.toSeconds() + " s");
    }
    if (!"RUNNING".equals(status.getJobState()) || status.getJobId() == null) {
      return Optional.of(
          status.getJobState() == null
              ? "the job's state is not known"
              : "the job is " + status.getJobState() + ", not RUNNING");
    }
    return Optional.empty();
  }

  /** Whether the job's REST API answered within {@link #FRESH}. */
  static boolean restAnswers(PlanInput in) {
    Instant answered = in.savepoint().restAnsweredAt();
    return answered != null && Duration.between(answered, in.now()).compareTo(FRESH) <= 0;
  }

  /**
   * The savepoint directory of the running cluster (the deployed spec), where Flink can write; the
   * desired spec's when none was recorded.
   */
  static String targetDirectory(PlanInput in) {
    FlinkResilientJobSpec deployed = in.status().getDeployedSpec();
    String dir = directory(deployed);
    return dir != null ? dir : directory(in.desired().spec());
  }

  private static String directory(FlinkResilientJobSpec spec) {
    if (spec == null || spec.getCheckpointing() == null) {
      return null;
    }
    String dir = spec.getCheckpointing().getSavepointDirectory();
    return dir == null || dir.isBlank() ? null : dir;
  }

  /**
   * Flink's trigger id is 16 bytes in hex. Derived from the operation rather than drawn at random,
   * to keep this class pure; it is written to status before use, so it need not be derivable again.
   */
  static String triggerId(String uid, Operation op) {
    String seed =
        uid + "/" + op.getType() + "/" + op.getTargetGeneration() + "/" + op.getStartedAt();
    return UUID.nameUUIDFromBytes(seed.getBytes(StandardCharsets.UTF_8))
        .toString()
        .replace("-", "");
  }

  static Duration timeout(FlinkResilientJobSpec spec) {
    String text = spec.getJob().getSavepointTimeout();
    return text == null || text.isBlank() ? Duration.ofMinutes(5) : Durations.parse(text);
  }
}
