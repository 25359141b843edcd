package dev.flinkresilience.operator.decide;

import static org.assertj.core.api.Assertions.assertThat;

import dev.flinkresilience.operator.api.v1alpha1.AvoidBadNodesSpec;
import dev.flinkresilience.operator.api.v1alpha1.NodeMark;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

class BadNodesTest {
  private static final Instant T0 = Instant.parse("2026-11-21T12:00:00Z");
  private final AvoidBadNodesSpec spec = new AvoidBadNodesSpec(); // 3 failures in 30m

  @Test
  void aNodeIsAvoidedAfterEnoughFailuresWithinTheWindowForOneWindow() {
    List<NodeMark> failures = new ArrayList<>();
    List<NodeMark> avoided = new ArrayList<>();
    for (int i = 0; i < 2; i++) {
      var m =
          BadNodes.record(failures, avoided, "node-a", T0.plusSeconds(i), spec, T0.plusSeconds(i));
      failures = m.failures();
      avoided = m.avoided();
    }
    assertThat(BadNodes.avoided(avoided, T0.plusSeconds(2))).isEmpty();
    var third =
        BadNodes.record(failures, avoided, "node-a", T0.plusSeconds(2), spec, T0.plusSeconds(2));
    assertThat(BadNodes.avoided(third.avoided(), T0.plusSeconds(3))).containsExactly("node-a");
    assertThat(third.avoided().get(0).getAt())
        .isEqualTo(T0.plusSeconds(2).plus(Duration.ofMinutes(30)).toString());
    assertThat(BadNodes.avoided(third.avoided(), T0.plus(Duration.ofMinutes(31)))).isEmpty();
  }

  @Test
  void failuresOutsideTheWindowOrOnOtherNodesDoNotCount() {
    List<NodeMark> failures =
        new ArrayList<>(
            List.of(
                new NodeMark("node-a", T0.minus(Duration.ofMinutes(40)).toString()),
                new NodeMark("node-b", T0.toString())));
    var m = BadNodes.record(failures, List.of(), "node-a", T0, spec, T0);
    assertThat(m.avoided()).isEmpty();
    assertThat(m.failures()).extracting(NodeMark::getNode).containsExactly("node-b", "node-a");
  }
}
