package dev.flinkresilience.operator.observe;

import io.fabric8.kubernetes.api.model.ContainerPort;
import io.fabric8.kubernetes.api.model.Pod;
import java.net.URI;
import java.util.Collection;
import java.util.Comparator;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import org.apache.flink.kubernetes.utils.Constants;

/**
 * Where to reach a job's JobManager REST API, from the pod cache and the HA store; no API calls.
 *
 * <ul>
 *   <li>{@link Mode#POD_IP} (the default): the pod IP of a ready JobManager, and the port its
 *       container calls {@code rest}. Works in-cluster, and in the local cluster whose pods are
 *       local processes. With standby JobManagers the leader the HA store names is preferred; any
 *       ready JobManager would do, since Flink's REST handlers reach the leader over RPC.
 *   <li>{@link Mode#SERVICE}: the {@code <name>-rest} Service by cluster DNS, for operators that
 *       may not reach pod IPs (network policies) but resolve services.
 *   <li>{@link Mode#TEMPLATE}: a URL with {@code {namespace}} and {@code {name}} filled in, for an
 *       operator outside the cluster that reaches each JobManager through an ingress or a load
 *       balancer the platform provides (e.g. {@code https://{name}-{namespace}.flink.example.com}).
 * </ul>
 *
 * <p>In every mode nothing is polled until a JobManager pod is ready.
 */
public final class JobManagerAddress {
  /** Flink's label values on JobManager pods (native Kubernetes). */
  static final String COMPONENT_LABEL = "component";

  static final String JOB_MANAGER = "jobmanager";
  static final int DEFAULT_REST_PORT = 8081;

  public enum Mode {
    POD_IP,
    SERVICE,
    TEMPLATE
  }

  /** How to reach JobManagers: a mode, and the URL template of {@link Mode#TEMPLATE}. */
  public record Rule(Mode mode, String template) {
    public static final Rule POD_IP = new Rule(Mode.POD_IP, null);

    public Rule {
      boolean templated = mode == Mode.TEMPLATE;
      if (templated != (template != null && !template.isBlank())) {
        throw new IllegalArgumentException(
            "a URL template goes with, and only with, --jobmanager-address TEMPLATE");
      }
      if (templated) {
        URI.create(fill(template, "ns", "name")); // fails early on a template that is no URL
      }
    }
  }

  private JobManagerAddress() {}

  public static Optional<URI> resolve(
      Rule rule, String namespace, String name, Collection<Pod> pods, String haLeader) {
    return resolve(rule, namespace, name, pods, haLeader, Set.of());
  }

  /**
   * @param nodesNotSeenAlive nodes judged lost: a JobManager pod there is skipped even if it still
   *     reads Ready (a dead kubelet updates nothing, and the poller would wait on it while a
   *     replacement already runs the job)
   */
  public static Optional<URI> resolve(
      Rule rule,
      String namespace,
      String name,
      Collection<Pod> pods,
      String haLeader,
      Set<String> nodesNotSeenAlive) {
    Collection<Pod> usable =
        nodesNotSeenAlive.isEmpty()
            ? pods
            : pods.stream().filter(p -> !onNodeNotSeenAlive(p, nodesNotSeenAlive)).toList();
    return resolveAmong(rule, namespace, name, usable, haLeader);
  }

  private static boolean onNodeNotSeenAlive(Pod p, Set<String> nodes) {
    return p.getSpec() != null
        && p.getSpec().getNodeName() != null
        && nodes.contains(p.getSpec().getNodeName());
  }

  private static Optional<URI> resolveAmong(
      Rule rule, String namespace, String name, Collection<Pod> pods, String haLeader) {
    if (rule.mode() == Mode.TEMPLATE) {
      boolean ready = pods.stream().anyMatch(JobManagerAddress::isUsable);
      return ready
          ? Optional.of(URI.create(fill(rule.template(), namespace, name)))
          : Optional.empty();
    }
    return resolve(rule.mode(), namespace, name, pods, haLeader);
  }

  private static String fill(String template, String namespace, String name) {
    return template.replace("{namespace}", namespace).replace("{name}", name);
  }

  /**
   * @param pods the job's pods from the informer cache
   * @param haLeader the REST address the HA store names for the leader, or null
   */
  public static Optional<URI> resolve(
      Mode mode, String namespace, String name, Collection<Pod> pods, String haLeader) {
    Optional<Pod> readyJm =
        pods.stream()
            .filter(JobManagerAddress::isUsable)
            // The oldest ready pod: stable across passes, so the poller keeps its target.
            .min(Comparator.comparing(p -> p.getMetadata().getName()));
    if (readyJm.isEmpty()) {
      return Optional.empty(); // nothing answers: the HA store is all there is
    }
    if (mode == Mode.SERVICE) {
      return Optional.of(
          URI.create("http://" + name + "-rest." + namespace + ".svc:" + restPort(readyJm.get())));
    }
    Optional<URI> leader = parse(haLeader);
    if (leader.isPresent() && isPodAddress(leader.get(), pods)) {
      return leader;
    }
    Pod jm = readyJm.get();
    return Optional.of(
        URI.create("http://" + hostOf(jm.getStatus().getPodIP()) + ":" + restPort(jm)));
  }

  /**
   * A JobManager that answers now and will not be gone in a moment. The leader check uses the same
   * test: a terminating leader is about to lose leadership, so a standby is the better target.
   */
  private static boolean isUsable(Pod p) {
    return isJobManager(p) && isReady(p) && p.getMetadata().getDeletionTimestamp() == null;
  }

  private static boolean isJobManager(Pod p) {
    Map<String, String> labels = p.getMetadata().getLabels();
    return labels != null && JOB_MANAGER.equals(labels.get(COMPONENT_LABEL));
  }

  private static boolean isReady(Pod p) {
    var status = p.getStatus();
    if (status == null || status.getPodIP() == null || !"Running".equals(status.getPhase())) {
      return false;
    }
    return status.getConditions() == null
        || status.getConditions().stream()
            .filter(c -> "Ready".equals(c.getType()))
            .allMatch(c -> "True".equals(c.getStatus()));
  }

  /** Only trust a leader address that is one of the job's JobManager pods. */
  private static boolean isPodAddress(URI leader, Collection<Pod> pods) {
    return pods.stream()
        .filter(JobManagerAddress::isUsable)
        .anyMatch(p -> hostOf(p.getStatus().getPodIP()).equals(leader.getHost()));
  }

  private static Optional<URI> parse(String address) {
    if (address == null || address.isBlank()) {
      return Optional.empty();
    }
    try {
      URI uri = URI.create(address.trim());
      return uri.getHost() == null || uri.getPort() < 0 ? Optional.empty() : Optional.of(uri);
    } catch (IllegalArgumentException e) {
      return Optional.empty();
    }
  }

  /**
   * The port named {@code rest} of Flink's main container only: a sidecar the tenant adds through
   * the pod template may name a port {@code rest} too, and must not redirect the operator's polls
   * to whatever it serves.
   */
  private static int restPort(Pod jm) {
    return jm.getSpec() == null || jm.getSpec().getContainers() == null
        ? DEFAULT_REST_PORT
        : jm.getSpec().getContainers().stream()
            .filter(c -> Constants.MAIN_CONTAINER_NAME.equals(c.getName()))
            .findFirst()
            .flatMap(
                c ->
                    c.getPorts() == null
                        ? Optional.<Integer>empty()
                        : c.getPorts().stream()
                            .filter(p -> "rest".equals(p.getName()))
                            .map(ContainerPort::getContainerPort)
                            .filter(java.util.Objects::nonNull)
                            .findFirst())
            .orElse(DEFAULT_REST_PORT);
  }

  private static String hostOf(String ip) {
    return ip.contains(":") && !ip.startsWith("[") ? "[" + ip + "]" : ip;
  }
}
