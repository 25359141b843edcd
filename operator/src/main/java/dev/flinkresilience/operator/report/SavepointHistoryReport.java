package dev.flinkresilience.operator.report;

import dev.flinkresilience.operator.api.v1alpha1.FlinkResilientJobStatus;
import dev.flinkresilience.operator.api.v1alpha1.Operation;
import dev.flinkresilience.operator.api.v1alpha1.OperationType;
import dev.flinkresilience.operator.api.v1alpha1.SavepointReason;
import dev.flinkresilience.operator.api.v1alpha1.SavepointRecord;
import dev.flinkresilience.operator.api.v1alpha1.SavepointResult;
import dev.flinkresilience.operator.decide.Decision;
import dev.flinkresilience.operator.decide.Decision.DisposeSavepoints;
import dev.flinkresilience.operator.decide.Decision.FollowSavepoint;
import dev.flinkresilience.operator.decide.Decision.SavepointEnded;
import dev.flinkresilience.operator.decide.Decision.TriggerSavepoint;
import dev.flinkresilience.operator.decide.LifecyclePlanner;
import dev.flinkresilience.operator.decide.SavepointRetention;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * {@code status.savepoints}: savepoints taken while the job runs (their trigger id recorded before
 * anything is sent), their results, the stops of planned restarts, and retention's disposals. The
 * job's phase and message are the steady ones; this adds a note to the message and the events.
 */
final class SavepointHistoryReport {
  /** A failure's text in status and events is cut to this: Flink's causes can be long. */
  static final int MAX_ERROR = 300;

  private SavepointHistoryReport() {}

  /** What a housekeeping decision adds: a note for the message (may be empty) and events. */
  record Note(String text, List<EventSpec> events) {}

  static Note apply(FlinkResilientJobStatus next, Decision.Housekeeping decision, Instant now) {
    List<EventSpec> events = new ArrayList<>();
    if (decision instanceof TriggerSavepoint trigger) {
      SavepointRecord r = new SavepointRecord();
      r.setReason(trigger.reason());
      r.setResult(SavepointResult.IN_PROGRESS);
      r.setTriggerId(trigger.triggerId());
      r.setJobId(trigger.jobId());
      r.setTriggeredAt(now.toString());
      r.setNonce(trigger.nonce());
      next.getSavepoints().add(r);
      if (trigger.nonce() != null) {
        next.setLastSavepointNonce(trigger.nonce());
      }
      String what = describe(trigger.reason(), trigger.nonce());
      events.add(
          EventSpec.normal(
              "SavepointTriggered",
              "Taking a savepoint (" + what + ", trigger " + trigger.triggerId() + ")"));
      return new Note("taking a savepoint (" + what + ")", events);
    }
    if (decision instanceof FollowSavepoint follow) {
      return new Note(
          "taking a savepoint ("
              + describe(follow.reason(), null)
              + ", into "
              + follow.targetDirectory()
              + ")",
          events);
    }
    if (decision instanceof SavepointEnded ended) {
      Optional<SavepointRecord> found =
          next.getSavepoints().stream()
              .filter(r -> ended.triggerId().equals(r.getTriggerId()))
              .filter(r -> r.getResult() == SavepointResult.IN_PROGRESS)
              .findFirst();
      if (found.isEmpty()) {
        return new Note("", events);
      }
      SavepointRecord r = found.get();
      r.setCompletedAt(now.toString());
      String what = describe(r.getReason(), r.getNonce());
      if (ended.failure() == null) {
        r.setResult(SavepointResult.COMPLETED);
        r.setPath(ended.path());
        events.add(
            EventSpec.normal("SavepointCompleted", "Savepoint (" + what + ") " + ended.path()));
      } else {
        r.setResult(SavepointResult.FAILED);
        r.setError(cut(ended.failure()));
        events.add(
            EventSpec.warning(
                "SavepointFailed", "Savepoint (" + what + ") failed: " + r.getError()));
      }
      return new Note("", events);
    }
    if (decision instanceof DisposeSavepoints dispose) {
      for (DisposeSavepoints.Disposal d : dispose.ended()) {
        disposed(next, d, now, events);
      }
      return new Note(
          dispose.send().isEmpty()
              ? ""
              : "disposing " + dispose.send().size() + " old savepoint(s)",
          events);
    }
    return new Note("", events);
  }

  private static void disposed(
      FlinkResilientJobStatus next,
      DisposeSavepoints.Disposal d,
      Instant now,
      List<EventSpec> events) {
    Optional<SavepointRecord> found =
        next.getSavepoints().stream().filter(r -> d.path().equals(r.getPath())).findFirst();
    if (found.isEmpty()) {
      return;
    }
    SavepointRecord r = found.get();
    if (d.failure() == null) {
      next.getSavepoints().remove(r);
      events.add(
          EventSpec.normal(
              "SavepointDisposed",
              "Disposed savepoint "
                  + d.path()
                  + " ("
                  + describe(r.getReason(), r.getNonce())
                  + ", "
                  + r.getCompletedAt()
                  + "): past job.savepointHistory"));
      return;
    }
    int attempts = r.getDisposeAttempts() == null ? 1 : r.getDisposeAttempts() + 1;
    Instant retry = SavepointRetention.retryAt(attempts, now);
    r.setDisposeAttempts(attempts);
    r.setDisposeError(cut(d.failure()));
    r.setDisposeRetryAt(retry.toString());
    events.add(
        EventSpec.warning(
            "SavepointDisposalFailed",
            "Could not dispose savepoint "
                + d.path()
                + " (attempt "
                + attempts
                + "): "
                + r.getDisposeError()
                + "; trying again at "
                + retry));
  }

  /**
   * A planned restart's stop, listed with its reason: completed ({@code path}), or given up after
   * its trigger id was sent ({@code failure}).
   */
  static void stopped(
      FlinkResilientJobStatus next, Operation op, String path, String failure, Instant now) {
    SavepointRecord r = new SavepointRecord();
    r.setReason(reasonOf(op));
    r.setTriggerId(op.getSavepointTriggerId());
    r.setJobId(next.getJobId());
    r.setTriggeredAt(
        op.getSavepointTriggeredAt() == null ? now.toString() : op.getSavepointTriggeredAt());
    r.setCompletedAt(now.toString());
    if (failure == null) {
      r.setResult(SavepointResult.COMPLETED);
      r.setPath(path);
    } else {
      r.setResult(SavepointResult.FAILED);
      r.setError(cut(failure));
    }
    next.getSavepoints().add(r);
  }

  static SavepointReason reasonOf(Operation op) {
    if (op.getType() == OperationType.SUSPEND) {
      return SavepointReason.SUSPEND;
    }
    return op.getReason() != null
            && op.getReason().startsWith(LifecyclePlanner.RESTART_NONCE_CHANGED)
        ? SavepointReason.RESTART_NONCE
        : SavepointReason.UPGRADE;
  }

  private static String describe(SavepointReason reason, Long nonce) {
    return reason == SavepointReason.MANUAL && nonce != null
        ? "manual, savepointNonce " + nonce
        : reason == null ? "savepoint" : reason.value().toLowerCase();
  }

  static String cut(String text) {
    return text == null || text.length() <= MAX_ERROR ? text : text.substring(0, MAX_ERROR) + "...";
  }
}
