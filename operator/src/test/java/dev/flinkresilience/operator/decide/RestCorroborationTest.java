package dev.flinkresilience.operator.decide;

import static org.assertj.core.api.Assertions.assertThat;

import dev.flinkresilience.operator.decide.NodeSight.Verdict;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.stream.Stream;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * The JobManager's REST API as a second signal about its node (DESIGN.md §5.6, issue 17 item 4): a
 * node whose Lease looks stale while the JobManager on it answers is not lost. Node {@code n},
 * nodeLostAfter 20 s.
 */
class RestCorroborationTest {
  private static final Instant NOW = Instant.parse("2026-12-05T12:00:00Z");
  private static final Duration LOST_AFTER = Duration.ofSeconds(20);

  static Stream<Arguments> rows() {
    return Stream.of(
        // name, lease age (s), Ready, out-of-service, answer (node, age s) or null, verdict
        row("stale Lease, no answer: lost", 25, "True", false, null, Verdict.LOST),
        row(
            "stale Lease, its JobManager answered 3 s ago",
            25,
            "True",
            false,
            answer("n", 3),
            Verdict.ALIVE),
        row(
            "stale Lease, answered 12 s ago: still fresh",
            25,
            "True",
            false,
            answer("n", 12),
            Verdict.ALIVE),
        row(
            "stale Lease, answered 13 s ago: the veto lapsed",
            25,
            "True",
            false,
            answer("n", 13),
            Verdict.LOST),
        row(
            "stale Lease, the answer came from another node",
            25,
            "True",
            false,
            answer("m", 1),
            Verdict.LOST),
        row("Ready Unknown, answered 2 s ago", 5, "Unknown", false, answer("n", 2), Verdict.ALIVE),
        row(
            "out-of-service taint: an administrator's fencing stands",
            5,
            "True",
            true,
            answer("n", 1),
            Verdict.LOST),
        row(
            "fresh Lease and an answer: alive, no anomaly",
            5,
            "True",
            false,
            answer("n", 1),
            Verdict.ALIVE),
        row(
            "an answer dated in the future (clock skew) is not trusted",
            25,
            "True",
            false,
            answer("n", -30),
            Verdict.LOST));
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("rows")
  void verdict(
      String name,
      long leaseAge,
      String ready,
      boolean outOfService,
      JobManagerAnswer answer,
      Verdict expected) {
    NodeView node = new NodeView("n", NOW.minusSeconds(leaseAge), ready, outOfService, false);
    ObservedCluster cluster =
        new ObservedCluster(Optional.empty(), 1, List.of(), Map.of("n", node), NodeSight.CLEAR)
            .withAnswer(answer);

    assertThat(cluster.verdict(node, NodeThresholds.leaseOnly(LOST_AFTER), NOW))
        .isEqualTo(expected);
    boolean looksLost = NodeSight.CLEAR.looksLost(node, LOST_AFTER, NOW);
    assertThat(cluster.contradictedNodes(LOST_AFTER, NOW))
        .as("reported as an anomaly")
        .isEqualTo(looksLost && expected == Verdict.ALIVE ? List.of("n") : List.of());
    assertThat(cluster.lostNodes(NodeThresholds.leaseOnly(LOST_AFTER), NOW))
        .isEqualTo(expected == Verdict.LOST ? java.util.Set.of("n") : java.util.Set.of());
  }

  private static JobManagerAnswer answer(String node, long ageSeconds) {
    return new JobManagerAnswer(node, NOW.minusSeconds(ageSeconds));
  }

  private static Arguments row(
      String name,
      long leaseAge,
      String ready,
      boolean outOfService,
      JobManagerAnswer answer,
      Verdict verdict) {
    return Arguments.of(name, leaseAge, ready, outOfService, answer, verdict);
  }
}
