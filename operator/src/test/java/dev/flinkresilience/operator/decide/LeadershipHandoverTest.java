package dev.flinkresilience.operator.decide;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.time.Instant;
import java.util.stream.Stream;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/** When the operator may release Flink's leader lock held by a JobManager it released. */
class LeadershipHandoverTest {
  private static final Instant NOW = Instant.parse("2026-12-05T12:00:00Z");
  private static final Duration RETRY = Duration.ofSeconds(5);
  private static final String RELEASED = "10.0.0.5";

  static Stream<Arguments> rows() {
    return Stream.of(
        row("held by the released JobManager, quiet 12 s: handed over", "h", 12, RELEASED, null),
        row("quiet exactly two retry periods: handed over", "h", 10, RELEASED, null),
        row(
            "renewed 9 s ago: its holder may live (a standby that just took over)",
            "h",
            9,
            RELEASED,
            "may live"),
        row(
            "the REST leader is another JobManager: not ours to release",
            "h",
            30,
            "10.0.0.6",
            "not the released JobManager"),
        row("no REST leader entry: unknown holder", "h", 30, null, "not the released"),
        row("already released (empty holder)", "", 30, RELEASED, "no leader"));
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("rows")
  void refusal(String name, String holder, long quietSeconds, String leaderHost, String refused) {
    var lock = new LeadershipHandover.Lock(holder, NOW.minusSeconds(quietSeconds), leaderHost);
    var refusal = LeadershipHandover.refusal(lock, RELEASED, RETRY, NOW);
    if (refused == null) {
      assertThat(refusal).isEmpty();
    } else {
      assertThat(refusal).hasValueSatisfying(r -> assertThat(r).contains(refused));
    }
  }

  @org.junit.jupiter.api.Test
  void noLockOrNoRenewalTimeIsLeftAlone() {
    assertThat(LeadershipHandover.refusal(null, RELEASED, RETRY, NOW)).isPresent();
    assertThat(
            LeadershipHandover.refusal(
                new LeadershipHandover.Lock("h", null, RELEASED), RELEASED, RETRY, NOW))
        .isPresent();
    assertThat(
            LeadershipHandover.refusal(
                new LeadershipHandover.Lock("h", NOW.minusSeconds(60), RELEASED), null, RETRY, NOW))
        .as("the released pod's IP unknown")
        .isPresent();
  }

  private static Arguments row(
      String name, String holder, long quiet, String leaderHost, String refused) {
    return Arguments.of(name, holder, quiet, leaderHost, refused);
  }
}
