package dev.flinkresilience.sample;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;

class SequenceJobTest {
  @Test
  void readsFlagsWithAndWithoutValues() {
    assertThat(
            SequenceJob.flags(new String[] {"--output", "/tmp/x", "--fail-always", "--rate", "5"}))
        .containsEntry("output", "/tmp/x")
        .containsEntry("fail-always", "true")
        .containsEntry("rate", "5");
  }

  @Test
  void rejectsAStrayArgument() {
    assertThatThrownBy(() -> SequenceJob.flags(new String[] {"out"}))
        .hasMessageContaining("unexpected argument: out");
  }
}
