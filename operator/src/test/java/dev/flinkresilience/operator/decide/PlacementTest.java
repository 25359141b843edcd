package dev.flinkresilience.operator.decide;

import static org.assertj.core.api.Assertions.assertThat;

import dev.flinkresilience.operator.api.v1alpha1.Incident;
import dev.flinkresilience.operator.api.v1alpha1.NodeMark;
import dev.flinkresilience.operator.decide.Signal.Reason;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** Which nodes a new deployment keeps off: bad nodes, and the lost node it recovers from. */
class PlacementTest {
  @ParameterizedTest(name = "{0} on {1}, bad {2}: avoid [{3}]")
  @CsvSource(
      delimiter = '|',
      nullValues = "-",
      value = {
        "-                | -      | -      | ''",
        "NodeLost         | node-a | -      | node-a",
        "NodeLost         | node-a | node-a | node-a",
        "NodeLost         | node-b | node-a | node-a node-b",
        "JobManagerLost   | node-a | -      | ''",
        "TaskManagerLost  | node-a | node-c | node-c",
        "-                | -      | node-c | node-c",
      })
  void avoided(String reason, String node, String bad, String expected) {
    RecoveryWorld w = new RecoveryWorld();
    if (reason != null) {
      Incident i = new Incident();
      i.setReason(Reason.valueOf(constant(reason)).value());
      i.setNode(node);
      w.status.getRecovery().setCurrent(i);
    }
    if (bad != null) {
      // Avoided until an hour from now; one that ran out is no longer avoided.
      w.status.setAvoidedNodes(
          List.of(
              new NodeMark(bad, w.now.plus(Duration.ofHours(1)).toString()),
              new NodeMark("node-expired", w.now.minusSeconds(1).toString())));
    }

    assertThat(Placement.avoided(w.input()))
        .containsExactlyElementsOf(
            expected.isBlank() ? List.of() : List.of(expected.trim().split(" ")));
  }

  /** NodeLost → NODE_LOST. */
  private static String constant(String value) {
    return value.replaceAll("([a-z])([A-Z])", "$1_$2").toUpperCase(java.util.Locale.ROOT);
  }
}
