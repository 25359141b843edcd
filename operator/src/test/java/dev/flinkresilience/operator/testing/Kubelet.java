package dev.flinkresilience.operator.testing;

import dev.flinkresilience.operator.model.Labels;
import io.fabric8.kubernetes.api.model.ContainerStatusBuilder;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.PodBuilder;
import io.fabric8.kubernetes.api.model.apps.Deployment;
import io.fabric8.kubernetes.api.model.apps.DeploymentStatusBuilder;
import io.fabric8.kubernetes.api.model.coordination.v1.LeaseBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.ZonedDateTime;
import java.time.temporal.ChronoUnit;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;

/**
 * Plays the kubelets and controllers the in-process API server lacks: registers nodes and renews
 * their Leases in {@code kube-node-lease} (until told to stop, as a dead node does), runs a job's
 * JobManager and TaskManager pods (Running and Ready, bound to a node, the JobManager's REST port
 * pointing at a Flink or a fake), reports the JobManager Deployment ready, and kills pods.
 */
public final class Kubelet implements AutoCloseable {
  public static final String LEASE_NAMESPACE = "kube-node-lease";

  private final KubernetesClient client;
  private final String namespace;
  private final Set<String> renewing = ConcurrentHashMap.newKeySet();
  private final ScheduledExecutorService heartbeats =
      Executors.newSingleThreadScheduledExecutor(
          r -> {
            Thread t = new Thread(r, "kubelet-heartbeats");
            t.setDaemon(true);
            return t;
          });

  public Kubelet(KubernetesClient client, String namespace, long renewEveryMillis) {
    this.client = client;
    this.namespace = namespace;
    heartbeats.scheduleAtFixedRate(
        () -> renewing.forEach(this::renew), 0, renewEveryMillis, TimeUnit.MILLISECONDS);
  }

  /** A Ready node whose Lease is renewed from now on. */
  public void registerNode(String node) {
    client.nodes().resource(Nodes.node(node, "True")).create();
    writeLease(client, node);
    renewing.add(node);
  }

  /**
   * Writes a node's Lease in {@code kube-node-lease} as its kubelet does: created the first time,
   * its {@code renewTime} moved on after. Returns the renewal time written (microseconds, as the
   * API server's MicroTime keeps them).
   */
  public static Instant writeLease(KubernetesClient client, String node) {
    Instant now = Instant.now().truncatedTo(ChronoUnit.MICROS);
    ZonedDateTime renewTime = ZonedDateTime.ofInstant(now, ZoneOffset.UTC);
    var leases = client.leases().inNamespace(LEASE_NAMESPACE);
    if (leases.withName(node).get() == null) {
      leases
          .resource(
              new LeaseBuilder()
                  .withNewMetadata()
                  .withName(node)
                  .withNamespace(LEASE_NAMESPACE)
                  .endMetadata()
                  .withNewSpec()
                  .withHolderIdentity(node)
                  .withLeaseDurationSeconds(40)
                  .withRenewTime(renewTime)
                  .endSpec()
                  .build())
          .create();
    } else {
      leases
          .withName(node)
          .edit(l -> new LeaseBuilder(l).editSpec().withRenewTime(renewTime).endSpec().build());
    }
    return now;
  }

  /** The node dies: its kubelet renews nothing any more; the Node object stays as it was. */
  public void stopRenewing(String node) {
    renewing.remove(node);
  }

  /** The kubelet is back: it renews the node's Lease again. */
  public void resumeRenewing(String node) {
    renewing.add(node);
  }

  /**
   * What Kubernetes' node lifecycle controller does about 40 s after a node went silent: its Ready
   * condition turns Unknown (and the scheduler keeps off it).
   */
  public void markNotReady(String node) {
    client
        .nodes()
        .withName(node)
        .editStatus(
            n -> {
              n.getStatus().getConditions().stream()
                  .filter(c -> "Ready".equals(c.getType()))
                  .forEach(c -> c.setStatus("Unknown"));
              return n;
            });
  }

  public Pod runJobManager(String job, String pod, String node, int restPort) {
    return run(job, pod, "jobmanager", node, restPort);
  }

  public Pod runTaskManager(String job, String pod, String node) {
    return run(job, pod, "taskmanager", node, 6122);
  }

  /** Reports the job's JobManager Deployment ready, as the Deployment controller would. */
  public void markJobManagerReady(String job) {
    Deployment jm = client.apps().deployments().inNamespace(namespace).withName(job).get();
    jm.setStatus(new DeploymentStatusBuilder().withReplicas(1).withReadyReplicas(1).build());
    client.apps().deployments().inNamespace(namespace).resource(jm).updateStatus();
  }

  public boolean jobManagerDeploymentExists(String job) {
    return client.apps().deployments().inNamespace(namespace).withName(job).get() != null;
  }

  public void deletePod(String pod) {
    client.pods().inNamespace(namespace).withName(pod).delete();
  }

  public boolean podExists(String pod) {
    return client.pods().inNamespace(namespace).withName(pod).get() != null;
  }

  /** The container was killed for exceeding its memory limit, now; the kubelet restarts it. */
  public void oomKill(String pod) {
    String finished = now();
    client
        .pods()
        .inNamespace(namespace)
        .withName(pod)
        .editStatus(
            p -> {
              p.getStatus()
                  .setContainerStatuses(
                      java.util.List.of(
                          new ContainerStatusBuilder()
                              .withName("flink-main-container")
                              .withReady(true)
                              .withRestartCount(1)
                              .withNewState()
                              .withNewRunning()
                              .withStartedAt(finished)
                              .endRunning()
                              .endState()
                              .withNewLastState()
                              .withNewTerminated()
                              .withReason("OOMKilled")
                              .withExitCode(137)
                              .withFinishedAt(finished)
                              .endTerminated()
                              .endLastState()
                              .build()));
              return p;
            });
  }

  @Override
  public void close() {
    heartbeats.shutdownNow();
  }

  private Pod run(String job, String pod, String component, String node, int port) {
    Pod p =
        new PodBuilder()
            .withNewMetadata()
            .withName(pod)
            .withNamespace(namespace)
            .withLabels(Map.of(Labels.JOB, job, "component", component))
            .endMetadata()
            .withNewSpec()
            .withNodeName(node)
            .addNewContainer()
            .withName("flink-main-container")
            .addNewPort()
            .withName("rest")
            .withContainerPort(port)
            .endPort()
            .endContainer()
            .endSpec()
            .withNewStatus()
            .withPhase("Running")
            .withPodIP("127.0.0.1")
            .addNewCondition()
            .withType("Ready")
            .withStatus("True")
            .endCondition()
            .endStatus()
            .build();
    return client.pods().inNamespace(namespace).resource(p).create();
  }

  private void renew(String node) {
    try {
      writeLease(client, node);
    } catch (RuntimeException e) {
      // A test that deleted the Lease or stopped the server; the next beat tries again.
    }
  }

  private static String now() {
    // The API server's MicroTime keeps microseconds.
    return ZonedDateTime.ofInstant(Instant.now().truncatedTo(ChronoUnit.MICROS), ZoneOffset.UTC)
        .toString();
  }
}
