package dev.flinkresilience.operator.validate;

import static dev.flinkresilience.operator.validate.ValidationCases.accepted;
import static dev.flinkresilience.operator.validate.ValidationCases.bound;
import static dev.flinkresilience.operator.validate.ValidationCases.spec;

import dev.flinkresilience.operator.validate.ValidationCases.Accepted;
import dev.flinkresilience.operator.validate.ValidationCases.Bound;
import dev.flinkresilience.operator.validate.ValidationCases.Rejected;
import java.util.List;
import java.util.stream.Stream;

class RecoveryRulesTest extends ValidationTable {
  /** Each upper bound of the section: at it valid, just over it refused. */
  private static final List<Bound> BOUNDS =
      List.of(
          bound(
              "nodeLostAfter",
              s -> s.getRecovery().setNodeLostAfter("24h"),
              s -> s.getRecovery().setNodeLostAfter("24h1ms"),
              "spec.recovery.nodeLostAfter",
              "at most 24h"),
          bound(
              "maxCheckpointAge",
              s -> s.getRecovery().setMaxCheckpointAge("8760h"),
              s -> s.getRecovery().setMaxCheckpointAge("8760h1ms"),
              "spec.recovery.maxCheckpointAge",
              "at most 8760h"),
          bound(
              "haRecoveryTimeout",
              s -> s.getRecovery().setHaRecoveryTimeout("24h"),
              s -> s.getRecovery().setHaRecoveryTimeout("24h1ms"),
              "spec.recovery.haRecoveryTimeout",
              "at most 24h"),
          bound(
              "stuckRestartingAfter",
              s -> s.getRecovery().setStuckRestartingAfter("24h"),
              s -> s.getRecovery().setStuckRestartingAfter("24h1ms"),
              "spec.recovery.stuckRestartingAfter",
              "at most 24h"),
          bound(
              "checkpointStallAfter",
              s -> s.getRecovery().setCheckpointStallAfter("8760h"),
              s -> s.getRecovery().setCheckpointStallAfter("8760h1ms"),
              "spec.recovery.checkpointStallAfter",
              "at most 8760h"),
          bound(
              "maxRedeploys",
              s -> s.getRecovery().getBudget().setMaxRedeploys(100),
              s -> s.getRecovery().getBudget().setMaxRedeploys(101),
              "spec.recovery.budget.maxRedeploys",
              "at most 100"),
          bound(
              "budget window",
              s -> s.getRecovery().getBudget().setWindow("8760h"),
              s -> s.getRecovery().getBudget().setWindow("8760h1ms"),
              "spec.recovery.budget.window",
              "at most 8760h (365 days)"),
          bound(
              "avoidBadNodes failures",
              s -> s.getRecovery().getAvoidBadNodes().setFailures(100),
              s -> s.getRecovery().getAvoidBadNodes().setFailures(101),
              "spec.recovery.avoidBadNodes.failures",
              "at most 100"),
          bound(
              "avoidBadNodes window",
              s -> s.getRecovery().getAvoidBadNodes().setWindow("8760h"),
              s -> s.getRecovery().getAvoidBadNodes().setWindow("8760h1ms"),
              "spec.recovery.avoidBadNodes.window",
              "at most 8760h"));

  private static final String R = "spec.recovery";

  @Override
  Stream<Rejected> rejectedRows() {
    return Stream.concat(
        BOUNDS.stream().map(Bound::rejected),
        Stream.of(
            spec("no recovery", s -> s.setRecovery(null), R, "is required"),
            spec(
                "zero nodeLostAfter",
                s -> s.getRecovery().setNodeLostAfter("0s"),
                R + ".nodeLostAfter",
                "at least 15s (kubelets renew their Leases every 10s)"),
            spec(
                "nodeLostAfter below one and a half renewals: a healthy node would look lost",
                s -> s.getRecovery().setNodeLostAfter("14999ms"),
                R + ".nodeLostAfter",
                "at least 15s (kubelets renew their Leases every 10s); got '14999ms'"),
            spec(
                "nodeSuspectAfter within one renewal",
                s -> s.getRecovery().setNodeSuspectAfter("10s"),
                R + ".nodeSuspectAfter",
                "must be 0 (off) or at least 11s (kubelets renew their Leases every 10s); got '10s'"),
            spec(
                "nodeSuspectAfter not below nodeLostAfter",
                s -> {
                  s.getRecovery().setNodeLostAfter("15s");
                  s.getRecovery().setNodeSuspectAfter("15s");
                },
                R + ".nodeSuspectAfter",
                "must be below nodeLostAfter (15s), or 0 to turn the faster detection off"),
            spec(
                "nodeSuspectAfter garbage",
                s -> s.getRecovery().setNodeSuspectAfter("12 s"),
                R + ".nodeSuspectAfter",
                "duration"),
            spec(
                "nodeLostAfter garbage",
                s -> s.getRecovery().setNodeLostAfter("20 s"),
                R + ".nodeLostAfter",
                "duration"),
            spec(
                "no releasePodsOnLostNode",
                s -> s.getRecovery().setReleasePodsOnLostNode(null),
                R + ".releasePodsOnLostNode",
                "always, whenFenced, never"),
            spec(
                "no restoreFrom",
                s -> s.getRecovery().setRestoreFrom(null),
                R + ".restoreFrom",
                "latestCheckpoint, latestSavepoint, none"),
            spec(
                "maxCheckpointAge in days",
                s -> s.getRecovery().setMaxCheckpointAge("1d"),
                R + ".maxCheckpointAge",
                "'1d'"),
            spec(
                "zero haRecoveryTimeout",
                s -> s.getRecovery().setHaRecoveryTimeout("0"),
                R + ".haRecoveryTimeout",
                "greater than 0"),
            spec(
                "zero stuckRestartingAfter",
                s -> s.getRecovery().setStuckRestartingAfter("0m"),
                R + ".stuckRestartingAfter",
                "greater than 0"),
            spec(
                "null checkpointStallAfter",
                s -> s.getRecovery().setCheckpointStallAfter(null),
                R + ".checkpointStallAfter",
                "duration"),
            spec("no budget", s -> s.getRecovery().setBudget(null), R + ".budget", "maxRedeploys"),
            spec(
                "negative maxRedeploys",
                s -> s.getRecovery().getBudget().setMaxRedeploys(-1),
                R + ".budget.maxRedeploys",
                "at least 0"),
            spec(
                "zero budget window",
                s -> s.getRecovery().getBudget().setWindow("0h"),
                R + ".budget.window",
                "greater than 0"),
            spec(
                "no avoidBadNodes",
                s -> s.getRecovery().setAvoidBadNodes(null),
                R + ".avoidBadNodes",
                "failures"),
            spec(
                "zero failures",
                s -> s.getRecovery().getAvoidBadNodes().setFailures(0),
                R + ".avoidBadNodes.failures",
                "at least 1"),
            spec(
                "avoidBadNodes window garbage",
                s -> s.getRecovery().getAvoidBadNodes().setWindow("half an hour"),
                R + ".avoidBadNodes.window",
                "duration")));
  }

  @Override
  Stream<Accepted> acceptedRows() {
    return Stream.concat(
        BOUNDS.stream().map(Bound::accepted),
        Stream.of(
            accepted("no redeploys allowed", s -> s.getRecovery().getBudget().setMaxRedeploys(0)),
            accepted("maxCheckpointAge set", s -> s.getRecovery().setMaxCheckpointAge("15m")),
            accepted(
                "checkpoint stall detection on",
                s -> s.getRecovery().setCheckpointStallAfter("10m")),
            accepted(
                "the fastest node loss detection", s -> s.getRecovery().setNodeLostAfter("15s")),
            accepted(
                "corroborated detection at one missed renewal",
                s -> {
                  s.getRecovery().setNodeLostAfter("15s");
                  s.getRecovery().setNodeSuspectAfter("11s");
                }),
            accepted(
                "corroborated detection off",
                s -> {
                  s.getRecovery().setNodeLostAfter("15s");
                  s.getRecovery().setNodeSuspectAfter("0s");
                })));
  }
}
