package dev.flinkresilience.operator.testing;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneId;
import java.time.ZoneOffset;

/**
 * The system clock, moved forward by hand: time passes as usual (the API server stamps resources
 * with its own clock) and a test can jump ahead of it, e.g. past a deadline counted from one.
 */
public final class ShiftedClock extends Clock {
  private volatile Duration shift = Duration.ZERO;

  public void shift(Duration by) {
    shift = shift.plus(by);
  }

  @Override
  public Instant instant() {
    return Instant.now().plus(shift);
  }

  @Override
  public ZoneId getZone() {
    return ZoneOffset.UTC;
  }

  @Override
  public Clock withZone(ZoneId zone) {
    return this;
  }
}
