package dev.flinkresilience.operator.act;

import dev.flinkresilience.operator.model.ClusterModel;
import dev.flinkresilience.operator.model.Labels;
import dev.flinkresilience.operator.model.NodeAvoidance;
import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.Service;
import io.fabric8.kubernetes.api.model.ServiceBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientException;
import io.fabric8.kubernetes.client.dsl.NonDeletingOperation;
import java.util.List;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Kubernetes writes for a job's cluster. Every call is idempotent, so a pass repeated after a crash
 * or a conflict does no harm. Plain create/update/delete only (no server-side apply), so the
 * operator behaves the same against a real API server and the in-process mock.
 */
public final class ClusterActions {
  private static final Logger LOG = LoggerFactory.getLogger(ClusterActions.class);

  private final KubernetesClient client;

  public ClusterActions(KubernetesClient client) {
    this.client = client;
  }

  /** Creates (or brings up to date) the objects; the JobManager Deployment goes last. */
  public void apply(List<HasMetadata> objects) {
    objects.stream()
        .sorted((a, b) -> Boolean.compare(isDeployment(a), isDeployment(b)))
        .forEach(this::createOrUpdate);
  }

  private void createOrUpdate(HasMetadata object) {
    if (object instanceof Service service) {
      Service live =
          client
              .services()
              .inNamespace(service.getMetadata().getNamespace())
              .withName(service.getMetadata().getName())
              .get();
      if (live != null) {
        // The API server allocated the cluster IP; an update without it is refused ("primary
        // clusterIP can not be unset"), so a Deploy over a Service still there would fail.
        Service update = new ServiceBuilder(service).build();
        update.getSpec().setClusterIP(live.getSpec().getClusterIP());
        update.getSpec().setClusterIPs(live.getSpec().getClusterIPs());
        update.getMetadata().setResourceVersion(live.getMetadata().getResourceVersion());
        client.resource(update).update();
        return;
      }
    }
    client.resource(object).createOr(NonDeletingOperation::update);
  }

  /**
   * Deletes the cluster: the JobManager Deployment, then the job's pods, ConfigMaps and Services by
   * label. Flink's HA ConfigMaps do not carry our label and survive: they hold what a later
   * deployment may recover from, and go only when the resource is deleted.
   */
  public void deleteCluster(String namespace, String jobName, String clusterId) {
    LOG.info("deleting cluster {}/{}", namespace, clusterId);
    client
        .apps()
        .deployments()
        .inNamespace(namespace)
        .withName(ClusterModel.jobManagerDeploymentName(clusterId))
        .delete();
    // Kubernetes would garbage-collect these through owner references; deleting them here makes
    // teardown as quick, and the same, on every API server.
    client.pods().inNamespace(namespace).withLabel(Labels.JOB, jobName).delete();
    client.configMaps().inNamespace(namespace).withLabel(Labels.JOB, jobName).delete();
    client.services().inNamespace(namespace).withLabel(Labels.JOB, jobName).delete();
  }

  /**
   * Keeps the JobManager's replacement off a lost node. A lost node stays Ready to the scheduler
   * until the node lifecycle controller's grace period (40 s by default) has passed, so a pod
   * released from it could be scheduled straight back onto it and never start. The JobManager
   * Deployment's template gets a required anti-affinity on the node (the ReplicaSet it rolls avoids
   * it); a no-op when it already has one or the Deployment is gone.
   */
  public void keepJobManagerOff(String namespace, String clusterId, String node) {
    var deployment =
        client
            .apps()
            .deployments()
            .inNamespace(namespace)
            .withName(ClusterModel.jobManagerDeploymentName(clusterId));
    for (int attempt = 0; attempt < 3; attempt++) {
      var current = deployment.get();
      var changed = current == null ? null : NodeAvoidance.keepOff(current, node).orElse(null);
      if (changed == null) {
        return;
      }
      try {
        client.apps().deployments().inNamespace(namespace).resource(changed).update();
        LOG.warn("JobManager of {}/{} kept off lost node {}", namespace, clusterId, node);
        return;
      } catch (KubernetesClientException e) {
        if (e.getCode() != 409) {
          throw e;
        }
      }
    }
  }

  /**
   * Force-deletes pods (grace period 0): a pod on a lost node is never replaced until its object is
   * gone, and the kubelet that would confirm a graceful deletion is dead. Only called once the
   * fencing rules allow it (see RecoveryPlanner).
   */
  public void forceDeletePods(String namespace, List<String> pods) {
    for (String pod : pods) {
      LOG.warn("force-deleting pod {}/{} from a lost node", namespace, pod);
      client.pods().inNamespace(namespace).withName(pod).withGracePeriod(0).delete();
    }
  }

  private static boolean isDeployment(HasMetadata o) {
    return o instanceof io.fabric8.kubernetes.api.model.apps.Deployment;
  }
}
