package dev.flinkresilience.operator.act;

import dev.flinkresilience.operator.api.v1alpha1.FlinkResilientJob;
import dev.flinkresilience.operator.report.EventSpec;
import io.fabric8.kubernetes.api.model.Event;
import io.fabric8.kubernetes.api.model.EventBuilder;
import io.fabric8.kubernetes.api.model.ObjectReferenceBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientException;
import java.time.Clock;
import java.util.UUID;
import java.util.function.Consumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Writes Kubernetes events about a job (core/v1, so {@code kubectl describe} shows them), and logs
 * each: the events are the operator's account of a job (detection, teardown, redeploy, recovery),
 * and a log stack following one incident (its {@code incidentId}, set by the reconciler) reads it
 * there too.
 *
 * <p>The log line is written at once, on the pass's thread; the event itself is sent by {@link
 * EventLanes}, off it, as Kubernetes' own event recorders do. A pass never waits on the API server
 * for a report: when a node dies every job on it reports at once, two or three events each, and an
 * API server slow to answer them held the reconcile threads the releases wait for. (On the scale
 * benchmark's saturated two cores the release's pace did not change: there the API server's CPU,
 * not the threads, bounds it; README, runs S and T.) The event's time is the moment of the report,
 * whenever it is sent.
 */
public final class EventEmitter implements AutoCloseable {
  private static final Logger LOG = LoggerFactory.getLogger(EventEmitter.class);
  private static final String COMPONENT = "flink-resilience-operator";

  private final Clock clock;
  private final Consumer<Event> create;
  private final EventLanes lanes;

  public EventEmitter(KubernetesClient client, Clock clock) {
    this(clock, created(client), EventLanes.standard());
  }

  EventEmitter(Clock clock, Consumer<Event> create, EventLanes lanes) {
    this.clock = clock;
    this.create = create;
    this.lanes = lanes;
  }

  public void emit(FlinkResilientJob job, EventSpec event) {
    var meta = job.getMetadata();
    if (event.type() == EventSpec.Type.Warning) {
      LOG.warn(
          "{}/{}: event {}: {}",
          meta.getNamespace(),
          meta.getName(),
          event.reason(),
          event.message());
    } else {
      LOG.info(
          "{}/{}: event {}: {}",
          meta.getNamespace(),
          meta.getName(),
          event.reason(),
          event.message());
    }
    Event k8sEvent = event(job, event, clock.instant().toString());
    // One lane per job: a job's events are written in the order they were reported.
    lanes.send(meta.getNamespace() + "/" + meta.getName(), event.reason(), () -> send(k8sEvent));
  }

  private void send(Event k8sEvent) {
    try {
      create.accept(k8sEvent);
    } catch (KubernetesClientException e) {
      // An event is a report, not state: losing one must not fail anything.
      LOG.warn(
          "could not record event {} for {}: {}",
          k8sEvent.getReason(),
          k8sEvent.getInvolvedObject().getName(),
          e.getMessage());
    }
  }

  /** Sends what is queued, waiting at most {@link EventLanes#DRAIN_FOR}; then stops. */
  @Override
  public void close() {
    lanes.close();
  }

  private static Event event(FlinkResilientJob job, EventSpec event, String now) {
    var meta = job.getMetadata();
    return new EventBuilder()
        .withNewMetadata()
        .withNamespace(meta.getNamespace())
        .withName(meta.getName() + "." + UUID.randomUUID().toString().substring(0, 13))
        .endMetadata()
        .withInvolvedObject(
            new ObjectReferenceBuilder()
                .withApiVersion(job.getApiVersion())
                .withKind(job.getKind())
                .withName(meta.getName())
                .withNamespace(meta.getNamespace())
                .withUid(meta.getUid())
                .withResourceVersion(meta.getResourceVersion())
                .build())
        .withType(event.type().name())
        .withReason(event.reason())
        .withMessage(event.message())
        .withFirstTimestamp(now)
        .withLastTimestamp(now)
        .withCount(1)
        .withNewSource()
        .withComponent(COMPONENT)
        .endSource()
        .withReportingComponent(COMPONENT)
        .build();
  }

  private static Consumer<Event> created(KubernetesClient client) {
    return e ->
        client.v1().events().inNamespace(e.getMetadata().getNamespace()).resource(e).create();
  }
}
