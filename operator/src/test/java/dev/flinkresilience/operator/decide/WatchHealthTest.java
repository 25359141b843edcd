package dev.flinkresilience.operator.decide;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.DynamicTest.dynamicTest;

import java.time.Duration;
import java.time.Instant;
import java.util.stream.Stream;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.TestFactory;

/** The node watch's health (DESIGN.md §5.6): a row per situation, and the judgement after it. */
class WatchHealthTest {
  static final Instant NOW = Instant.parse("2026-11-21T12:00:00Z");
  static final Duration SILENCE = WatchHealth.DEFAULT_SILENCE;
  static final WatchHealth HEALTHY_SINCE_AN_HOUR =
      new WatchHealth(true, NOW.minusSeconds(3600), null);
  static final WatchHealth IMPAIRED_A_MINUTE =
      new WatchHealth(false, NOW.minusSeconds(60), "watch closed");

  @TestFactory
  Stream<DynamicTest> judgements() {
    return Stream.of(
            row(
                "connected, a renewal 2 s ago: healthy, and since stays",
                HEALTHY_SINCE_AN_HOUR,
                facts(true, 2, 3),
                true,
                NOW.minusSeconds(3600)),
            row(
                "operator start, caches synced and Leases listed: healthy from now (fresh grace)",
                WatchHealth.starting(NOW.minusSeconds(1)),
                facts(true, 1, 3),
                true,
                NOW),
            row(
                "watch disconnected (API errors, relist): impaired from now, keeping the grace"
                    + " that ran before (should the gap be brief)",
                HEALTHY_SINCE_AN_HOUR,
                facts(false, 1, 3),
                false,
                NOW,
                NOW.minusSeconds(3600)),
            row(
                "API server frozen: connected, but no Lease of 3 renewed for 16 s: impaired",
                HEALTHY_SINCE_AN_HOUR,
                facts(true, 16, 3),
                false,
                NOW),
            row(
                "a quiet 14 s is within the silence allowed (kubelets renew every 10 s)",
                HEALTHY_SINCE_AN_HOUR,
                facts(true, 14, 3),
                true,
                NOW.minusSeconds(3600)),
            row(
                "still impaired: since stays at the start of the gap",
                IMPAIRED_A_MINUTE,
                facts(true, 30, 3),
                false,
                NOW.minusSeconds(60)),
            row(
                "the gap ends: healthy from now, so every node's grace starts again",
                IMPAIRED_A_MINUTE,
                facts(true, 0, 3),
                true,
                NOW),
            row(
                "a watch renewed within 2 s (one tick): the grace before it runs on",
                new WatchHealth(
                    false, NOW.minusSeconds(1), "not connected", NOW.minusSeconds(3600)),
                facts(true, 0, 3),
                true,
                NOW.minusSeconds(3600),
                null),
            row(
                "a disconnect of 3 s (the API server may have been away): a fresh grace",
                new WatchHealth(
                    false, NOW.minusSeconds(3), "not connected", NOW.minusSeconds(3600)),
                facts(true, 0, 3),
                true,
                NOW,
                null),
            row(
                "a disconnect that turns into silence: the grace is not kept",
                new WatchHealth(
                    false, NOW.minusSeconds(1), "not connected", NOW.minusSeconds(3600)),
                facts(true, 16, 3),
                false,
                NOW.minusSeconds(1),
                null),
            row(
                "the operator starting is never brief: a fresh grace",
                WatchHealth.starting(NOW.minusSeconds(1)),
                facts(true, 0, 3),
                true,
                NOW,
                null),
            row(
                "no Lease in the cluster at all: silence means nothing",
                HEALTHY_SINCE_AN_HOUR,
                new WatchHealth.Facts(true, null, 0),
                true,
                NOW.minusSeconds(3600)),
            row(
                "Leases cached but none ever delivered as an event: impaired",
                HEALTHY_SINCE_AN_HOUR,
                new WatchHealth.Facts(true, null, 2),
                false,
                NOW))
        .map(Row::test);
  }

  @TestFactory
  Stream<DynamicTest> briefDependsOnTheShortestNodeLostAfter() {
    record Brief(long lostAfterSeconds, long tickMillis, Duration brief) {}
    return Stream.of(
            new Brief(20, 1000, Duration.ofSeconds(2)),
            new Brief(15, 1000, Duration.ofSeconds(2)),
            new Brief(6, 1000, Duration.ofSeconds(1)),
            new Brief(3, 1000, Duration.ZERO),
            new Brief(2, 1000, Duration.ZERO))
        .map(
            b ->
                dynamicTest(
                    "nodeLostAfter " + b.lostAfterSeconds() + " s → " + b.brief(),
                    () ->
                        assertThat(
                                WatchHealth.briefFor(
                                    Duration.ofSeconds(b.lostAfterSeconds()),
                                    Duration.ofMillis(b.tickMillis())))
                            .isEqualTo(b.brief())));
  }

  private static WatchHealth.Facts facts(boolean watching, long quietSeconds, int leases) {
    return new WatchHealth.Facts(watching, NOW.minusSeconds(quietSeconds), leases);
  }

  private static Row row(
      String name, WatchHealth before, WatchHealth.Facts facts, boolean healthy, Instant since) {
    return new Row(name, before, facts, healthy, since, null);
  }

  private static Row row(
      String name,
      WatchHealth before,
      WatchHealth.Facts facts,
      boolean healthy,
      Instant since,
      Instant kept) {
    return new Row(name, before, facts, healthy, since, kept);
  }

  private record Row(
      String name,
      WatchHealth before,
      WatchHealth.Facts facts,
      boolean healthy,
      Instant since,
      Instant kept) {
    DynamicTest test() {
      return dynamicTest(
          name,
          () -> {
            WatchHealth after =
                WatchHealth.next(before, facts, NOW, SILENCE, WatchHealth.BRIEF_DISCONNECT);
            assertThat(after.healthy()).as(name).isEqualTo(healthy);
            assertThat(after.since()).as(name).isEqualTo(since);
            assertThat(after.keptGrace()).as(name + ": the grace kept").isEqualTo(kept);
            assertThat(after.why() == null)
                .as(name + ": why only when impaired")
                .isEqualTo(healthy);
          });
    }
  }
}
