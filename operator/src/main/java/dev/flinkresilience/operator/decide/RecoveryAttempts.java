package dev.flinkresilience.operator.decide;

import dev.flinkresilience.operator.api.v1alpha1.Incident;

/** Names a redeploy attempt, {@code <incident id>/<attempt>}, as stamped on its cluster. */
public final class RecoveryAttempts {
  private RecoveryAttempts() {}

  public static String of(Incident incident) {
    return incident.getId() + "/" + (incident.getAttempts() == null ? 0 : incident.getAttempts());
  }
}
