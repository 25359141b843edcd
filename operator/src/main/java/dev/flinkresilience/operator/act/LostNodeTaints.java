package dev.flinkresilience.operator.act;

import dev.flinkresilience.operator.decide.NodeView;
import io.fabric8.kubernetes.api.model.Node;
import io.fabric8.kubernetes.api.model.Taint;
import io.fabric8.kubernetes.api.model.TaintBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientException;
import io.fabric8.kubernetes.client.dsl.base.PatchContext;
import io.fabric8.kubernetes.client.dsl.base.PatchType;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The operator's taint on a lost node ({@link NodeView#LOST_TAINT}, NoSchedule): placed before a
 * JobManager is released from the node, so that Kubernetes schedules its replacement elsewhere at
 * once (its own {@code unreachable} taint comes about 40 s after the node died), and lifted when
 * the node's Lease is renewed again. One write per node, whatever the number of jobs there; without
 * it each job's JobManager Deployment had to be rolled to keep off the node, at the Deployment
 * controller's pace (tens of seconds for hundreds of jobs in the 1,000-job benchmark).
 *
 * <p>Every write is conditional on the Node's resourceVersion (a JSON patch testing it), so a taint
 * Kubernetes or an administrator wrote meanwhile is never lost; a conflict reads the Node again. A
 * refusal (403: the operator's RBAC has no patch on nodes) turns the taint off for the process: the
 * planner then keeps the Deployment off the node as before.
 *
 * <p>Any other failure goes to the pass's retry, but not for ever: the planner releases nothing
 * from a node it asked to taint until the taint is in place, so a write that keeps failing (the API
 * server failing, an admission webhook that denies it, a node changing under every try) would hold
 * every JobManager on the node. After {@link #GIVE_UP_AFTER} of failures the node's jobs are
 * released the way they are without the taint (their Deployments kept off the node), and the taint
 * is tried again after {@link #KEEP_OFF_FOR}.
 */
public final class LostNodeTaints implements AutoCloseable {
  private static final Logger LOG = LoggerFactory.getLogger(LostNodeTaints.class);
  private static final int ATTEMPTS = 3;

  /**
   * How long a taint written here counts as in place before the Node informer shows it: the passes
   * of the other jobs on the node, in the meantime, need not write it again.
   */
  static final Duration PLACED_FOR = Duration.ofSeconds(30);

  /**
   * How long the taint of one node may fail before its jobs are released without it. Longer than an
   * API server blip (a pass retried two or three times), short against the 40 s after which
   * Kubernetes' own taint would make the operator's pointless.
   */
  static final Duration GIVE_UP_AFTER = Duration.ofSeconds(10);

  /**
   * After giving up on a node, how long its jobs use the keep-off before the taint is tried again.
   */
  static final Duration KEEP_OFF_FOR = Duration.ofSeconds(60);

  private final KubernetesClient client;
  private final boolean enabled;
  private final Clock clock;
  private final Map<String, Instant> placed = new ConcurrentHashMap<>();
  private final Map<String, Instant> failingSince = new ConcurrentHashMap<>();
  private final Map<String, Instant> gaveUp = new ConcurrentHashMap<>();
  private volatile String refused;
  private ScheduledExecutorService lifter;

  public LostNodeTaints(KubernetesClient client, boolean enabled, Clock clock) {
    this.client = client;
    this.enabled = enabled;
    this.clock = clock;
  }

  /** Off: the planner keeps Deployments off lost nodes instead. */
  public static LostNodeTaints disabled() {
    return new LostNodeTaints(null, false, Clock.systemUTC());
  }

  /** Enabled and not refused by the API server so far. */
  public boolean available() {
    return enabled && refused == null;
  }

  /**
   * Whether the jobs on these nodes may be released by tainting them: enabled, not refused, and no
   * node among them whose taint was given up lately (failing for {@link #GIVE_UP_AFTER}).
   */
  public boolean mayTaint(Collection<String> nodes) {
    if (!available()) {
      return false;
    }
    Instant since = clock.instant().minus(KEEP_OFF_FOR);
    return nodes.stream().map(gaveUp::get).noneMatch(at -> at != null && at.isAfter(since));
  }

  /**
   * The views with the taints this process wrote lately marked, before the informer shows them:
   * every job on the node then releases at once instead of asking for the taint again.
   */
  public Map<String, NodeView> overlay(Map<String, NodeView> views) {
    if (placed.isEmpty()) {
      return views;
    }
    Instant since = clock.instant().minus(PLACED_FOR);
    Map<String, NodeView> out = new HashMap<>(views);
    out.replaceAll(
        (name, view) -> {
          Instant at = placed.get(name);
          return at != null && at.isAfter(since) ? view.withLostTaint(true) : view;
        });
    return out;
  }

  /**
   * Taints {@code node}: true when it carries the taint now (written here, or already there) or is
   * gone; false when the API server refused (403), after which {@link #available()} is false, or
   * when the write has failed for {@link #GIVE_UP_AFTER}, after which {@link #mayTaint} is false
   * for the node for {@link #KEEP_OFF_FOR}. Other failures are thrown, for the pass's retry.
   */
  public boolean taint(String node) {
    if (!mayTaint(List.of(node))) {
      return false;
    }
    try {
      boolean inPlace = tryTaint(node);
      failingSince.remove(node);
      return inPlace;
    } catch (RuntimeException e) {
      Instant now = clock.instant();
      Instant since = failingSince.computeIfAbsent(node, n -> now);
      if (now.isBefore(since.plus(GIVE_UP_AFTER))) {
        throw e;
      }
      failingSince.remove(node);
      gaveUp.put(node, now);
      LOG.warn(
          "tainting lost node {} has failed since {} ({}): its jobs' JobManager Deployments are"
              + " kept off it instead, and the taint is tried again in {} s",
          node,
          since,
          e.toString(),
          KEEP_OFF_FOR.toSeconds());
      return false;
    }
  }

  private boolean tryTaint(String node) {
    for (int attempt = 0; attempt < ATTEMPTS; attempt++) {
      try {
        Node current = client.nodes().withName(node).get();
        if (current == null) {
          return true; // a deleted node takes no pods
        }
        if (carries(current)) {
          placed.put(node, clock.instant());
          return true;
        }
        List<Taint> taints = new ArrayList<>(taints(current));
        taints.add(
            new TaintBuilder().withKey(NodeView.LOST_TAINT).withEffect("NoSchedule").build());
        write(current, taints);
        placed.put(node, clock.instant());
        LOG.warn("tainted lost node {} {}:NoSchedule", node, NodeView.LOST_TAINT);
        return true;
      } catch (KubernetesClientException e) {
        if (refusal(e, "taint", node)) {
          return false;
        }
        if (e.getCode() == 404) {
          return true; // deleted between the read and the write
        }
        if (!changed(e)) {
          throw e;
        }
      }
    }
    throw new IllegalStateException(
        "node " + node + " changed under " + ATTEMPTS + " tries to taint it; trying again later");
  }

  /** Removes the taint from {@code node}, if it carries it. */
  public void lift(String node) {
    placed.remove(node);
    if (!available()) {
      return;
    }
    for (int attempt = 0; attempt < ATTEMPTS; attempt++) {
      try {
        Node current = client.nodes().withName(node).get();
        if (current == null || !carries(current)) {
          return;
        }
        List<Taint> taints =
            taints(current).stream().filter(t -> !NodeView.LOST_TAINT.equals(t.getKey())).toList();
        write(current, taints);
        LOG.info("lifted {} from node {}: its Lease is renewed again", NodeView.LOST_TAINT, node);
        return;
      } catch (KubernetesClientException e) {
        if (refusal(e, "lift the taint from", node)) {
          return;
        }
        if (!changed(e)) {
          throw e;
        }
      }
    }
  }

  /**
   * From now on, every {@code every}, lifts the taint from the nodes {@code alive} names (the node
   * watch's nodes that carry it and renew their Lease again).
   */
  public synchronized void liftWhileRunning(Supplier<Set<String>> alive, Duration every) {
    if (!enabled || lifter != null) {
      return;
    }
    lifter =
        Executors.newSingleThreadScheduledExecutor(
            r -> {
              Thread t = new Thread(r, "lost-node-taints");
              t.setDaemon(true);
              return t;
            });
    long period = every.toMillis();
    lifter.scheduleWithFixedDelay(
        () -> {
          try {
            alive.get().forEach(this::lift);
          } catch (RuntimeException e) {
            // The next round tries again: a taint left a little longer costs only scheduling.
            LOG.warn("lifting lost-node taints failed: {}", e.toString());
          }
        },
        period,
        period,
        TimeUnit.MILLISECONDS);
  }

  @Override
  public synchronized void close() {
    if (lifter != null) {
      lifter.shutdownNow();
    }
  }

  /**
   * A JSON patch (RFC 6902): a test of the resourceVersion read, then the whole taint list. The API
   * server applies none of it if the Node changed since (the test fails); a merge patch would
   * replace the list as well on a real API server, but the in-process mock merges lists.
   */
  private void write(Node current, List<Taint> taints) {
    List<Map<String, Object>> ops =
        List.of(
            Map.of(
                "op",
                "test",
                "path",
                "/metadata/resourceVersion",
                "value",
                current.getMetadata().getResourceVersion()),
            current.getSpec() == null
                ? Map.of("op", "add", "path", "/spec", "value", Map.of("taints", taints))
                : Map.of("op", "add", "path", "/spec/taints", "value", taints));
    client
        .nodes()
        .withName(current.getMetadata().getName())
        .patch(PatchContext.of(PatchType.JSON), client.getKubernetesSerialization().asJson(ops));
  }

  /** The Node changed between the read and the write (a failed test is 422, a conflict 409). */
  private static boolean changed(KubernetesClientException e) {
    return e.getCode() == 409 || e.getCode() == 422;
  }

  private boolean refusal(KubernetesClientException e, String what, String node) {
    if (e.getCode() != 403) {
      return false;
    }
    refused = e.getMessage();
    LOG.warn(
        "the API server refused to {} node {} (HTTP 403): lost nodes are no longer tainted; the"
            + " JobManager Deployments are kept off them instead. Grant patch on nodes"
            + " (chart value taintLostNodes) or run with --taint-lost-nodes=false. {}",
        what,
        node,
        e.getMessage());
    return true;
  }

  private static boolean carries(Node node) {
    return taints(node).stream().anyMatch(t -> NodeView.LOST_TAINT.equals(t.getKey()));
  }

  private static List<Taint> taints(Node node) {
    return node.getSpec() == null || node.getSpec().getTaints() == null
        ? List.of()
        : node.getSpec().getTaints();
  }
}
