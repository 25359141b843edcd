package dev.flinkresilience.operator.decide;

import static org.assertj.core.api.Assertions.assertThat;

import dev.flinkresilience.operator.decide.NodeSight.Verdict;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.stream.Stream;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Faster detection on two signals (DESIGN.md §5.6, issue 17 item 4): a node whose Lease missed one
 * renewal (older than nodeSuspectAfter, 12 s) while the JobManager on it has failed to connect over
 * the same time is lost without waiting for nodeLostAfter (20 s). Either signal alone is not
 * enough.
 */
class CorroboratedLossTest {
  private static final Instant NOW = Instant.parse("2026-12-05T12:00:00Z");
  private static final NodeThresholds DEFAULTS =
      new NodeThresholds(Duration.ofSeconds(20), Duration.ofSeconds(12));
  private static final NodeSight IMPAIRED =
      new NodeSight(new NodeSight.Hold(NodeSight.WATCH_IMPAIRED, "impaired"), Instant.MIN);

  static Stream<Arguments> rows() {
    return Stream.of(
        row("Lease 13 s, JobManager silent 11 s: lost", 13, silent("n", 11, 1, 10), Verdict.LOST),
        row(
            "Lease 11 s (no renewal missed yet), JobManager silent: alive",
            11,
            silent("n", 10, 1, 9),
            Verdict.ALIVE),
        row("Lease 13 s, the JobManager not called or answering: alive", 13, null, Verdict.ALIVE),
        row(
            "Lease 13 s, the silence is of a JobManager on another node: alive",
            13,
            silent("m", 11, 1, 10),
            Verdict.ALIVE),
        row(
            "Lease 13 s, silent for 3 s only (a blip, a JobManager restarting in place): alive",
            13,
            silent("n", 4, 1, 3),
            Verdict.ALIVE),
        row(
            "Lease 13 s, silent for 4 s over 2 calls: lost",
            13,
            silent("n", 5, 1, 2),
            Verdict.LOST),
        row("Lease 13 s, one failed call: alive", 13, silent("n", 11, 11, 1), Verdict.ALIVE),
        row(
            "Lease 13 s, the JobManager not called for 7 s (the poller moved on once the node was"
                + " judged lost): still evidence, nothing undid it",
            13,
            silent("n", 11, 7, 4),
            Verdict.LOST),
        row(
            "Lease 13 s, the JobManager silent since before the node's last renewal (a JobManager"
                + " restarting while its node renews is Flink's business): alive",
            13,
            silent("n", 14, 1, 12),
            Verdict.ALIVE),
        row(
            "Lease 25 s, silence since before the last renewal: lost on the Lease alone",
            25,
            silent("n", 30, 1, 25),
            Verdict.LOST),
        row(
            "Lease 13 s, silence dated in the future (clock skew): alive",
            13,
            silent("n", 11, -5, 10),
            Verdict.ALIVE),
        row("Lease 25 s, no silence: lost on the Lease alone", 25, null, Verdict.LOST));
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("rows")
  void verdict(String name, long leaseAge, JobManagerSilence silence, Verdict expected) {
    NodeView node = node(leaseAge);
    ObservedCluster cluster = cluster(node, NodeSight.CLEAR).withSilence(silence);

    assertThat(cluster.verdict(node, DEFAULTS, NOW)).isEqualTo(expected);
    assertThat(cluster.lostNodes(DEFAULTS, NOW))
        .isEqualTo(expected == Verdict.LOST ? Set.of("n") : Set.of());
  }

  static Stream<Arguments> vetoes() {
    return Stream.of(
        Arguments.of(
            "an answer 2 s ago outweighs an older silence",
            DEFAULTS,
            NodeSight.CLEAR,
            new JobManagerAnswer("n", NOW.minusSeconds(2)),
            Verdict.ALIVE),
        Arguments.of(
            "nodeSuspectAfter 0: off, only the Lease decides",
            new NodeThresholds(Duration.ofSeconds(20), Duration.ZERO),
            NodeSight.CLEAR,
            null,
            Verdict.ALIVE),
        Arguments.of(
            "the node watch impaired: held, whatever the REST API says",
            DEFAULTS,
            IMPAIRED,
            null,
            Verdict.HELD));
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("vetoes")
  void vetoed(
      String name,
      NodeThresholds thresholds,
      NodeSight sight,
      JobManagerAnswer answer,
      Verdict expected) {
    NodeView node = node(13);
    ObservedCluster cluster =
        cluster(node, sight).withAnswer(answer).withSilence(silent("n", 11, 1, 10));

    assertThat(cluster.verdict(node, thresholds, NOW)).isEqualTo(expected);
  }

  private static NodeView node(long leaseAge) {
    return new NodeView("n", NOW.minusSeconds(leaseAge), "True", false, false);
  }

  private static ObservedCluster cluster(NodeView node, NodeSight sight) {
    return new ObservedCluster(Optional.empty(), 1, List.of(), Map.of("n", node), sight);
  }

  /** Calls to the JobManager on {@code node} failing from {@code sinceAge} to {@code lastAge}. */
  private static JobManagerSilence silent(String node, long sinceAge, long lastAge, int calls) {
    return new JobManagerSilence(
        node, NOW.minusSeconds(sinceAge), NOW.minusSeconds(lastAge), calls);
  }

  private static Arguments row(
      String name, long leaseAge, JobManagerSilence silence, Verdict expected) {
    return Arguments.of(name, leaseAge, silence, expected);
  }
}
