package dev.flinkresilience.operator.reconcile;

import dev.flinkresilience.operator.api.v1alpha1.Phase;
import dev.flinkresilience.operator.decide.Decision;
import java.time.Duration;

/**
 * When to look again without an event. Informer events (pods, the JobManager Deployment, the
 * resource itself) wake the reconciler at once; this is the floor for what has no event.
 */
final class Pacing {
  private Pacing() {}

  static Duration after(Decision decision, Phase phase) {
    if (decision instanceof Decision.BeginOperation
        || decision instanceof Decision.OpenIncident
        || decision instanceof Decision.Escalate) {
      // The intent is recorded: act on it in the next pass. Our own status write wakes nobody,
      // so without this the teardown or the pod release after a detection waited 2 s.
      return Duration.ofMillis(100);
    }
    if (decision instanceof Decision.RejectSpec || decision instanceof Decision.RefuseRestore) {
      return Duration.ofMinutes(1);
    }
    if (!(decision instanceof Decision.Steady) || phase == Phase.DEPLOYING) {
      return Duration.ofSeconds(2);
    }
    return phase == Phase.RUNNING ? Duration.ofSeconds(30) : Duration.ofMinutes(2);
  }
}
