package dev.flinkresilience.operator.decide;

import dev.flinkresilience.operator.api.v1alpha1.CheckpointRef;
import dev.flinkresilience.operator.api.v1alpha1.DeploymentRecord;
import dev.flinkresilience.operator.api.v1alpha1.FlinkResilientJobSpec;
import dev.flinkresilience.operator.api.v1alpha1.FlinkResilientJobStatus;
import dev.flinkresilience.operator.api.v1alpha1.RestoreFrom;
import dev.flinkresilience.operator.api.v1alpha1.UpgradeMode;
import dev.flinkresilience.operator.decide.Decision.DeployReason;
import dev.flinkresilience.operator.spec.Durations;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.TreeSet;

/**
 * Where a deployment restores from (DESIGN.md §5.4 step 2, §5.5). Pure: status, HA store,
 * checkpoint storage and clock in, a choice out.
 *
 * <p>The rules, in order:
 *
 * <ol>
 *   <li>The first deployment starts from {@code job.initialSavepointPath} once its {@code
 *       _metadata} is found in the storage, or from empty state.
 *   <li>A new {@code restartNonce} together with a new {@code initialSavepointPath} is the user
 *       saying "start from this one": it is used even when its id is below what was recorded, once
 *       its {@code _metadata} is found in the storage. A new nonce alone means "redeploy now" and
 *       goes on from the latest checkpoint.
 *   <li>A planned restart (upgrade, resume) with {@code job.upgradeMode: stateless} starts from
 *       empty state, by the user's choice.
 *   <li>A planned restart whose stop took a savepoint ({@code status.finalSavepoint}) starts from
 *       exactly that savepoint, once its {@code _metadata} is found in the storage. Its id is
 *       unknown (Flink's savepoint answer has none) and it needs no floor: a savepoint taken by
 *       stop-with-savepoint is the job's final state, so nothing can be newer, and Flink committed
 *       the sinks' transactions on it.
 *   <li>{@code restoreFrom: none} starts from empty state, by the user's choice.
 *   <li>Every other choice waits for the checkpoint storage to be read, after the old cluster is
 *       gone ({@link RestoreChoice.ReadStorageFirst}): only then can nothing newer appear.
 *   <li>The candidates are: {@code latestSavepoint} only, for {@code latestSavepoint}; for {@code
 *       latestCheckpoint}, the checkpoints in the HA store, the complete checkpoints in the storage
 *       (a {@code chk-<id>} with {@code _metadata}, possibly newer than any poll saw), the recorded
 *       latest checkpoint and savepoint, and what the running deployment restored from. Checkpoints
 *       and savepoints share one id counter per job, so the highest id is the newest state.
 *   <li>Only addressable candidates count, and never one below the highest id already recorded:
 *       restoring older state would replay and duplicate what sinks already saw. The HA store and
 *       the storage may only add newer points above that floor. When nothing addressable reaches
 *       it, the choice is refused rather than lowered.
 *   <li>With {@code maxCheckpointAge} set, a candidate must be shown to be young enough. A point
 *       whose completion time is unknown (an HA-store entry) is as young as the newest known
 *       completion at or below its id, which is a lower bound; unknown age is refused.
 *   <li>The chosen point's {@code _metadata} must exist in the storage; its head gives the id of a
 *       savepoint, which is recorded with it. If it is gone (deleted by hand, by retention), the
 *       choice is refused naming the path; it never falls back to an older point, which would
 *       replay processed data.
 *   <li>When the storage could not be read (timeout, permission, I/O error), the choice is made
 *       from status and the HA store as before and says so; the metadata is then not verified.
 *       Decided so because refusing would turn an outage of the storage into an outage of the job:
 *       a crash redeploy would wait on it without end, while what status recorded was complete when
 *       Flink reported it.
 * </ol>
 */
public final class RestorePoints {
  private static final String HA = "haStore";
  private static final String STORAGE = "storage";

  private RestorePoints() {}

  /**
   * What the choice is made from. {@code ha} is {@link HaStoreView#noHa()} when unknown; {@code
   * storage} is {@link CheckpointStorageView#notRead()} until the storage was read.
   */
  public record Request(
      DeployReason reason,
      FlinkResilientJobSpec spec,
      FlinkResilientJobStatus status,
      HaStoreView ha,
      CheckpointStorageView storage,
      Instant now) {
    public Request {
      status = status == null ? new FlinkResilientJobStatus() : status;
      ha = ha == null ? HaStoreView.noHa() : ha;
      storage = storage == null ? CheckpointStorageView.notRead() : storage;
    }
  }

  /**
   * What to read from the storage for {@code r}: the torn-down deployment's job directory (in the
   * checkpoint directory it was deployed with), and every restore point status and the HA store
   * name, so that whichever is chosen can be verified.
   */
  public static StorageQuery storageQuery(Request r) {
    FlinkResilientJobStatus s = r.status();
    FlinkResilientJobSpec deployed = s.getDeployedSpec() != null ? s.getDeployedSpec() : r.spec();
    String directory =
        deployed.getCheckpointing() == null ? null : deployed.getCheckpointing().getDirectory();
    String jobId =
        s.getDeployment() != null && s.getDeployment().getJobId() != null
            ? s.getDeployment().getJobId()
            : s.getJobId();
    Set<String> paths = new TreeSet<>();
    for (CheckpointRef ref :
        new CheckpointRef[] {
          s.getLatestCheckpoint(), s.getLatestSavepoint(), s.getRestoredFrom()
        }) {
      addressable(ref == null ? null : ref.getPath()).ifPresent(paths::add);
    }
    if (r.ha().state() == HaStoreView.State.READ) {
      r.ha().checkpoints().forEach(c -> addressable(c.path()).ifPresent(paths::add));
    }
    boolean known = directory != null && !directory.isBlank() && jobId != null;
    return new StorageQuery(known ? CheckpointPaths.jobDirectory(directory, jobId) : null, paths);
  }

  private static Optional<String> addressable(String path) {
    return path == null || path.isBlank() || FlinkCheckpoint.NOT_ADDRESSABLE.equals(path)
        ? Optional.empty()
        : Optional.of(CheckpointPaths.pointDirectory(path));
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
          ? onlyIfItExists(
              new RestoreChoice.From(
                  RestorePoint.user(initial), "first deployment, from initialSavepointPath"),
              r)
          : new RestoreChoice.From(RestorePoint.NONE, "first deployment, empty state");
    }
    if (hasInitial && userAskedFor(initial, r.spec(), r.status().getDeployment())) {
      return onlyIfItExists(
          new RestoreChoice.From(
              RestorePoint.user(initial), "new restartNonce with a new initialSavepointPath"),
          r);
    }
    boolean planned = r.reason() == DeployReason.UPGRADE || r.reason() == DeployReason.RESUME;
    if (planned && r.spec().getJob().getUpgradeMode() == UpgradeMode.STATELESS) {
      return new RestoreChoice.From(RestorePoint.EMPTY_BY_CHOICE, "job.upgradeMode is stateless");
    }
    CheckpointRef last = r.status().getFinalSavepoint();
    if (planned && last != null && last.getPath() != null && !last.getPath().isBlank()) {
      return onlyIfItExists(
          new RestoreChoice.From(
              RestorePoint.finalSavepoint(last.getPath()),
              "the savepoint the job was stopped with, its final state"),
          r);
    }
    RestoreFrom policy = r.spec().getRecovery().getRestoreFrom();
    if (policy == RestoreFrom.NONE) {
      return new RestoreChoice.From(RestorePoint.EMPTY_BY_CHOICE, "recovery.restoreFrom is none");
    }
    StorageQuery query = storageQuery(r);
    if (!r.storage().answers(query)) {
      return new RestoreChoice.ReadStorageFirst(query);
    }
    return verified(choose(r, policy), r);
  }

  /**
   * A point named outright (the stop's savepoint, the user's path), used once its metadata is
   * confirmed: only that path is read, nothing is listed. The stop's savepoint was complete when
   * Flink reported it, but the deploy comes a teardown later, and Flink has by then deleted the
   * job's checkpoints (a stopped job's are subsumed by its savepoint): if the savepoint went too
   * (deleted by hand, a retention job, a wrong path), the new job would fail to start in a loop,
   * with nothing left to fall back on but older state. Refused instead, with the path.
   */
  private static RestoreChoice onlyIfItExists(RestoreChoice.From from, Request r) {
    StorageQuery query =
        new StorageQuery(null, Set.of(CheckpointPaths.pointDirectory(from.point().path())));
    if (!r.storage().answers(query)) {
      return new RestoreChoice.ReadStorageFirst(query);
    }
    return verified(from, r);
  }

  /**
   * The chosen point, if its metadata is confirmed. A storage that could not be read verifies
   * nothing and is named in the reason (see rule 11).
   */
  private static RestoreChoice verified(RestoreChoice choice, Request r) {
    if (!(choice instanceof RestoreChoice.From from) || from.point().isNone()) {
      return choice;
    }
    CheckpointStorageView storage = r.storage();
    if (storage.state() == CheckpointStorageView.State.FAILED) {
      return new RestoreChoice.From(
          from.point(),
          from.why(),
          "storage unreadable: "
              + storage.problem()
              + " (chosen from what was recorded; _metadata not verified)");
    }
    String path = from.point().path();
    Optional<Boolean> exists = storage.exists(path);
    if (exists.orElse(false)) {
      return withId(from, storage);
    }
    RestorePoint point = from.point();
    String metadata = CheckpointPaths.pointDirectory(path) + "/" + CheckpointPaths.METADATA;
    return new RestoreChoice.Refused(
        "the newest restore point "
            + path
            + " ("
            + (point.checkpointId() == null ? "" : "id " + point.checkpointId() + ", ")
            + "from "
            + point.source()
            + ") "
            + (exists.isPresent()
                ? "is gone: " + metadata + " does not exist"
                : "could not be verified: " + metadata + " was not found in the storage read")
            + "; not falling back to an older point, which would replay processed data. To start"
            + " from a point of your choice, set spec.job.initialSavepointPath together with a new"
            + " spec.restartNonce");
  }

  /**
   * A savepoint's id, which its path does not give, from the head of its metadata. The deployment
   * records it as what it restored from, and so knows the HA store's entry under that id for what
   * it is: the restored point, not a checkpoint of the new job (see HaStoreView#restoredAs).
   */
  private static RestoreChoice withId(RestoreChoice.From from, CheckpointStorageView storage) {
    RestorePoint point = from.point();
    if (point.checkpointId() != null) {
      return from;
    }
    return storage
        .idOf(point.path())
        .<RestoreChoice>map(
            id ->
                new RestoreChoice.From(
                    new RestorePoint(point.path(), id, point.source()), from.why(), from.caveat()))
        .orElse(from);
  }

  private static RestoreChoice choose(Request r, RestoreFrom policy) {
    List<Candidate> candidates = candidates(policy, r);
    // The floor is what status recorded; the HA store and the storage may only add newer points
    // above it.
    Optional<Long> floor =
        candidates.stream()
            .filter(c -> !HA.equals(c.source()) && !STORAGE.equals(c.source()))
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
    if (r.storage().state() == CheckpointStorageView.State.READ) {
      for (FlinkCheckpoint c : r.storage().checkpoints()) {
        all.add(new Candidate(c.id(), c.path(), c.completedAt(), STORAGE));
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
            ref.getId(),
            ref.getPath(),
            StatusTime.or(ref.getCompletedAt(), null),
            source(ref, fallbackSource)));
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
        || r.ha().state() == HaStoreView.State.READ && !r.ha().checkpoints().isEmpty()
        || r.storage().state() == CheckpointStorageView.State.READ
            && !r.storage().checkpoints().isEmpty();
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
}
