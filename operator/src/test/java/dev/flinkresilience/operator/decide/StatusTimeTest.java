package dev.flinkresilience.operator.decide;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Instant;
import java.util.Optional;
import org.junit.jupiter.api.Test;

class StatusTimeTest {
  private static final Instant FALLBACK = Instant.parse("2026-12-06T12:00:00Z");

  @Test
  void readsWhatTheOperatorWroteAndTakesAnythingElseAsUnknown() {
    assertThat(StatusTime.of("2026-12-06T11:59:30.5Z"))
        .contains(Instant.parse("2026-12-06T11:59:30.500Z"));
    assertThat(StatusTime.of(null)).isEqualTo(Optional.empty());
    assertThat(StatusTime.of("yesterday")).as("edited by hand").isEmpty();
    assertThat(StatusTime.of("")).isEmpty();

    assertThat(StatusTime.or("2026-12-06T11:59:30Z", FALLBACK))
        .isEqualTo(Instant.parse("2026-12-06T11:59:30Z"));
    assertThat(StatusTime.or("yesterday", FALLBACK)).isEqualTo(FALLBACK);
    assertThat(StatusTime.or(null, null)).isNull();
  }
}
