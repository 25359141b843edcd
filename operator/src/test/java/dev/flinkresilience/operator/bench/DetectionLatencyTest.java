package dev.flinkresilience.operator.bench;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * Keeps the benchmark runnable: two losses of each kind through the whole operator, and bounds
 * generous enough for a busy machine. The figures themselves are for {@link DetectionLatency#main}.
 */
class DetectionLatencyTest {
  @Test
  @Timeout(value = 120, unit = TimeUnit.SECONDS)
  void measuresEveryLossOfEachKind() throws Exception {
    Duration lostAfter = Duration.ofSeconds(1);
    DetectionLatency.Result r = DetectionLatency.run(2, lostAfter, msg -> {});

    assertThat(r.podLoss()).hasSize(2);
    assertThat(r.nodeLoss()).hasSize(2);
    assertThat(r.podLoss())
        .allSatisfy(
            s -> {
              assertThat(s.stamped()).isBetween(0.0, s.decision()); // stamped, then written
              assertThat(s.decision()).isLessThan(s.action()).isLessThan(10.0);
            });
    assertThat(r.nodeLoss())
        .allSatisfy(
            s -> {
              // Never before the Lease was older than nodeLostAfter.
              assertThat(s.stamped()).isBetween(1.0, s.decision());
              assertThat(s.decision()).isLessThan(s.action()).isLessThan(1.0 + 10.0);
            });
    assertThat(r.table()).contains("pod loss").contains("node loss");
    assertThat(r.json())
        .startsWith("{\"podLossP50Seconds\":")
        .contains("\"nodeLossP99Seconds\":")
        .contains("\"nodeLostAfterSeconds\":1.000")
        .endsWith("\"events\":2}");
  }
}
