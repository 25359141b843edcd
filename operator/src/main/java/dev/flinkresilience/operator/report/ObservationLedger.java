package dev.flinkresilience.operator.report;

import com.fasterxml.jackson.databind.ObjectMapper;
import dev.flinkresilience.operator.api.v1alpha1.CheckpointRef;
import dev.flinkresilience.operator.api.v1alpha1.FlinkResilientJobStatus;
import dev.flinkresilience.operator.api.v1alpha1.FlinkRestartsStatus;
import dev.flinkresilience.operator.api.v1alpha1.ObservationStatus;
import dev.flinkresilience.operator.api.v1alpha1.RestartStrategySpec;
import dev.flinkresilience.operator.api.v1alpha1.RestartStrategyType;
import dev.flinkresilience.operator.decide.FlinkCheckpoint;
import dev.flinkresilience.operator.decide.FlinkObservation;
import dev.flinkresilience.operator.decide.FlinkObservation.Outcome;
import dev.flinkresilience.operator.decide.HaStoreView;
import dev.flinkresilience.operator.decide.Signals;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Optional;

/**
 * Folds what Flink said (a REST poll, the HA store) into status, before anything is decided. Pure.
 *
 * <p>The one rule that matters most: a recorded checkpoint or savepoint id never goes down. A poll
 * that fails, answers garbage or reports an older id leaves the record as it is; only a deployment
 * from a user's savepoint (see RestorePoints) starts the record again.
 */
public final class ObservationLedger {
  /** Failed polls in a row before a problem is reported as lasting (message, Warning event). */
  public static final int LASTING_AFTER_POLLS = Signals.LASTING_PROBLEM_POLLS;

  private static final ObjectMapper COPIER = new ObjectMapper();

  private ObservationLedger() {}

  /** The status after merging, and the events the merge calls for. */
  public record Merged(FlinkResilientJobStatus status, List<EventSpec> events) {}

  /**
   * @param observation the newest poll of the current deployment's job, or null when none is new
   * @param ha the HA store's view of the job
   * @param strategy the restart strategy the running deployment was made with
   */
  public static Merged merge(
      FlinkResilientJobStatus previous,
      FlinkObservation observation,
      HaStoreView ha,
      RestartStrategySpec strategy) {
    FlinkResilientJobStatus next = COPIER.convertValue(previous, FlinkResilientJobStatus.class);
    List<EventSpec> events = new ArrayList<>();
    if (observation != null && isNew(observation, previous.getObservation())) {
      track(next, observation, events);
      if (observation.outcome() == Outcome.OK) {
        apply(next, observation, strategy);
      }
    }
    if (ha != null && ha.state() == HaStoreView.State.READ) {
      newestAddressable(ha.checkpoints())
          .ifPresent(
              c -> raise(next::getLatestCheckpoint, next::setLatestCheckpoint, c, "haStore"));
    }
    return new Merged(next, events);
  }

  /** Whether a lasting REST problem should show in the message. */
  public static Optional<String> lastingProblem(FlinkResilientJobStatus status) {
    ObservationStatus o = status.getObservation();
    if (o == null || o.getProblem() == null || o.getFailedPolls() == null) {
      return Optional.empty();
    }
    return o.getFailedPolls() >= LASTING_AFTER_POLLS
        ? Optional.of(o.getProblem() + " (since " + o.getProblemSince() + ")")
        : Optional.empty();
  }

  private static boolean isNew(FlinkObservation observation, ObservationStatus seen) {
    if (seen == null || seen.getLastPolledAt() == null) {
      return true;
    }
    try {
      return observation.observedAt().isAfter(Instant.parse(seen.getLastPolledAt()));
    } catch (RuntimeException e) {
      return true;
    }
  }

  private static void track(
      FlinkResilientJobStatus next, FlinkObservation observation, List<EventSpec> events) {
    ObservationStatus o = next.getObservation();
    if (observation.outcome() == Outcome.OK) {
      if (o != null && o.getFailedPolls() != null && o.getFailedPolls() >= LASTING_AFTER_POLLS) {
        events.add(EventSpec.normal("FlinkRestRecovered", "Flink's REST API answers again"));
      }
      next.setObservation(null);
      return;
    }
    o = o == null ? new ObservationStatus() : o;
    String at = observation.observedAt().toString();
    int failed = o.getFailedPolls() == null ? 1 : o.getFailedPolls() + 1;
    o.setLastPolledAt(at);
    o.setFailedPolls(failed);
    o.setProblem(observation.problem());
    if (o.getProblemSince() == null) {
      o.setProblemSince(at);
    }
    if (failed == LASTING_AFTER_POLLS) {
      events.add(
          EventSpec.warning(
              "FlinkRestUnavailable",
              failed + " polls of Flink's REST API failed in a row: " + observation.problem()));
    }
    next.setObservation(o);
  }

  private static void apply(
      FlinkResilientJobStatus next, FlinkObservation observation, RestartStrategySpec strategy) {
    var incident = next.getRecovery().getCurrent();
    if (incident != null && observation.jobState() != null) {
      // Only polls after the incident began reach here (FlinkWatch drops older ones).
      incident.setObservedState(observation.jobState());
    }
    if (observation.jobState() != null && !observation.jobState().equals(next.getJobState())) {
      next.setJobState(observation.jobState());
      // First seen in this state: how long a job is RESTARTING is measured from here.
      next.setJobStateSince(observation.observedAt().toString());
    }
    if (observation.restarts() != null) {
      FlinkRestartsStatus restarts = new FlinkRestartsStatus();
      restarts.setTotal(observation.restarts());
      restarts.setRemaining(remaining(strategy, observation.restarts()));
      next.setFlinkRestarts(restarts);
    }
    FlinkCheckpoint completed = observation.latestCompleted();
    if (completed != null && completed.addressable()) {
      raise(next::getLatestCheckpoint, next::setLatestCheckpoint, completed, "rest");
    }
    FlinkCheckpoint savepoint = observation.latestSavepoint();
    if (savepoint != null && savepoint.addressable()) {
      raise(next::getLatestSavepoint, next::setLatestSavepoint, savepoint, "rest");
    }
    FlinkCheckpoint restored = observation.restored();
    if (restored != null && restored.addressable()) {
      CheckpointRef ref = ref(restored, "rest");
      ref.setRestoredAt(
          observation.restoredAt() == null ? null : observation.restoredAt().toString());
      next.setRestoredFrom(ref);
    }
  }

  /**
   * Restarts left: only a fixed-delay strategy bounds them in total. Failure-rate bounds them per
   * interval and exponential-delay not at all, so "remaining" would be a guess: it stays absent.
   * Flink counts restarts per deployment, and so does its budget.
   */
  private static Long remaining(RestartStrategySpec strategy, long restarts) {
    if (strategy == null) {
      return null;
    }
    if (strategy.getType() == RestartStrategyType.NONE) {
      return 0L;
    }
    if (strategy.getType() == RestartStrategyType.FIXED_DELAY) {
      return Math.max(0, strategy.getFixedDelay().getAttempts() - restarts);
    }
    return null;
  }

  private static Optional<FlinkCheckpoint> newestAddressable(List<FlinkCheckpoint> checkpoints) {
    return checkpoints.stream()
        .filter(FlinkCheckpoint::addressable)
        .max(Comparator.comparingLong(FlinkCheckpoint::id));
  }

  /**
   * Records the newest checkpoint found in the storage after a teardown, if newer than recorded:
   * from then on it is the floor a restore may not go below.
   */
  public static void raiseFromStorage(FlinkResilientJobStatus next, FlinkCheckpoint found) {
    if (found != null && found.addressable()) {
      raise(next::getLatestCheckpoint, next::setLatestCheckpoint, found, "storage");
    }
  }

  /**
   * Records {@code seen} if it is newer than what is recorded; never lowers the id. The same id
   * seen with a completion time fills in a time the record lacks: the HA store names a checkpoint
   * without one, often before REST reports it, and without the time the checkpoint's age (gauge,
   * stall detection) would stay unknown until the next checkpoint, and be unknown for good when the
   * HA store is always first.
   */
  private static void raise(
      java.util.function.Supplier<CheckpointRef> get,
      java.util.function.Consumer<CheckpointRef> set,
      FlinkCheckpoint seen,
      String source) {
    CheckpointRef recorded = get.get();
    if (recorded == null || recorded.getId() == null || seen.id() > recorded.getId()) {
      set.accept(ref(seen, source));
    } else if (seen.id() == recorded.getId()
        && recorded.getCompletedAt() == null
        && seen.completedAt() != null) {
      recorded.setCompletedAt(seen.completedAt().toString());
    }
  }

  private static CheckpointRef ref(FlinkCheckpoint c, String source) {
    CheckpointRef ref = new CheckpointRef();
    ref.setId(c.id());
    ref.setPath(c.path());
    ref.setCompletedAt(c.completedAt() == null ? null : c.completedAt().toString());
    ref.setSource(source);
    return ref;
  }
}
