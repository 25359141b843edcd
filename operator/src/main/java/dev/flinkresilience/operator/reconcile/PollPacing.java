package dev.flinkresilience.operator.reconcile;

import dev.flinkresilience.operator.api.v1alpha1.FlinkResilientJobStatus;
import dev.flinkresilience.operator.api.v1alpha1.Phase;
import java.time.Duration;

/**
 * How often Flink is polled: {@code fast} while something is moving (deploying, recovering, the job
 * not RUNNING, polls failing), {@code steady} otherwise. The steady interval bounds how far the
 * recorded checkpoint can lag the real one when the JobManager dies without HA.
 */
public record PollPacing(Duration steady, Duration fast) {
  private static final Duration MIN_CALL_TIMEOUT = Duration.ofSeconds(3);

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

  public Duration intervalFor(FlinkResilientJobStatus status) {
    boolean moving =
        status.getPhase() == Phase.DEPLOYING
            || status.getPhase() == Phase.RECOVERING
            || !"RUNNING".equals(status.getJobState())
            || status.getObservation() != null;
    return moving ? fast : steady;
  }
}
