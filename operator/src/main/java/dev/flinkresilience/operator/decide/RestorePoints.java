package dev.flinkresilience.operator.decide;

import dev.flinkresilience.operator.api.v1alpha1.CheckpointRef;
import dev.flinkresilience.operator.api.v1alpha1.DeploymentRecord;
import dev.flinkresilience.operator.api.v1alpha1.FlinkResilientJobSpec;
import dev.flinkresilience.operator.api.v1alpha1.FlinkResilientJobStatus;
import dev.flinkresilience.operator.api.v1alpha1.RestoreFrom;
import dev.flinkresilience.operator.decide.Decision.DeployReason;
import dev.flinkresilience.operator.spec.Durations;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Objects;
import java.util.Optional;

/**
 * Where a deployment restores from (DESIGN.md §5.4 step 2). Pure: status, HA store and clock in, a
 * choice out.
 *
 * <p>The rules, in order:
 *
 * <ol>
 *   <li>The first deployment starts from {@code job.initialSavepointPath}, or empty state.
 *   <li>A new {@code restartNonce} together with a new {@code initialSavepointPath} is the user
 *       saying "start from this one": it is used even when its id is below what was recorded. A new
 *       nonce alone means "redeploy now" and goes on from the latest checkpoint.
 *   <li>{@code restoreFrom: none} starts from empty state, by the user's choice.
 *   <li>Otherwise the candidates are: {@code latestSavepoint} only, for {@code latestSavepoint};
 *       for {@code latestCheckpoint}, the checkpoints in the HA store, the recorded latest
 *       checkpoint and savepoint, and what the running deployment restored from. Checkpoints and
 *       savepoints share one id counter per job, so the highest id is the newest state.
 *   <li>Only addressable candidates count, and never one below the highest id already recorded:
 *       restoring older state would replay and duplicate what sinks already saw. When nothing
 *       addressable reaches that floor, the choice is refused rather than lowered.
 *   <li>With {@code maxCheckpointAge} set, a candidate must be shown to be young enough. A point
 *       whose completion time is unknown (an HA-store entry) is as young as the newest known
 *       completion at or below its id, which is a lower bound; unknown age is refused.
 * </ol>
 */
public final class RestorePoints {
  private static final String HA = "haStore";

  private RestorePoints() {}

  /** What the choice is made from. {@code ha} is {@link HaStoreView#noHa()} when unknown. */
  public record Request(
      DeployReason reason,
      FlinkResilientJobSpec spec,
      FlinkResilientJobStatus status,
      HaStoreView ha,
      Instant now) {
    public Request {
      status = status == null ? new FlinkResilientJobStatus() : status;
      ha = ha == null ? HaStoreView.noHa() : ha;
    }
  }

  /** The first deployment's point: {@code job.initialSavepointPath}, or empty state. */
  public static RestorePoint initial(FlinkResilientJobSpec spec) {
    String initial = spec.getJob().getInitialSavepointPath();
    return initial == null || initial.isBlank() ? RestorePoint.NONE : RestorePoint.user(initial);
  }

  public static RestoreChoice choose(Request r) {
    String initial = r.spec().getJob().getInitialSavepointPath();
    boolean hasInitial = initial != null && !initial.isBlank();
    if (r.reason() == DeployReason.INITIAL) {
      return hasInitial
          ? new RestoreChoice.From(
              RestorePoint.user(initial), "first deployment, from initialSavepointPath")
          : new RestoreChoice.From(RestorePoint.NONE, "first deployment, empty state");
    }
    if (hasInitial && userAskedFor(initial, r.spec(), r.status().getDeployment())) {
      return new RestoreChoice.From(
          RestorePoint.user(initial), "new restartNonce with a new initialSavepointPath");
    }
    RestoreFrom policy = r.spec().getRecovery().getRestoreFrom();
    if (policy == RestoreFrom.NONE) {
      return new RestoreChoice.From(RestorePoint.EMPTY_BY_CHOICE, "recovery.restoreFrom is none");
    }
    List<Candidate> candidates = candidates(policy, r);
    // The floor is what status recorded; the HA store may only add newer points above it.
    Optional<Long> floor =
        candidates.stream()
            .filter(c -> !HA.equals(c.source()))
            .map(Candidate::id)
            .max(Long::compare);
    Optional<Candidate> best =
        candidates.stream()
            .filter(c -> c.path() != null && !c.path().isBlank())
            .max(Comparator.comparingLong(Candidate::id).thenComparing(Candidate::timeKnown));
    if (best.isEmpty()) {
      if (floor.isPresent()) {
        return new RestoreChoice.Refused(
            "no addressable " + kind(policy) + " at or above recorded id " + floor.get());
      }
      if (policy == RestoreFrom.LATEST_SAVEPOINT && hasCheckpointState(r)) {
        return new RestoreChoice.Refused(
            "recovery.restoreFrom is latestSavepoint but no savepoint is recorded, and empty"
                + " state would drop the job's checkpointed state");
      }
      CheckpointRef start = r.status().getRestoredFrom();
      if (policy == RestoreFrom.LATEST_CHECKPOINT && start != null && start.getPath() != null) {
        // Started from a user's savepoint whose id Flink has not reported yet, and crashed before
        // a checkpoint: that savepoint is still the newest state, not empty state.
        return new RestoreChoice.From(
            new RestorePoint(start.getPath(), null, source(start, "restored")),
            "no checkpoint yet; again from what the deployment started from");
      }
      return new RestoreChoice.From(RestorePoint.NONE, noneYet(policy));
    }
    Candidate chosen = best.get();
    if (floor.isPresent() && chosen.id() < floor.get()) {
      return new RestoreChoice.Refused(
          "the highest addressable "
              + kind(policy)
              + " is "
              + chosen.id()
              + ", below id "
              + floor.get()
              + " already recorded; restoring it would replay processed data");
    }
    Optional<String> tooOld = ageProblem(chosen, candidates, r);
    if (tooOld.isPresent()) {
      return new RestoreChoice.Refused(tooOld.get());
    }
    return new RestoreChoice.From(
        new RestorePoint(chosen.path(), chosen.id(), chosen.source()),
        "highest " + kind(policy) + " " + chosen.id() + " (from " + chosen.source() + ")");
  }

  /** A checkpoint or savepoint known to some source; path null when not addressable. */
  private record Candidate(long id, String path, Instant completedAt, String source) {
    boolean timeKnown() {
      return completedAt != null;
    }
  }

  private static List<Candidate> candidates(RestoreFrom policy, Request r) {
    FlinkResilientJobStatus s = r.status();
    List<Candidate> all = new ArrayList<>();
    add(all, s.getLatestSavepoint(), "savepoint");
    if (policy == RestoreFrom.LATEST_SAVEPOINT) {
      return all;
    }
    add(all, s.getLatestCheckpoint(), "rest");
    add(all, s.getRestoredFrom(), "restored");
    if (r.ha().state() == HaStoreView.State.READ) {
      for (FlinkCheckpoint c : r.ha().checkpoints()) {
        all.add(new Candidate(c.id(), c.addressable() ? c.path() : null, c.completedAt(), HA));
      }
    }
    return all;
  }

  private static void add(List<Candidate> to, CheckpointRef ref, String fallbackSource) {
    if (ref == null || ref.getId() == null) {
      return; // an id-less point (a user savepoint) sets no floor and cannot be compared
    }
    to.add(
        new Candidate(
            ref.getId(), ref.getPath(), parse(ref.getCompletedAt()), source(ref, fallbackSource)));
  }

  private static String source(CheckpointRef ref, String fallback) {
    return ref.getSource() == null ? fallback : ref.getSource();
  }

  private static Optional<String> ageProblem(
      Candidate chosen, List<Candidate> candidates, Request r) {
    Duration max = Durations.parse(r.spec().getRecovery().getMaxCheckpointAge());
    if (max.isZero()) {
      return Optional.empty();
    }
    Optional<Instant> completed =
        chosen.completedAt() != null
            ? Optional.of(chosen.completedAt())
            : candidates.stream()
                .filter(c -> c.id() <= chosen.id() && c.completedAt() != null)
                .map(Candidate::completedAt)
                .max(Comparator.naturalOrder());
    if (completed.isEmpty()) {
      return Optional.of(
          "the age of checkpoint "
              + chosen.id()
              + " is unknown and recovery.maxCheckpointAge is "
              + r.spec().getRecovery().getMaxCheckpointAge()
              + "; a human must decide");
    }
    Duration age = Duration.between(completed.get(), r.now());
    if (age.compareTo(max) <= 0) {
      return Optional.empty();
    }
    return Optional.of(
        "checkpoint "
            + chosen.id()
            + " is "
            + age.toSeconds()
            + "s old, older than recovery.maxCheckpointAge "
            + r.spec().getRecovery().getMaxCheckpointAge()
            + "; a human must decide");
  }

  private static boolean hasCheckpointState(Request r) {
    FlinkResilientJobStatus s = r.status();
    return s.getLatestCheckpoint() != null
        || s.getRestoredFrom() != null
        || r.ha().state() == HaStoreView.State.READ && !r.ha().checkpoints().isEmpty();
  }

  private static boolean userAskedFor(
      String initial, FlinkResilientJobSpec spec, DeploymentRecord previous) {
    if (previous == null) {
      return true;
    }
    boolean newNonce =
        !Objects.equals(previous.getRestartNonce(), spec.getRestartNonce())
            && previous.getRestartNonce() != null;
    return newNonce && !initial.equals(previous.getInitialSavepointPath());
  }

  private static String kind(RestoreFrom policy) {
    return policy == RestoreFrom.LATEST_SAVEPOINT ? "savepoint" : "checkpoint";
  }

  private static String noneYet(RestoreFrom policy) {
    return "no " + kind(policy) + " recorded yet, empty state";
  }

  private static Instant parse(String time) {
    try {
      return time == null ? null : Instant.parse(time);
    } catch (RuntimeException e) {
      return null; // a hand-edited status must not break recovery; the time is just unknown
    }
  }
}
