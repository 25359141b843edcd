package dev.flinkresilience.operator.decide;

import dev.flinkresilience.operator.api.v1alpha1.AvoidBadNodesSpec;
import dev.flinkresilience.operator.api.v1alpha1.NodeMark;
import dev.flinkresilience.operator.spec.Durations;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;

/**
 * Bad-node avoidance (DESIGN.md §5.2): when the job's pods fail {@code failures} times on one node
 * within {@code window}, its next deployments keep away from that node for one window. A node that
 * keeps killing pods (bad disk, broken kernel, noisy neighbour) is not where a recovery should
 * land.
 */
public final class BadNodes {
  private BadNodes() {}

  /** The failures and avoided nodes after one more failure on {@code node} at {@code at}. */
  public record Marks(List<NodeMark> failures, List<NodeMark> avoided) {}

  public static Marks record(
      List<NodeMark> failures,
      List<NodeMark> avoided,
      String node,
      Instant at,
      AvoidBadNodesSpec spec,
      Instant now) {
    Duration window = Durations.parse(spec.getWindow());
    List<NodeMark> recent = recent(failures, now.minus(window));
    recent.add(new NodeMark(node, at.toString()));
    List<NodeMark> still = stillAvoided(avoided, now);
    long onNode = recent.stream().filter(f -> node.equals(f.getNode())).count();
    boolean already = still.stream().anyMatch(a -> node.equals(a.getNode()));
    if (onNode >= spec.getFailures() && !already) {
      still.add(new NodeMark(node, now.plus(window).toString()));
    }
    return new Marks(recent, still);
  }

  /** Drops what the window has passed. */
  public static Marks expire(
      List<NodeMark> failures, List<NodeMark> avoided, AvoidBadNodesSpec spec, Instant now) {
    Duration window = Durations.parse(spec.getWindow());
    return new Marks(recent(failures, now.minus(window)), stillAvoided(avoided, now));
  }

  /** The nodes to keep away from now. */
  public static List<String> avoided(List<NodeMark> avoided, Instant now) {
    return stillAvoided(avoided, now).stream().map(NodeMark::getNode).sorted().toList();
  }

  private static List<NodeMark> recent(List<NodeMark> failures, Instant since) {
    List<NodeMark> out = new ArrayList<>();
    for (NodeMark f : failures) {
      if (!StatusTime.or(f.getAt(), Instant.MIN).isBefore(since)) {
        out.add(f);
      }
    }
    return out;
  }

  private static List<NodeMark> stillAvoided(List<NodeMark> avoided, Instant now) {
    List<NodeMark> out = new ArrayList<>();
    for (NodeMark a : avoided) {
      if (StatusTime.or(a.getAt(), Instant.MIN).isAfter(now)) {
        out.add(a);
      }
    }
    return out;
  }
}
