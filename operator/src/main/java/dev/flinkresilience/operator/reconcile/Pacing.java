package dev.flinkresilience.operator.reconcile;

import dev.flinkresilience.operator.api.v1alpha1.FlinkResilientJobStatus;
import dev.flinkresilience.operator.api.v1alpha1.Phase;
import dev.flinkresilience.operator.decide.Decision;
import java.time.Duration;
import java.time.Instant;

/**
 * When to look again without an event. Informer events (pods, the JobManager Deployment, the
 * resource itself) wake the reconciler at once; this is the floor for what has no event.
 */
final class Pacing {
  private static final Duration WATCH_TIME = Duration.ofSeconds(1);
  static final Duration NAME_TAKEN_RETRY = Duration.ofSeconds(30);
  static final Duration REFUSED_RETRY_MIN = Duration.ofSeconds(5);
  static final Duration REFUSED_RETRY_MAX = Duration.ofMinutes(5);
  static final Duration STORAGE_READ_CHECK = Duration.ofMillis(200);

  /** The resync of a steady running job: the safety net for what sends no event. */
  static final Duration STEADY_RESYNC = Duration.ofSeconds(30);

  /**
   * Steady running jobs' resyncs, per second across all jobs, at most. At 1,000 jobs a 30 s resync
   * was 33 passes a second, most of the reconcile CPU of jobs where nothing happens (the scale
   * benchmark: 38.5 passes a second in steady state); everything that matters sends an event (the
   * poller on any change Flink reports, the informers, the node watch) or is timed on its own (a
   * stuck restart, a savepoint due). With many jobs, the resync is stretched to keep to this rate:
   * 100 s at 1,000 jobs, 500 s at 5,000. What only the resync notices comes that much later: a
   * checkpoint stall ({@code checkpointStallAfter}), and a checkpoint left unwritten by the write
   * budget (status lags, the HA store and the storage do not).
   */
  static final int STEADY_RESYNCS_PER_SECOND = 10;

  private Pacing() {}

  /**
   * As {@link #after(Decision, Phase)}, and for an object the API server refused, back-off: half
   * the time the job has been refused so far (its Degraded condition says since when), from 5 s to
   * 5 min. A quota raised, a Service range widened or a webhook fixed sends no event the operator
   * watches; hundreds of refused jobs must not hammer the API server either.
   */
  static Duration after(Decision decision, FlinkResilientJobStatus status, Instant now) {
    if (!(decision instanceof Decision.ObjectRefused)) {
      return after(decision, status.getPhase());
    }
    Duration refused =
        status.getConditions().stream()
            .filter(c -> "Degraded".equals(c.getType()) && "ObjectRefused".equals(c.getReason()))
            .filter(c -> c.getLastTransitionTime() != null)
            .map(c -> Duration.between(Instant.parse(c.getLastTransitionTime()), now))
            .findFirst()
            .orElse(Duration.ZERO);
    Duration half = refused.dividedBy(2);
    return half.compareTo(REFUSED_RETRY_MIN) < 0
        ? REFUSED_RETRY_MIN
        : half.compareTo(REFUSED_RETRY_MAX) > 0 ? REFUSED_RETRY_MAX : half;
  }

  static Duration after(Decision decision, Phase phase) {
    if (decision instanceof Decision.BeginOperation
        || decision instanceof Decision.RecordSavepointTrigger
        || decision instanceof Decision.SavepointTaken
        || decision instanceof Decision.OpenIncident
        || decision instanceof Decision.Escalate) {
      // The intent is recorded: act on it in the next pass. Our own status write wakes nobody,
      // and a node that died sends no event: without this, the teardown or the release of a lost
      // node's pods after a detection waited the 2 s floor.
      return Duration.ofMillis(100);
    }
    if (decision instanceof Decision.TriggerSavepoint
        || decision instanceof Decision.SavepointEnded) {
      // Recorded in status: the next pass sends the savepoint, or goes on with retention.
      return Duration.ofMillis(100);
    }
    if (decision instanceof Decision.DisposeSavepoints) {
      // The disposals sent wake the job when they end; more may be due meanwhile.
      return Duration.ofSeconds(1);
    }
    if (decision instanceof Decision.FollowSavepoint) {
      // The tracker wakes the job when the savepoint's result is in; this bounds how late
      // job.savepointTimeout is noticed.
      return Duration.ofSeconds(2);
    }
    if (decision instanceof Decision.AwaitSavepoint) {
      // The stop's tracker wakes the job when the savepoint's result is in; this only bounds how
      // late job.savepointTimeout is noticed.
      return Duration.ofSeconds(1);
    }
    if (decision instanceof Decision.ReadCheckpointStorage) {
      // The read runs on its own threads and sends no event; it usually takes milliseconds.
      return STORAGE_READ_CHECK;
    }
    if (decision instanceof Decision.RejectSpec || decision instanceof Decision.RefuseRestore) {
      return Duration.ofMinutes(1);
    }
    if (decision instanceof Decision.NameTaken) {
      // Nothing tells the operator when someone frees the name (the object in the way is not
      // ours and carries no label we watch): look again, cheaply, until it is gone.
      return NAME_TAKEN_RETRY;
    }
    if (!(decision instanceof Decision.Steady) || phase == Phase.DEPLOYING) {
      return Duration.ofSeconds(2);
    }
    return phase == Phase.RUNNING ? STEADY_RESYNC : Duration.ofMinutes(2);
  }

  /**
   * A steady running job's resync stretched for {@code jobs} jobs to {@link
   * #STEADY_RESYNCS_PER_SECOND}, with a tenth of jitter so that jobs deployed together do not come
   * back together; any other pacing as is. {@code jitter} is in [0, 1).
   */
  static Duration spreadSteady(Duration next, long jobs, double jitter) {
    if (!next.equals(STEADY_RESYNC)) {
      return next;
    }
    long millis = jobs * 1000 / STEADY_RESYNCS_PER_SECOND;
    if (millis <= STEADY_RESYNC.toMillis()) {
      return next;
    }
    return Duration.ofMillis(millis + (long) (millis * 0.1 * jitter));
  }

  /**
   * A periodic savepoint, or a disposal's retry, falls due by time alone: the pass comes then at
   * the latest (a little after, so the planner sees it due). A savepoint decision itself is paced
   * by {@link #after}.
   */
  static Duration untilSavepointDue(
      Duration next, Decision decision, java.util.Optional<Duration> due) {
    if (due.isEmpty() || due.get().isZero() || !(decision instanceof Decision.Steady)) {
      // Already due and still Steady: the job cannot take it now (not RUNNING, REST silent);
      // what changes that (a poll, a pod) wakes the job, and looking sooner would only spin.
      return next;
    }
    Duration at = due.get().plus(SAVEPOINT_DUE_SLACK);
    return at.compareTo(next) < 0 ? at : next;
  }

  private static final Duration SAVEPOINT_DUE_SLACK = Duration.ofMillis(50);

  /**
   * A job RESTARTING or FAILING, or a JobManager whose REST API stopped answering, becomes a signal
   * by time alone ({@code stuckRestartingAfter}): the poller wakes a pass only when what it sees
   * changes, so without this the threshold would be noticed up to 30 s late.
   */
  static Duration whileWaitingOnTime(Duration next, FlinkResilientJobStatus status) {
    String state = status.getJobState();
    boolean timed =
        "RESTARTING".equals(state) || "FAILING".equals(state) || status.getObservation() != null;
    return timed && next.compareTo(WATCH_TIME) > 0 ? WATCH_TIME : next;
  }
}
