package dev.flinkresilience.operator.validate;

import static dev.flinkresilience.operator.validate.ValidationCases.accepted;
import static dev.flinkresilience.operator.validate.ValidationCases.spec;

import dev.flinkresilience.operator.validate.ValidationCases.Accepted;
import dev.flinkresilience.operator.validate.ValidationCases.Rejected;
import java.util.stream.Stream;

class RecoveryRulesTest extends ValidationTable {
  private static final String R = "spec.recovery";

  @Override
  Stream<Rejected> rejectedRows() {
    return Stream.of(
        spec("no recovery", s -> s.setRecovery(null), R, "is required"),
        spec(
            "zero nodeLostAfter",
            s -> s.getRecovery().setNodeLostAfter("0s"),
            R + ".nodeLostAfter",
            "greater than 0"),
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
            "duration"));
  }

  @Override
  Stream<Accepted> acceptedRows() {
    return Stream.of(
        accepted("no redeploys allowed", s -> s.getRecovery().getBudget().setMaxRedeploys(0)),
        accepted("maxCheckpointAge set", s -> s.getRecovery().setMaxCheckpointAge("15m")),
        accepted(
            "checkpoint stall detection on", s -> s.getRecovery().setCheckpointStallAfter("10m")),
        accepted("fast node loss detection", s -> s.getRecovery().setNodeLostAfter("500ms")));
  }
}
