package dev.flinkresilience.operator.act;

import dev.flinkresilience.operator.model.ClusterModel;
import dev.flinkresilience.operator.model.Labels;
import dev.flinkresilience.operator.model.NodeAvoidance;
import io.fabric8.kubernetes.api.model.ConfigMap;
import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.Service;
import io.fabric8.kubernetes.api.model.apps.Deployment;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientException;
import io.fabric8.kubernetes.client.dsl.Resource;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Kubernetes writes for a job's cluster. Every call is idempotent, so a pass repeated after a crash
 * or a conflict does no harm. Plain create/update/delete only (no server-side apply), so the
 * operator behaves the same against a real API server and the in-process mock. The operator creates
 * objects, and updates or deletes only those the job owns (see {@link Owners}).
 */
public final class ClusterActions {
  private static final Logger LOG = LoggerFactory.getLogger(ClusterActions.class);

  private final KubernetesClient client;

  public ClusterActions(KubernetesClient client) {
    this.client = client;
  }

  /**
   * Creates the objects, or brings up to date those this job owns; the JobManager Deployment goes
   * last. An object of the same name that the job does not own is left exactly as it is, and then
   * nothing that exists is updated and no JobManager is applied: a JobManager beside someone else's
   * Service or ConfigMap would serve through it, or run with its configuration; and a pass that
   * refuses writes nothing, so it wakes no informer (a ConfigMap update would start the next pass
   * at once, and the next, while the name stays taken).
   *
   * @throws ObjectNotOwned naming every such object
   */
  public void apply(List<HasMetadata> objects) {
    applyAll(objects.stream().filter(o -> !isDeployment(o)).toList());
    applyAll(objects.stream().filter(ClusterActions::isDeployment).toList());
  }

  private void applyAll(List<HasMetadata> objects) {
    List<Existing> existing = new ArrayList<>();
    List<ObjectNotOwned.Taken> taken = new ArrayList<>();
    for (HasMetadata desired : objects) {
      String uid = Owners.jobUid(desired);
      HasMetadata live = refusalNamed(desired, () -> createOrGet(desired));
      if (live == null) {
        continue;
      }
      if (Owners.ownedBy(live, uid)) {
        existing.add(new Existing(desired, live));
      } else {
        var other = Owners.taken(live);
        LOG.warn("not applying {}: it exists and is not owned by job uid {}", other, uid);
        taken.add(other);
      }
    }
    if (!taken.isEmpty()) {
      throw new ObjectNotOwned(taken);
    }
    existing.forEach(e -> refusalNamed(e.desired(), () -> update(e.desired(), e.live())));
  }

  /** One write of {@code desired}, the server's refusal of it turned into {@link ObjectRefused}. */
  private static <T> T refusalNamed(HasMetadata desired, Supplier<T> write) {
    try {
      return write.get();
    } catch (KubernetesClientException e) {
      if (ObjectRefused.isRefusal(e)) {
        throw new ObjectRefused(desired, e);
      }
      throw e;
    }
  }

  /** An object to apply whose name the job already holds. */
  private record Existing(HasMetadata desired, HasMetadata live) {}

  /** Creates the object; null when created, else what holds its name now. */
  private HasMetadata createOrGet(HasMetadata desired) {
    try {
      client.resource(desired).create();
      return null;
    } catch (KubernetesClientException e) {
      if (e.getCode() != 409) {
        throw e;
      }
    }
    HasMetadata live = client.resource(desired).get();
    if (live == null) {
      // Deleted since the create was refused: create it now (a conflict again is transient).
      client.resource(desired).create();
    }
    return live;
  }

  private HasMetadata update(HasMetadata desired, HasMetadata live) {
    // The live resourceVersion makes the update conditional: had the object been replaced by
    // someone else's since it was read, the API server refuses it (409, retried next pass).
    HasMetadata update = client.getKubernetesSerialization().clone(desired);
    update.getMetadata().setResourceVersion(live.getMetadata().getResourceVersion());
    if (update instanceof Service service && live instanceof Service liveService) {
      // The API server allocated the cluster IP; an update without it is refused ("primary
      // clusterIP can not be unset"), so a Deploy over a Service still there would fail.
      service.getSpec().setClusterIP(liveService.getSpec().getClusterIP());
      service.getSpec().setClusterIPs(liveService.getSpec().getClusterIPs());
    }
    return client.resource(update).update();
  }

  /**
   * Deletes the cluster: the JobManager Deployment, then the job's pods, ConfigMaps and Services by
   * label; of the Deployment, ConfigMaps and Services only those this job ({@code uid}) owns, since
   * anyone who can write in the namespace can put the job's label on an object. Flink's HA
   * ConfigMaps do not carry our label and survive: they hold what a later deployment may recover
   * from, and go only when the resource is deleted.
   */
  public void deleteCluster(String namespace, String jobName, String clusterId, String uid) {
    LOG.info("deleting cluster {}/{}", namespace, clusterId);
    var deployments = client.apps().deployments().inNamespace(namespace);
    deleteIfOwned(
        deployments.withName(ClusterModel.jobManagerDeploymentName(clusterId)), null, uid);
    // Kubernetes would garbage-collect these through owner references; deleting them here makes
    // teardown as quick, and the same, on every API server. Pods are owned by the JobManager's
    // ReplicaSet or, for TaskManagers, by its Deployment, not by the job, so they go by label
    // alone. That is safe: the selector is this job's label in the job's own namespace, and
    // whoever puts that label on a pod there could delete the pod themselves anyway.
    client.pods().inNamespace(namespace).withLabel(Labels.JOB, jobName).delete();
    var configMaps = client.configMaps().inNamespace(namespace);
    for (ConfigMap cm : configMaps.withLabel(Labels.JOB, jobName).list().getItems()) {
      deleteIfOwned(configMaps.withName(cm.getMetadata().getName()), cm, uid);
    }
    var services = client.services().inNamespace(namespace);
    for (Service s : services.withLabel(Labels.JOB, jobName).list().getItems()) {
      deleteIfOwned(services.withName(s.getMetadata().getName()), s, uid);
    }
  }

  /**
   * Deletes the object if {@code uid} owns it, on the condition that it is still the version read
   * (so never one that replaced it in between); {@code seen} is that version when already listed.
   */
  private static <T extends HasMetadata> void deleteIfOwned(
      Resource<T> resource, T seen, String uid) {
    T live = seen;
    for (int attempt = 0; attempt < 3; attempt++) {
      if (live == null) {
        live = resource.get();
      }
      if (live == null) {
        return;
      }
      if (!Owners.ownedBy(live, uid)) {
        LOG.info("leaving {}: not owned by job uid {}", Owners.taken(live), uid);
        return;
      }
      try {
        resource.lockResourceVersion(live.getMetadata().getResourceVersion()).delete();
        return;
      } catch (KubernetesClientException e) {
        if (e.getCode() != 409) {
          throw e;
        }
        live = null;
      }
    }
  }

  /**
   * Keeps the JobManager's replacement off a lost node. A lost node stays Ready to the scheduler
   * until the node lifecycle controller's grace period (40 s by default) has passed, so a pod
   * released from it could be scheduled straight back onto it and never start. The JobManager
   * Deployment's template gets a required anti-affinity on the node (the ReplicaSet it rolls avoids
   * it); a no-op when it already has one, runs standby JobManagers (see NodeAvoidance#keepOff), or
   * is gone or not the job's ({@code uid}). Its pod there is released in a later step, once the
   * Deployment controller has taken the change (see RecoveryPlanner).
   *
   * <p>{@code cached} is the Deployment as the informer holds it (null when it holds none): the
   * first try writes from it, conditional on its resourceVersion, and only a conflict reads the API
   * server. Every job of a lost node comes here at once; a read before each write was one more
   * round trip to an API server that is busiest then (the 1,000-job benchmark).
   */
  public void keepJobManagerOff(
      String namespace, String clusterId, String uid, String node, Deployment cached) {
    var deployment =
        client
            .apps()
            .deployments()
            .inNamespace(namespace)
            .withName(ClusterModel.jobManagerDeploymentName(clusterId));
    for (int attempt = 0; attempt < 3; attempt++) {
      // The cache's object is shared with every reader: the change is made on a copy.
      var current =
          attempt == 0 && cached != null
              ? client.getKubernetesSerialization().clone(cached)
              : deployment.get();
      var changed =
          current == null || !Owners.ownedBy(current, uid)
              ? null
              : NodeAvoidance.keepOff(current, node).orElse(null);
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
   * Releases Flink's Kubernetes HA leader lock if the JobManager at {@code releasedIp}, just
   * released from a lost node, still holds it (see {@link
   * dev.flinkresilience.operator.decide.LeadershipHandover}). True when released.
   */
  public boolean handOverLeadership(
      String namespace,
      String clusterId,
      String releasedIp,
      java.time.Duration retryPeriod,
      ConfigMap cached) {
    return new FlinkLeadership(client)
        .handOver(namespace, clusterId, releasedIp, retryPeriod, cached);
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
