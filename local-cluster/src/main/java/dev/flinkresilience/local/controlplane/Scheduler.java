package dev.flinkresilience.local.controlplane;

import static dev.flinkresilience.local.controlplane.ApiObjects.bound;
import static dev.flinkresilience.local.controlplane.ApiObjects.condition;
import static dev.flinkresilience.local.controlplane.ApiObjects.deleting;
import static dev.flinkresilience.local.controlplane.ApiObjects.key;
import static dev.flinkresilience.local.controlplane.ApiObjects.terminated;
import static dev.flinkresilience.local.controlplane.ApiObjects.tryWrite;

import io.fabric8.kubernetes.api.model.Node;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.PodCondition;
import io.fabric8.kubernetes.api.model.PodConditionBuilder;
import io.fabric8.kubernetes.api.model.PodStatus;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.dsl.base.PatchContext;
import io.fabric8.kubernetes.client.dsl.base.PatchType;
import io.fabric8.kubernetes.client.utils.Serialization;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;
import java.util.stream.Collectors;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Binds each pending pod (no {@code spec.nodeName}) to the feasible node ({@link NodeFit}) that
 * runs the fewest non-terminated pods, ties broken by name. A pod no node fits stays Pending with
 * PodScheduled=False (reason Unschedulable) and is retried on the next pass.
 *
 * <p>Each pass reads pods and nodes from the API rather than from an informer's cache: a cache may
 * not show yet a binding this scheduler just made, and acting on it would bind the pod twice.
 */
final class Scheduler {
  private static final Logger LOG = LoggerFactory.getLogger(Scheduler.class);
  private static final String DEFAULT_SCHEDULER = "default-scheduler";

  private final KubernetesClient client;

  Scheduler(KubernetesClient client) {
    this.client = client;
  }

  void schedulePending() {
    List<Pod> pods = client.pods().inAnyNamespace().list().getItems();
    List<Pod> pending =
        pods.stream()
            .filter(Scheduler::pending)
            .sorted(
                Comparator.comparing(
                        (Pod p) -> p.getMetadata().getCreationTimestamp(),
                        Comparator.nullsFirst(Comparator.<String>naturalOrder()))
                    .thenComparing(ApiObjects::key))
            .toList();
    if (pending.isEmpty()) {
      return;
    }
    List<Node> nodes = client.nodes().list().getItems();
    Map<String, Long> load =
        pods.stream()
            .filter(p -> bound(p) && !terminated(p))
            .collect(Collectors.groupingBy(p -> p.getSpec().getNodeName(), Collectors.counting()));
    for (Pod pod : pending) {
      Map<String, String> misfits = new HashMap<>();
      List<Node> feasible = new ArrayList<>();
      for (Node node : nodes) {
        Optional<String> misfit = NodeFit.misfit(pod, node);
        if (misfit.isPresent()) {
          misfits.put(node.getMetadata().getName(), misfit.get());
        } else {
          feasible.add(node);
        }
      }
      Optional<String> chosen =
          feasible.stream()
              .map(n -> n.getMetadata().getName())
              .min(
                  Comparator.comparing((String n) -> load.getOrDefault(n, 0L))
                      .thenComparing(n -> n));
      if (chosen.isPresent() && bind(pod, chosen.get())) {
        load.merge(chosen.get(), 1L, Long::sum);
      } else if (chosen.isEmpty()) {
        unschedulable(pod, message(nodes.size(), misfits));
      }
    }
  }

  private static boolean pending(Pod pod) {
    String scheduler = pod.getSpec().getSchedulerName();
    return !bound(pod)
        && !deleting(pod)
        && !terminated(pod)
        && (scheduler == null || scheduler.isEmpty() || DEFAULT_SCHEDULER.equals(scheduler));
  }

  /**
   * PodScheduled=True first, then {@code spec.nodeName}: the mock has no binding subresource, and
   * once the pod is bound its status belongs to the node's kubelet.
   */
  private boolean bind(Pod pod, String node) {
    if (!writeScheduled(pod, "True", null, null)) {
      return false;
    }
    String patch = "{\"spec\":{\"nodeName\":" + Serialization.asJson(node) + "}}";
    boolean bound =
        tryWrite(
            "binding " + key(pod) + " to " + node,
            () ->
                client
                    .pods()
                    .inNamespace(pod.getMetadata().getNamespace())
                    .withName(pod.getMetadata().getName())
                    .patch(PatchContext.of(PatchType.JSON_MERGE), patch));
    if (bound) {
      LOG.info("bound pod {} to {}", key(pod), node);
    }
    return bound;
  }

  private void unschedulable(Pod pod, String message) {
    Optional<PodCondition> now = condition(pod, "PodScheduled");
    boolean unchanged =
        now.isPresent()
            && "False".equals(now.get().getStatus())
            && "Unschedulable".equals(now.get().getReason())
            && message.equals(now.get().getMessage());
    if (!unchanged && writeScheduled(pod, "False", "Unschedulable", message)) {
      LOG.info("pod {} is unschedulable: {}", key(pod), message);
    }
  }

  /**
   * Sets the PodScheduled condition (and phase Pending if there is none yet). With a JSON patch
   * ({@code editStatus}): the mock would append to the list of conditions given a merge patch.
   */
  private boolean writeScheduled(Pod pod, String status, String reason, String message) {
    return tryWrite(
        "status of " + key(pod),
        () ->
            client
                .pods()
                .inNamespace(pod.getMetadata().getNamespace())
                .withName(pod.getMetadata().getName())
                .editStatus(p -> withScheduled(p, status, reason, message)));
  }

  private static Pod withScheduled(Pod pod, String status, String reason, String message) {
    PodStatus podStatus = pod.getStatus() == null ? new PodStatus() : pod.getStatus();
    if (podStatus.getPhase() == null) {
      podStatus.setPhase("Pending");
    }
    Optional<PodCondition> previous = condition(pod, "PodScheduled");
    String since =
        previous.filter(c -> status.equals(c.getStatus())).isPresent()
            ? previous.get().getLastTransitionTime()
            : Instant.now().toString();
    List<PodCondition> conditions = new ArrayList<>();
    conditions.add(
        new PodConditionBuilder()
            .withType("PodScheduled")
            .withStatus(status)
            .withReason(reason)
            .withMessage(message)
            .withLastTransitionTime(since)
            .build());
    if (podStatus.getConditions() != null) {
      podStatus.getConditions().stream()
          .filter(c -> !"PodScheduled".equals(c.getType()))
          .forEach(conditions::add);
    }
    podStatus.setConditions(conditions);
    pod.setStatus(podStatus);
    return pod;
  }

  /** As the real scheduler puts it: "0/3 nodes are available: 1 node(s) were not ready, ...". */
  static String message(int nodes, Map<String, String> misfits) {
    if (nodes == 0) {
      return "0/0 nodes are available: no nodes registered.";
    }
    Map<String, Long> counts =
        misfits.values().stream()
            .collect(Collectors.groupingBy(r -> r, TreeMap::new, Collectors.counting()));
    return "0/"
        + nodes
        + " nodes are available: "
        + counts.entrySet().stream()
            .map(e -> e.getValue() + " " + e.getKey())
            .collect(Collectors.joining(", "))
        + ".";
  }
}
