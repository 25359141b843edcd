package dev.flinkresilience.operator.decide;

import java.time.Instant;
import java.util.Optional;

/**
 * Times the operator wrote into status, read back. Leniently: a status edited by hand must not
 * break a decision, so a time that does not parse is unknown, never an error.
 */
final class StatusTime {
  private StatusTime() {}

  /** The instant {@code text} names, or empty when it is absent or unreadable. */
  static Optional<Instant> of(String text) {
    try {
      return text == null ? Optional.empty() : Optional.of(Instant.parse(text));
    } catch (RuntimeException e) {
      return Optional.empty();
    }
  }

  /** The instant {@code text} names, or {@code fallback} (may be null) when it cannot tell. */
  static Instant or(String text, Instant fallback) {
    return of(text).orElse(fallback);
  }
}
