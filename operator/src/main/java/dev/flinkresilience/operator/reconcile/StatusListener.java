package dev.flinkresilience.operator.reconcile;

import dev.flinkresilience.operator.api.v1alpha1.FlinkResilientJob;
import dev.flinkresilience.operator.api.v1alpha1.FlinkResilientJobStatus;

/**
 * Told the status each reconcile pass ends with, once it is written (or was already current): the
 * job metrics follow status this way, without reading the API server again.
 */
@FunctionalInterface
public interface StatusListener {
  StatusListener NONE = (job, status) -> {};

  void passEnded(FlinkResilientJob job, FlinkResilientJobStatus status);
}
