package dev.flinkresilience.operator.ops;

import dev.flinkresilience.operator.decide.NodeSight;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import java.util.function.Supplier;

/**
 * Whether the operator can see nodes (DESIGN.md §5.6): the node watch's health and the mass-loss
 * guard, read from the node watch's latest judgement at each scrape.
 */
public final class NodeSightMetrics {
  private NodeSightMetrics() {}

  public static void register(MeterRegistry registry, Supplier<NodeSight> sight) {
    Gauge.builder(MetricNames.NODE_WATCH_HEALTHY, () -> is(sight, NodeSight.WATCH_IMPAIRED) ? 0 : 1)
        .description(
            "1 while the Node and Lease watch is connected and delivering renewals; 0 while node"
                + " losses are not judged because the operator may not be seeing")
        .register(registry);
    Gauge.builder(MetricNames.MASS_LOSS_GUARD, () -> is(sight, NodeSight.MASS_LOSS) ? 1 : 0)
        .description(
            "1 while the mass-loss guard holds: too many nodes look lost at once, nothing is"
                + " released or redeployed")
        .register(registry);
  }

  private static boolean is(Supplier<NodeSight> sight, String reason) {
    NodeSight now = sight.get();
    return now.hold() != null && reason.equals(now.hold().reason());
  }
}
