package dev.flinkresilience.operator.bench;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import org.junit.jupiter.api.Test;

/** Smoke test: the benchmark runs and prints its line; nothing about speed is asserted. */
class NodeWatchCostTest {
  @Test
  void runs() throws Exception {
    String out = NodeWatchCost.run(30, Duration.ofSeconds(2));
    System.out.println(out);
    assertThat(out).contains("every job checked").contains("selected jobs only").contains("{");
  }
}
