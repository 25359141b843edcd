package dev.flinkresilience.operator.reconcile;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;

class JobCountTest {
  @Test
  void countsAtMostOnceASecond() {
    var now = new AtomicLong(5_000_000_000L);
    var counts = new AtomicLong();
    var count = new JobCount(now::get);

    assertThat(count.of(() -> counts.incrementAndGet() * 100)).isEqualTo(100);
    now.addAndGet(999_000_000L);
    assertThat(count.of(() -> counts.incrementAndGet() * 100)).isEqualTo(100);
    now.addAndGet(1_000_000L);
    assertThat(count.of(() -> counts.incrementAndGet() * 100)).isEqualTo(200);
    assertThat(counts.get()).isEqualTo(2);
  }

  @Test
  void theFirstAskCountsWhateverTheClockReads() {
    var count = new JobCount(() -> Long.MIN_VALUE);
    assertThat(count.of(() -> 7)).isEqualTo(7);
  }
}
