package dev.flinkresilience.operator.act;

import dev.flinkresilience.operator.api.v1alpha1.FlinkResilientJob;
import dev.flinkresilience.operator.report.EventSpec;
import io.fabric8.kubernetes.api.model.EventBuilder;
import io.fabric8.kubernetes.api.model.ObjectReferenceBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientException;
import java.time.Clock;
import java.util.UUID;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Writes Kubernetes events about a job (core/v1, so {@code kubectl describe} shows them), and logs
 * each: the events are the operator's account of a job (detection, teardown, redeploy, recovery),
 * and a log stack following one incident (its {@code incidentId}, set by the reconciler) reads it
 * there too.
 */
public final class EventEmitter {
  private static final Logger LOG = LoggerFactory.getLogger(EventEmitter.class);
  private static final String COMPONENT = "flink-resilience-operator";

  private final KubernetesClient client;
  private final Clock clock;

  public EventEmitter(KubernetesClient client, Clock clock) {
    this.client = client;
    this.clock = clock;
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
    String now = clock.instant().toString();
    var k8sEvent =
        new EventBuilder()
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
    try {
      client.v1().events().inNamespace(meta.getNamespace()).resource(k8sEvent).create();
    } catch (KubernetesClientException e) {
      // An event is a report, not state: losing one must not fail the reconcile that caused it.
      LOG.warn(
          "could not record event {} for {}: {}", event.reason(), meta.getName(), e.getMessage());
    }
  }
}
