package dev.flinkresilience.operator.decide;

import dev.flinkresilience.operator.decide.HaCleanupDeadline.Abandon;
import dev.flinkresilience.operator.decide.HaCleanupDeadline.Retry;
import java.time.Duration;
import java.time.Instant;
import java.util.stream.Stream;
import org.junit.jupiter.params.provider.Arguments;

/** After a failed HA cleanup: retry until five minutes after the deletion request, then give up. */
class HaCleanupDeadlineTest {
  private static final Instant DELETED = Instant.parse("2026-11-21T12:00:00Z");
  private static final Instant GIVE_UP = DELETED.plus(Duration.ofMinutes(5));

  static Stream<Arguments> rows() {
    return Stream.of(
        Arguments.of("at once", DELETED, DELETED, new Retry(Duration.ofSeconds(5), GIVE_UP)),
        Arguments.of(
            "a millisecond before the bound",
            DELETED,
            GIVE_UP.minusMillis(1),
            new Retry(Duration.ofSeconds(5), GIVE_UP)),
        Arguments.of("at the bound", DELETED, GIVE_UP, new Abandon(GIVE_UP)),
        Arguments.of("an hour later", DELETED, DELETED.plusSeconds(3600), new Abandon(GIVE_UP)),
        Arguments.of(
            "a clock behind the API server's: retried",
            DELETED,
            DELETED.minusSeconds(30),
            new Retry(Duration.ofSeconds(5), GIVE_UP)),
        Arguments.of("no deletion time: no unbounded wait", null, DELETED, new Abandon(DELETED)));
  }
}
