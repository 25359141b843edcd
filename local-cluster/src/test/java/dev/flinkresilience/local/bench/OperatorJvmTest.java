package dev.flinkresilience.local.bench;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** The benchmark runs the operator with the image's JVM options in the chart's memory limit. */
class OperatorJvmTest {
  private static final Path REPO =
      Path.of(System.getProperty("repo.dir", "..")).toAbsolutePath().normalize();

  @Test
  void takesTheImagesOptionsAndTheChartsLimitFromTheirFiles() {
    OperatorJvm jvm = OperatorJvm.asTheChart(REPO, OperatorJvm.chartLimit(REPO));

    assertThat(OperatorJvm.chartLimit(REPO)).isEqualTo("1Gi");
    assertThat(jvm.limitBytes()).isEqualTo(1L << 30);
    assertThat(jvm.options()).containsExactly("-XX:MaxRAM=1073741824");
    assertThat(jvm.env().get("JAVA_TOOL_OPTIONS"))
        .isEqualTo(OperatorJvm.imageOptions(REPO))
        .contains("-XX:MaxRAMPercentage=")
        .contains("-XX:+UseG1GC");
    assertThat(jvm.describe()).contains("1024 MiB").contains("MaxRAMPercentage");
  }

  @Test
  void aFixedHeapHasNoLimit() {
    OperatorJvm jvm = OperatorJvm.fixedHeap("1g");

    assertThat(jvm.options()).containsExactly("-Xmx1g");
    assertThat(jvm.env()).isEmpty();
    assertThat(jvm.limitBytes()).isZero();
  }

  @ParameterizedTest
  @CsvSource({
    "1Gi, 1073741824",
    "768Mi, 805306368",
    "512Ki, 524288",
    "2G, 2000000000",
    "1500M, 1500000000",
    "4096, 4096"
  })
  void readsKubernetesMemoryQuantities(String quantity, long bytes) {
    assertThat(OperatorJvm.bytes(quantity)).isEqualTo(bytes);
  }

  @Test
  void refusesWhatIsNotAQuantity() {
    assertThatThrownBy(() -> OperatorJvm.bytes("1.5Gi")).hasMessageContaining("1.5Gi");
  }
}
