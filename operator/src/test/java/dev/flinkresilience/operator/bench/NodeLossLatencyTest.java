package dev.flinkresilience.operator.bench;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import org.junit.jupiter.api.Test;

/** Keeps the benchmark runnable: a few losses, and bounds generous enough for a busy machine. */
class NodeLossLatencyTest {
  @Test
  void measuresEveryLoss() throws Exception {
    Duration lostAfter = Duration.ofSeconds(1);
    NodeLossLatency.Result r = NodeLossLatency.run(3, lostAfter, Duration.ofSeconds(1));

    assertThat(r.samples()).hasSize(3);
    assertThat(r.samples())
        .allSatisfy(
            s -> {
              assertThat(s.overThreshold()).isGreaterThan(-0.5); // never before the threshold
              assertThat(s.fromLastRenewal()).isLessThan(lostAfter.toSeconds() + 5.0);
            });
    assertThat(r.json()).contains("\"events\":3").contains("\"nodeLossP99Seconds\":");
  }
}
