package dev.flinkresilience.local.node;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** The names a node's containerd must know the imported Flink image by (nothing can be pulled). */
class RealNodesTest {
  @ParameterizedTest
  @CsvSource({
    "flink:2.3.0-java17, docker.io/library/flink:2.3.0-java17",
    "flink, docker.io/library/flink:latest",
    "apache/flink:2.3.0, docker.io/apache/flink:2.3.0",
    "localhost/fro-flink:2.3.0, localhost/fro-flink:2.3.0",
    "registry.example.com/flink:2.3, registry.example.com/flink:2.3",
    "registry.example.com:5000/flink, registry.example.com:5000/flink:latest"
  })
  void anImageNameIsWhatContainerdCallsIt(String image, String containerd) {
    assertThat(RealNodes.dockerName(image)).isEqualTo(containerd);
  }
}
