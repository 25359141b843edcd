package dev.flinkresilience.local.node;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Path;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class FlinkImagesTest {
  private static final FlinkImages.Distribution STANDARD =
      new FlinkImages.Distribution(
          "/m2/flink-runtime-2.3.0.jar", Path.of("/repo/sample-job/target"));
  private static final FlinkImages.Distribution FLINK_1_20 =
      new FlinkImages.Distribution(
          "/m2/flink-runtime-1.20.1.jar", Path.of("/repo/flink-1.20/target"));
  private static final FlinkImages IMAGES = FlinkImages.only(STANDARD).with("1.20", FLINK_1_20);

  @ParameterizedTest
  @CsvSource({
    "flink:1.20-java17, 1.20",
    "flink:1.20.1-java17, 1.20",
    "flink:1.20, 1.20",
    "registry.example:5000/team/flink:1.20.1, 1.20",
    "flink:2.3.0-java17, standard",
    "flink:2.2.1-java17, standard",
    "flink:v2, standard",
    "flink, standard",
    "flink:latest, standard",
    "registry.example:5000/flink, standard",
  })
  void anImageRunsOnTheDistributionOfItsTagsVersion(String image, String expected) {
    assertThat(IMAGES.of(image)).isEqualTo(expected.equals("1.20") ? FLINK_1_20 : STANDARD);
  }

  @ParameterizedTest
  @CsvSource({"flink:1.19.2-java17", "flink:1.20-java17"})
  void aOneDotImageWithoutItsOwnDistributionCannotRun(String image) {
    FlinkImages standardOnly =
        image.contains("1.20") ? FlinkImages.only(STANDARD) : IMAGES; // 1.19: never built
    assertThatThrownBy(() -> standardOnly.of(image))
        .isInstanceOf(ContainerPlan.UnsupportedContainerException.class)
        .hasMessageContaining(image)
        .hasMessageContaining("no Flink 1.");
  }
}
