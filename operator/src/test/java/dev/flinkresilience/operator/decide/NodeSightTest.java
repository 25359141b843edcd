package dev.flinkresilience.operator.decide;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.DynamicTest.dynamicTest;

import dev.flinkresilience.operator.decide.NodeSight.Verdict;
import java.time.Duration;
import java.time.Instant;
import java.util.Optional;
import java.util.stream.Stream;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.TestFactory;

/** One node, the operator's sight, and what it may conclude (DESIGN.md §5.6). */
class NodeSightTest {
  static final Instant NOW = Instant.parse("2026-11-21T12:00:00Z");
  static final Duration LOST_AFTER = Duration.ofSeconds(20);

  static final NodeSight CLEAR_AN_HOUR = sight(true, 3600, Optional.empty(), null);
  static final NodeSight HEALTHY_AGAIN_5S_AGO = sight(true, 5, Optional.empty(), null);
  static final NodeSight IMPAIRED = sight(false, 30, Optional.empty(), null);
  static final NodeSight GUARD = sight(true, 3600, Optional.of("2 of 3 nodes look lost"), null);
  static final NodeSight GUARD_LIFTED_5S_AGO =
      sight(true, 3600, Optional.empty(), NOW.minusSeconds(5));

  @TestFactory
  Stream<DynamicTest> verdicts() {
    return Stream.of(
            row("renewing node", CLEAR_AN_HOUR, lease(3), Verdict.ALIVE),
            row(
                "Lease 25 s old, watch healthy for an hour: lost",
                CLEAR_AN_HOUR,
                lease(25),
                Verdict.LOST),
            row(
                "Lease 61 s old, but the watch was healthy again only 5 s ago: fresh grace",
                HEALTHY_AGAIN_5S_AGO,
                lease(61),
                Verdict.ALIVE),
            row(
                "Lease 61 s old while the watch is impaired: held, not lost",
                IMPAIRED,
                lease(61),
                Verdict.HELD),
            row(
                "Ready Unknown, no Lease known, while the watch is impaired: held (the cache may be"
                    + " stale)",
                IMPAIRED,
                new NodeView("n", null, "Unknown", false, false),
                Verdict.HELD),
            row(
                "Ready Unknown, no Lease known, watch healthy: lost on the Node's word",
                CLEAR_AN_HOUR,
                new NodeView("n", null, "Unknown", false, false),
                Verdict.LOST),
            row(
                "Ready Unknown but the Lease renewed 1 s ago: the node lifecycle controller was"
                    + " blind (API server restart), the Lease decides",
                HEALTHY_AGAIN_5S_AGO,
                node(1, "Unknown", false, false),
                Verdict.ALIVE),
            row(
                "Ready Unknown, Lease 61 s old, watch healthy again only 5 s ago: fresh grace",
                HEALTHY_AGAIN_5S_AGO,
                node(61, "Unknown", false, false),
                Verdict.ALIVE),
            row("a fresh node while impaired is simply alive", IMPAIRED, lease(3), Verdict.ALIVE),
            row("Lease 25 s old under the mass-loss guard: held", GUARD, lease(25), Verdict.HELD),
            row(
                "deleted node under the mass-loss guard: an administrator's fencing is acted on",
                GUARD,
                node(60, "Unknown", false, true),
                Verdict.LOST),
            row(
                "out-of-service node under the guard: lost",
                GUARD,
                node(60, "Unknown", true, false),
                Verdict.LOST),
            row(
                "guard lifted 5 s ago, Lease 60 s old: it must stay lost past a fresh grace",
                GUARD_LIFTED_5S_AGO,
                lease(60),
                Verdict.ALIVE),
            row(
                "Ready False after a gap: positive evidence, no grace needed",
                HEALTHY_AGAIN_5S_AGO,
                node(3, "False", false, false),
                Verdict.LOST),
            row(
                "Lease 61 s old, the watch back 5 s ago from a gap that began 10 s ago: lost"
                    + " under clear sight before the gap, it stays lost",
                afterGap(3600, 10),
                lease(61),
                Verdict.LOST),
            row(
                "the same while the gap lasts: held",
                new NodeSight(
                    IMPAIRED.hold(), IMPAIRED.graceFrom(), afterGap(3600, 10).lastClear()),
                lease(61),
                Verdict.HELD),
            row(
                "Lease 25 s old, the watch back 5 s ago from a gap that began 10 s ago: 15 s old"
                    + " when the gap began, not lost yet: fresh grace",
                afterGap(3600, 10),
                lease(25),
                Verdict.ALIVE),
            row(
                "renewed during the gap (the cache has it once the watch is back): alive",
                afterGap(3600, 10),
                lease(3),
                Verdict.ALIVE),
            row(
                "Lease 61 s old, but the sight before the gap was itself only 15 s clear (an"
                    + " earlier gap's grace): never lost under clear sight, fresh grace",
                afterGap(15, 10),
                lease(61),
                Verdict.ALIVE),
            row(
                "no Lease known, Ready True: alive",
                CLEAR_AN_HOUR,
                new NodeView("n", null, "True", false, false),
                Verdict.ALIVE))
        .map(Row::test);
  }

  @TestFactory
  Stream<DynamicTest> holdingBack() {
    return Stream.of(
        dynamicTest(
            "a hold holds back a job only when one of its nodes looks lost",
            () -> {
              assertThat(IMPAIRED.holdingBack(java.util.List.of(lease(3)), LOST_AFTER, NOW))
                  .isEmpty();
              assertThat(
                      IMPAIRED.holdingBack(java.util.List.of(lease(3), lease(61)), LOST_AFTER, NOW))
                  .hasValueSatisfying(
                      h -> assertThat(h.reason()).isEqualTo(NodeSight.WATCH_IMPAIRED));
              assertThat(GUARD.holdingBack(java.util.List.of(lease(25)), LOST_AFTER, NOW))
                  .hasValueSatisfying(h -> assertThat(h.reason()).isEqualTo(NodeSight.MASS_LOSS));
              assertThat(CLEAR_AN_HOUR.holdingBack(java.util.List.of(lease(61)), LOST_AFTER, NOW))
                  .isEmpty();
            }));
  }

  private static NodeSight sight(
      boolean healthy, long sinceSeconds, Optional<String> guard, Instant liftedAt) {
    WatchHealth health =
        new WatchHealth(healthy, NOW.minusSeconds(sinceSeconds), healthy ? null : "gap");
    return NodeSight.of(health, guard, liftedAt);
  }

  /**
   * The watch healthy again 5 s ago, after a gap that began {@code gapBeganSecondsAgo} ago; the
   * sight before it had been clear for {@code clearForSeconds} by then.
   */
  private static NodeSight afterGap(long clearForSeconds, long gapBeganSecondsAgo) {
    Instant gapBegan = NOW.minusSeconds(gapBeganSecondsAgo);
    return NodeSight.of(
        new WatchHealth(true, NOW.minusSeconds(5), null),
        Optional.empty(),
        null,
        new NodeSight.LastClear(gapBegan.minusSeconds(clearForSeconds), gapBegan));
  }

  private static NodeView lease(long ageSeconds) {
    return node(ageSeconds, "True", false, false);
  }

  private static NodeView node(
      long ageSeconds, String ready, boolean outOfService, boolean deleted) {
    return new NodeView("n", NOW.minusSeconds(ageSeconds), ready, outOfService, deleted);
  }

  private static Row row(String name, NodeSight sight, NodeView node, Verdict verdict) {
    return new Row(name, sight, node, verdict);
  }

  private record Row(String name, NodeSight sight, NodeView node, Verdict verdict) {
    DynamicTest test() {
      return dynamicTest(
          name, () -> assertThat(sight.judge(node, LOST_AFTER, NOW)).as(name).isEqualTo(verdict));
    }
  }
}
