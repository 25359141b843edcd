package dev.flinkresilience.operator.reconcile;

import dev.flinkresilience.operator.api.v1alpha1.FlinkResilientJob;
import dev.flinkresilience.operator.api.v1alpha1.FlinkResilientJobStatus;
import dev.flinkresilience.operator.api.v1alpha1.Incident;
import org.slf4j.MDC;

/**
 * The job a pass is about, in the logging context (SLF4J's MDC) of the thread running it: every
 * line logged during the pass, by the operator or the libraries it calls, carries the job's {@code
 * namespace} and {@code name} and, while an incident is open, its {@code incidentId} (the id in
 * {@code status.recovery.current}, its events and {@code flinkresilience_open_incident_id}). The
 * JSON log format prints them; the text format does not. Closed at the end of the pass, so the next
 * job on the same thread starts clean.
 */
final class JobLogContext implements AutoCloseable {
  static final String NAMESPACE = "namespace";
  static final String NAME = "name";
  static final String INCIDENT_ID = "incidentId";

  private JobLogContext() {}

  /** The job, and its open incident as the pass finds it. */
  static JobLogContext of(FlinkResilientJob job) {
    MDC.put(NAMESPACE, job.getMetadata().getNamespace());
    MDC.put(NAME, job.getMetadata().getName());
    var context = new JobLogContext();
    context.incident(current(job.getStatus()));
    return context;
  }

  /**
   * The incident the rest of the pass is about: the one open after it, or else the one it closed
   * (its Recovered or GaveUp events belong to it), or none.
   */
  void incident(FlinkResilientJobStatus before, FlinkResilientJobStatus after) {
    Incident now = current(after);
    incident(now != null ? now : current(before));
  }

  private void incident(Incident incident) {
    if (incident == null || incident.getId() == null) {
      MDC.remove(INCIDENT_ID);
    } else {
      MDC.put(INCIDENT_ID, String.valueOf(incident.getId()));
    }
  }

  private static Incident current(FlinkResilientJobStatus status) {
    return status == null || status.getRecovery() == null
        ? null
        : status.getRecovery().getCurrent();
  }

  @Override
  public void close() {
    MDC.remove(NAMESPACE);
    MDC.remove(NAME);
    MDC.remove(INCIDENT_ID);
  }
}
