package dev.flinkresilience.operator.reconcile;

import dev.flinkresilience.operator.api.v1alpha1.FlinkResilientJobStatus;
import dev.flinkresilience.operator.api.v1alpha1.Phase;
import java.time.Duration;

/**
 * How often Flink is polled: {@code fast} while something is moving (deploying, recovering, the job
 * not RUNNING, polls failing), {@code steady} otherwise, stretched when there are so many jobs that
 * their steady polls together would come more than {@code steadyRate} times a second (0: never
 * stretched). The steady interval bounds how far the recorded checkpoint can lag the real one when
 * the JobManager dies without HA, and how soon a job that fails without losing a pod is seen.
 *
 * <p>Why a rate across all jobs (issue 14): each REST call costs the operator about 0.6 ms of CPU,
 * so at the default 5 s the steady polls alone grow with the jobs, from 0.2 of a core at 1,000 jobs
 * (333 calls a second in the scale benchmark) to about a core at 5,000, beyond what a replica has.
 * Pods, nodes and Leases are watched, not polled, so losing any of them is seen as fast whatever
 * the rate; and a job that is moving is polled at the fast interval, never stretched.
 */
public record PollPacing(Duration steady, Duration fast, double steadyRate) {
  private static final Duration MIN_CALL_TIMEOUT = Duration.ofSeconds(3);

  /**
   * Steady polls a second across all jobs: the default 5 s interval up to 1,000 jobs, then
   * stretched (25 s at 5,000).
   */
  public static final double DEFAULT_STEADY_RATE = 200;

  public PollPacing {
    if (!(steadyRate >= 0) || Double.isInfinite(steadyRate)) {
      throw new IllegalArgumentException(
          "the steady poll rate (--steady-poll-rate) must be 0 or more: " + steadyRate);
    }
  }

  public PollPacing(Duration steady, Duration fast) {
    this(steady, fast, DEFAULT_STEADY_RATE);
  }

  /**
   * Each REST call's time limit: the fast interval, but at least 3 s, so a JobManager in a long GC
   * pause is not reported as gone (lost pods are seen by the pod informer, not by timeouts). The
   * next poll is scheduled only after this one ends, so slow answers never pile up.
   */
  public Duration callTimeout() {
    return fast.compareTo(MIN_CALL_TIMEOUT) < 0 ? MIN_CALL_TIMEOUT : fast;
  }

  public static final PollPacing DEFAULT =
      new PollPacing(Duration.ofSeconds(5), Duration.ofSeconds(1));

  /** Whether the job is polled at the fast interval: something about it is moving. */
  public boolean moving(FlinkResilientJobStatus status) {
    return status.getPhase() == Phase.DEPLOYING
        || status.getPhase() == Phase.RECOVERING
        || !"RUNNING".equals(status.getJobState())
        || status.getObservation() != null;
  }

  /** The fast interval, or the steady one before any stretch ({@link #steadyFor}). */
  public Duration intervalFor(FlinkResilientJobStatus status) {
    return moving(status) ? fast : steady;
  }

  /**
   * The steady interval when {@code jobs} are polled: {@code steady}, or longer so that their
   * steady polls come at most {@code steadyRate} a second. The poller asks it each time it
   * schedules a steady job's next poll, with the number of jobs it polls then, so every job follows
   * the count at once (set by each job's pass instead, a job kept the interval of its last pass: at
   * 5,000 jobs, up to its next resync, 500 s). In whole seconds, so that a count moving by a job
   * does not move every job's pace.
   */
  public Duration steadyFor(long jobs) {
    if (steadyRate <= 0) {
      return steady;
    }
    long seconds = (long) Math.ceil(jobs / steadyRate);
    return seconds * 1000 > steady.toMillis() ? Duration.ofSeconds(seconds) : steady;
  }
}
