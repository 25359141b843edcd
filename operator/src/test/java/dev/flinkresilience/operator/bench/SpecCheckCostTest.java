package dev.flinkresilience.operator.bench;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

/** Smoke test: the benchmark runs and prints its line; nothing about speed is asserted. */
class SpecCheckCostTest {
  @Test
  void runs() {
    String line = SpecCheckCost.run(20);
    System.out.println(line);
    assertThat(line).contains("rendered every pass").contains("rendered on change");
  }
}
