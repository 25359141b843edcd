package dev.flinkresilience.operator.decide;

import dev.flinkresilience.operator.api.v1alpha1.Incident;
import java.util.List;
import java.util.TreeSet;

/**
 * The nodes a new deployment must keep off: the bad nodes ({@link BadNodes}), and for a recovery
 * from a lost node, that node. Kubernetes marks a dead node NotReady only after its grace period
 * (about 40 s), and until then a dead node emptied of its pods is the scheduler's favourite (the
 * node-loss benchmark saw every replacement land there): a cluster redeployed in that time would
 * wait there for pods that never start.
 */
public final class Placement {
  private Placement() {}

  public static List<String> avoided(PlanInput in) {
    TreeSet<String> nodes =
        new TreeSet<>(BadNodes.avoided(in.status().getAvoidedNodes(), in.now()));
    Incident current = in.status().getRecovery().getCurrent();
    if (current != null
        && Signal.Reason.NODE_LOST.value().equals(current.getReason())
        && current.getNode() != null) {
      nodes.add(current.getNode());
    }
    return List.copyOf(nodes);
  }
}
