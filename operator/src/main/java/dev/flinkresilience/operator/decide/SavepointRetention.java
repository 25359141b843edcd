package dev.flinkresilience.operator.decide;

import dev.flinkresilience.operator.api.v1alpha1.CheckpointRef;
import dev.flinkresilience.operator.api.v1alpha1.FlinkResilientJobSpec;
import dev.flinkresilience.operator.api.v1alpha1.FlinkResilientJobStatus;
import dev.flinkresilience.operator.api.v1alpha1.SavepointHistorySpec;
import dev.flinkresilience.operator.api.v1alpha1.SavepointRecord;
import dev.flinkresilience.operator.api.v1alpha1.SavepointResult;
import dev.flinkresilience.operator.decide.Decision.DisposeSavepoints;
import dev.flinkresilience.operator.spec.Durations;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;

/**
 * Retention of the savepoints the operator took ({@code job.savepointHistory}). Pure.
 *
 * <p>Among the completed savepoints in {@code status.savepoints}, those beyond the newest {@code
 * maxCount} (default {@value SavepointHistorySpec#MAX_COUNT}) or completed longer than {@code
 * maxAge} ago are disposed, oldest first, through Flink's REST API (the job's own JobManager, with
 * the job's own credentials to its storage). Never disposed, whatever their age or rank:
 *
 * <ul>
 *   <li>the newest completed savepoint: the restore point of the next planned restart or of a
 *       {@code restoreFrom: latestSavepoint};
 *   <li>any savepoint status names as a restore point: {@code restoredFrom}, {@code
 *       finalSavepoint}, {@code latestSavepoint}, {@code latestCheckpoint}, {@code
 *       deployment.restorePath}, and the spec's {@code initialSavepointPath}.
 * </ul>
 *
 * A failed disposal stays listed, is reported, and is tried again after a back-off (1 min, doubling
 * up to an hour). At most {@value #IN_FLIGHT} disposals run at once per job.
 */
public final class SavepointRetention {
  /** Disposals of one job in flight at once: a lowered maxCount must not flood its JobManager. */
  static final int IN_FLIGHT = 3;

  /** Records listed without retention (and failed ones always): the last few, for humans. */
  public static final int LISTED = 10;

  private static final Duration FIRST_RETRY = Duration.ofMinutes(1);
  private static final Duration LAST_RETRY = Duration.ofHours(1);

  private SavepointRetention() {}

  /**
   * The completed savepoints of {@code records} to dispose under {@code history}, oldest first,
   * never one whose path is in {@code kept} nor the newest completed one. Empty without retention.
   */
  public static List<SavepointRecord> expired(
      List<SavepointRecord> records, SavepointHistorySpec history, Set<String> kept, Instant now) {
    if (history == null) {
      return List.of();
    }
    int maxCount =
        history.getMaxCount() == null ? SavepointHistorySpec.MAX_COUNT : history.getMaxCount();
    Optional<Duration> maxAge =
        history.getMaxAge() == null || history.getMaxAge().isBlank()
            ? Optional.empty()
            : Optional.of(Durations.parse(history.getMaxAge()));
    List<SavepointRecord> completed =
        records.stream()
            .filter(r -> r.getResult() == SavepointResult.COMPLETED)
            .filter(r -> r.getPath() != null && !r.getPath().isBlank())
            .toList();
    Set<String> protectedPaths = new HashSet<>();
    kept.forEach(p -> protectedPaths.add(CheckpointPaths.pointDirectory(p)));
    List<SavepointRecord> out = new ArrayList<>();
    for (int i = 0; i < completed.size(); i++) {
      SavepointRecord r = completed.get(i);
      int newer = completed.size() - 1 - i;
      if (newer == 0 || protectedPaths.contains(CheckpointPaths.pointDirectory(r.getPath()))) {
        continue;
      }
      boolean overCount = newer >= maxCount;
      boolean overAge =
          maxAge.isPresent()
              && StatusTime.of(r.getCompletedAt())
                  .map(at -> Duration.between(at, now).compareTo(maxAge.get()) > 0)
                  .orElse(false);
      if (overCount || overAge) {
        out.add(r);
      }
    }
    return out;
  }

  /** The restore points named by status and spec: never disposed. */
  public static Set<String> kept(FlinkResilientJobStatus status, FlinkResilientJobSpec spec) {
    Set<String> kept = new HashSet<>();
    for (CheckpointRef ref :
        new CheckpointRef[] {
          status.getRestoredFrom(),
          status.getFinalSavepoint(),
          status.getLatestSavepoint(),
          status.getLatestCheckpoint()
        }) {
      if (ref != null) {
        addPath(kept, ref.getPath());
      }
    }
    if (status.getDeployment() != null) {
      addPath(kept, status.getDeployment().getRestorePath());
    }
    if (spec != null && spec.getJob() != null) {
      addPath(kept, spec.getJob().getInitialSavepointPath());
    }
    return kept;
  }

  /**
   * This pass's retention step: the disposals that ended, and the expired savepoints to send (those
   * not in flight and past their retry time), within {@value #IN_FLIGHT} in flight.
   */
  static Optional<Decision> decide(PlanInput in) {
    FlinkResilientJobStatus status = in.status();
    SavepointView view = in.savepoint();
    List<DisposeSavepoints.Disposal> ended = new ArrayList<>();
    int inFlight = 0;
    for (SavepointRecord r : status.getSavepoints()) {
      if (r.getPath() == null) {
        continue;
      }
      Optional<SavepointView.Progress> p = view.of(SavepointView.disposalKey(r.getPath()));
      if (p.isEmpty()) {
        continue;
      }
      switch (p.get().state()) {
        case COMPLETED -> ended.add(new DisposeSavepoints.Disposal(r.getPath(), null));
        case FAILED ->
            ended.add(
                new DisposeSavepoints.Disposal(
                    r.getPath(), p.get().failure() == null ? "failed" : p.get().failure()));
        default -> inFlight++;
      }
    }
    List<String> send = new ArrayList<>();
    if (StopWithSavepoint.restAnswers(in)) {
      List<SavepointRecord> expired =
          expired(
              status.getSavepoints(),
              in.desired().spec().getJob().getSavepointHistory(),
              kept(status, in.desired().spec()),
              in.now());
      for (SavepointRecord r : expired) {
        if (inFlight + send.size() >= IN_FLIGHT) {
          break;
        }
        boolean followed = view.of(SavepointView.disposalKey(r.getPath())).isPresent();
        boolean due =
            StatusTime.of(r.getDisposeRetryAt()).map(at -> !in.now().isBefore(at)).orElse(true);
        if (!followed && due) {
          send.add(r.getPath());
        }
      }
    }
    return send.isEmpty() && ended.isEmpty()
        ? Optional.empty()
        : Optional.of(new DisposeSavepoints(send, ended));
  }

  /** When a disposal that failed {@code attempts} times in all may be tried again. */
  public static Instant retryAt(int attempts, Instant now) {
    Duration wait = FIRST_RETRY;
    for (int i = 1; i < attempts && wait.compareTo(LAST_RETRY) < 0; i++) {
      wait = wait.multipliedBy(2);
    }
    return now.plus(wait.compareTo(LAST_RETRY) > 0 ? LAST_RETRY : wait);
  }

  /**
   * {@code records} trimmed to what status keeps: every savepoint in progress, the last {@value
   * #LISTED} records, and with retention every completed savepoint not yet disposed (retention
   * bounds them by {@code maxCount}, at most {@value SavepointHistorySpec#MAX_COUNT}, plus the
   * protected ones).
   */
  public static List<SavepointRecord> trim(
      List<SavepointRecord> records, SavepointHistorySpec history) {
    int size = records.size();
    List<SavepointRecord> out = new ArrayList<>();
    int retained = 0;
    for (int i = size - 1; i >= 0; i--) {
      SavepointRecord r = records.get(i);
      boolean recent = size - 1 - i < LISTED;
      boolean inProgress = r.getResult() == SavepointResult.IN_PROGRESS;
      boolean retainedByPolicy =
          history != null
              && r.getResult() == SavepointResult.COMPLETED
              && retained < 2 * SavepointHistorySpec.MAX_COUNT;
      if (recent || inProgress || retainedByPolicy) {
        out.add(0, r);
        if (r.getResult() == SavepointResult.COMPLETED) {
          retained++;
        }
      }
    }
    return out;
  }

  private static void addPath(Set<String> to, String path) {
    if (path != null && !path.isBlank() && !FlinkCheckpoint.NOT_ADDRESSABLE.equals(path)) {
      to.add(path);
    }
  }
}
