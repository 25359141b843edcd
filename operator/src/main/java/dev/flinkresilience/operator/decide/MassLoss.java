package dev.flinkresilience.operator.decide;

import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;

/**
 * The mass-loss guard (DESIGN.md §5.6): when many nodes look lost at once, the likelier story is
 * that the operator, or the control plane, is cut off from them, not that they all died.
 * Kubernetes' node lifecycle controller reasons the same way: it stops evicting when every zone is
 * fully disrupted ("master disruption") and in a small zone already at partial disruption. Pure.
 */
public final class MassLoss {
  public static final double DEFAULT_FRACTION = 0.5;

  /** The zone label Kubernetes' node lifecycle controller groups nodes by. */
  public static final String ZONE_LABEL = "topology.kubernetes.io/zone";

  /**
   * Lost "at once": Leases that stop within one kubelet renewal interval (10 s) of each other, plus
   * slack. A control plane or a watch that stalls stops every renewal the operator sees within one
   * interval; nodes that die one after another (a JobManager's node, then the node its replacement
   * went to) are separate losses, each for the operator to act on.
   */
  static final Duration TOGETHER = Duration.ofSeconds(12);

  /**
   * One node of the cluster, as the guard counts it.
   *
   * @param zone its {@value #ZONE_LABEL}, null when it has none
   * @param looksLost lost by the Lease or its Ready condition; a node fenced by an administrator
   *     (deleted, out-of-service) is a decision, not a symptom, and is not counted
   * @param renewedAt when its Lease was last seen renewed; null when unknown
   */
  public record Node(String name, String zone, boolean looksLost, Instant renewedAt) {
    public Node(String name, String zone, boolean looksLost) {
      this(name, zone, looksLost, null);
    }
  }

  private MassLoss() {}

  /**
   * Why the guard holds, or empty. A single lost node is never a mass loss (it is exactly what the
   * operator is for), nor is a zone of one node.
   *
   * @param fraction the guard holds when more than this fraction of all nodes look lost
   */
  public static Optional<String> judge(List<Node> all, double fraction) {
    List<Node> nodes = withoutEarlierLosses(all);
    long lost = nodes.stream().filter(Node::looksLost).count();
    if (lost < 2) {
      return Optional.empty();
    }
    if (lost > fraction * nodes.size()) {
      return Optional.of(
          lost
              + " of "
              + nodes.size()
              + " nodes look lost at once (more than "
              + Math.round(fraction * 100)
              + "%)");
    }
    Map<String, int[]> zones = new TreeMap<>();
    for (Node n : nodes) {
      if (n.zone() != null) {
        int[] counts = zones.computeIfAbsent(n.zone(), z -> new int[2]);
        counts[0]++;
        counts[1] += n.looksLost() ? 1 : 0;
      }
    }
    return zones.entrySet().stream()
        .filter(z -> z.getValue()[0] >= 2 && z.getValue()[1] == z.getValue()[0])
        .findFirst()
        .map(z -> "all " + z.getValue()[0] + " nodes of zone " + z.getKey() + " look lost at once");
  }

  /**
   * The nodes less those lost well before the latest loss: a node that died minutes ago and is
   * still registered is gone, not part of what is failing now (it was acted on, or held, when it
   * went). Without this, one old dead node and one new loss would hold everything on a small
   * cluster.
   */
  static List<Node> withoutEarlierLosses(List<Node> nodes) {
    Instant latest =
        nodes.stream()
            .filter(Node::looksLost)
            .map(Node::renewedAt)
            .filter(java.util.Objects::nonNull)
            .max(Instant::compareTo)
            .orElse(null);
    if (latest == null) {
      return nodes;
    }
    Instant from = latest.minus(TOGETHER);
    return nodes.stream()
        .filter(n -> !n.looksLost() || n.renewedAt() == null || !n.renewedAt().isBefore(from))
        .toList();
  }
}
