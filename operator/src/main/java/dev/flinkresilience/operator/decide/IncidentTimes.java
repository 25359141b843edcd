package dev.flinkresilience.operator.decide;

import dev.flinkresilience.operator.api.v1alpha1.Incident;
import java.time.Instant;

/**
 * An incident's clock. Detected and opened differ when the operator saw the failure before the
 * job's pass came (a node the node watch judged lost while the job waited in the reconcile queue,
 * up to 20 s at 1,000 jobs): detection is reported from the first, and every wait of the recovery
 * (the Deployment controller's, Flink's own recovery) counts from the second, as it always did.
 */
public final class IncidentTimes {
  private IncidentTimes() {}

  /** When the incident was opened; for one opened before that was recorded, its detection. */
  public static Instant opened(Incident incident, Instant fallback) {
    Instant opened = StatusTime.or(incident.getOpenedAt(), null);
    return opened != null ? opened : StatusTime.or(incident.getDetectedAt(), fallback);
  }
}
