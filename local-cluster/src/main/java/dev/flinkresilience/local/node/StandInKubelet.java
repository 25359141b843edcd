package dev.flinkresilience.local.node;

import io.fabric8.kubernetes.api.model.ContainerStatusBuilder;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.PodCondition;
import io.fabric8.kubernetes.api.model.PodConditionBuilder;
import io.fabric8.kubernetes.api.model.PodIPBuilder;
import io.fabric8.kubernetes.api.model.PodStatus;
import io.fabric8.kubernetes.api.model.PodStatusBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientException;
import io.fabric8.kubernetes.client.dsl.base.PatchContext;
import io.fabric8.kubernetes.client.dsl.base.PatchType;
import io.fabric8.kubernetes.client.utils.Serialization;
import java.time.Instant;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A kubelet that starts nothing: every pod bound to its node is reported Running and Ready at once,
 * with a made-up pod IP ({@code 10.<100 + node>.x.y}, never routed anywhere), and a deleted pod is
 * removed from the API as a kubelet does once its container stopped. For the scale benchmark, where
 * thousands of jobs cannot each run a JVM on one machine and a fake of Flink's REST API answers in
 * their place. A dead node's stand-in does nothing at all, as {@link Kubelet} does.
 *
 * <p>One thread per node, so a pod's events are handled in order.
 */
public final class StandInKubelet implements NodeAgent {
  private static final Logger LOG = LoggerFactory.getLogger(StandInKubelet.class);

  private final KubernetesClient client;
  private final String node;
  private final String hostIp;
  private final int index;
  private final Supplier<List<Pod>> podsOnNode;
  private final ExecutorService thread;

  /** The IP given to each pod of the node, by uid. */
  private final Map<String, String> ips = new HashMap<>();

  private int lastIp;
  private volatile Kubelet.Health health = Kubelet.Health.RUNNING;

  /**
   * @param index the node's number, 1 to 155: its pod IPs are {@code 10.<100 + index>.x.y}
   */
  public StandInKubelet(
      KubernetesClient client,
      String node,
      String hostIp,
      int index,
      Supplier<List<Pod>> podsOnNode) {
    if (index < 1 || index > 155) {
      throw new IllegalArgumentException("node index must be 1..155: " + index);
    }
    this.client = client;
    this.node = node;
    this.hostIp = hostIp;
    this.index = index;
    this.podsOnNode = podsOnNode;
    this.thread =
        Executors.newSingleThreadExecutor(
            r -> {
              Thread t = new Thread(r, "stand-in-kubelet-" + node);
              t.setDaemon(true);
              return t;
            });
  }

  @Override
  public Kubelet.Health health() {
    return health;
  }

  @Override
  public void podChanged(Pod pod) {
    run(() -> sync(pod));
  }

  @Override
  public void podDeleted(Pod pod) {
    run(
        () -> {
          if (health == Kubelet.Health.RUNNING) {
            ips.remove(pod.getMetadata().getUid());
          }
        });
  }

  @Override
  public void kill() {
    health = Kubelet.Health.DEAD;
  }

  @Override
  public void freeze() {
    health = Kubelet.Health.FROZEN;
  }

  @Override
  public void thaw() {
    health = Kubelet.Health.RUNNING;
    run(() -> podsOnNode.get().forEach(this::sync));
  }

  @Override
  public void revive() {
    health = Kubelet.Health.RUNNING;
    run(
        () -> {
          ips.clear();
          podsOnNode.get().forEach(this::sync);
        });
  }

  private void sync(Pod pod) {
    if (health != Kubelet.Health.RUNNING) {
      return;
    }
    String uid = pod.getMetadata().getUid();
    if (pod.getMetadata().getDeletionTimestamp() != null) {
      // Nothing runs, so nothing to stop: gone for good at once.
      ips.remove(uid);
      remove(pod);
      return;
    }
    String phase = pod.getStatus() == null ? null : pod.getStatus().getPhase();
    if ("Failed".equals(phase) || "Succeeded".equals(phase)) {
      return;
    }
    String ip = ips.get(uid);
    if (ip == null) {
      ip = nextIp();
      ips.put(uid, ip);
      report(pod, ip);
    } else if (!ip.equals(pod.getStatus() == null ? null : pod.getStatus().getPodIP())
        || !"True".equals(ready(pod.getStatus()))) {
      // Not written yet when this event was sent, or marked not Ready by the node lifecycle
      // controller after a silence: a kubelet's status manager writes its own view back.
      if (pod.getStatus() != null && pod.getStatus().getPodIP() != null) {
        report(pod, ip);
      }
    }
  }

  private String nextIp() {
    int n = ++lastIp;
    return "10." + (100 + index) + "." + (n / 250) + "." + (n % 250 + 1);
  }

  private static String ready(PodStatus status) {
    if (status == null || status.getConditions() == null) {
      return null;
    }
    return status.getConditions().stream()
        .filter(c -> "Ready".equals(c.getType()))
        .map(PodCondition::getStatus)
        .findFirst()
        .orElse(null);
  }

  private void report(Pod pod, String ip) {
    String now = Instant.now().toString();
    PodStatus status =
        new PodStatusBuilder()
            .withPhase("Running")
            .withHostIP(hostIp)
            .withPodIP(ip)
            .withPodIPs(new PodIPBuilder().withIp(ip).build())
            .withStartTime(now)
            .withConditions(
                condition("Initialized", now),
                condition("Ready", now),
                condition("ContainersReady", now),
                condition("PodScheduled", now))
            .withContainerStatuses(
                new ContainerStatusBuilder()
                    .withName(pod.getSpec().getContainers().get(0).getName())
                    .withImage(pod.getSpec().getContainers().get(0).getImage())
                    .withImageID("")
                    .withContainerID("stand-in://" + pod.getMetadata().getUid())
                    .withReady(true)
                    .withStarted(true)
                    .withRestartCount(0)
                    .withNewState()
                    .withNewRunning()
                    .withStartedAt(now)
                    .endRunning()
                    .endState()
                    .build())
            .build();
    try {
      // One merge patch of the status subresource: lists (conditions) are replaced whole.
      client
          .pods()
          .inNamespace(pod.getMetadata().getNamespace())
          .withName(pod.getMetadata().getName())
          .subresource("status")
          .patch(
              PatchContext.of(PatchType.JSON_MERGE),
              Serialization.asJson(Map.of("status", status)));
    } catch (KubernetesClientException e) {
      if (e.getCode() != 404) {
        LOG.warn("{}: status of {} not written: {}", node, name(pod), e.getMessage());
      }
    }
  }

  private static PodCondition condition(String type, String now) {
    return new PodConditionBuilder()
        .withType(type)
        .withStatus("True")
        .withLastTransitionTime(now)
        .build();
  }

  private void remove(Pod pod) {
    try {
      client
          .pods()
          .inNamespace(pod.getMetadata().getNamespace())
          .withName(pod.getMetadata().getName())
          .withGracePeriod(0)
          .delete();
    } catch (KubernetesClientException e) {
      if (e.getCode() != 404) {
        LOG.warn("{}: {} not removed: {}", node, name(pod), e.getMessage());
      }
    }
  }

  private static String name(Pod pod) {
    return pod.getMetadata().getNamespace() + "/" + pod.getMetadata().getName();
  }

  private void run(Runnable task) {
    if (health == Kubelet.Health.DEAD || thread.isShutdown()) {
      return;
    }
    thread.execute(
        () -> {
          try {
            task.run();
          } catch (RuntimeException e) {
            LOG.warn("{}: {}", node, e.toString(), e);
          }
        });
  }

  @Override
  public void close() {
    thread.shutdownNow();
    try {
      thread.awaitTermination(5, TimeUnit.SECONDS);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }
}
