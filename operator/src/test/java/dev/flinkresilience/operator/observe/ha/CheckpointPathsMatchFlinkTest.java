package dev.flinkresilience.operator.observe.ha;

import static org.assertj.core.api.Assertions.assertThat;

import dev.flinkresilience.operator.decide.CheckpointPaths;
import org.apache.flink.core.fs.Path;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * The path the operator derives from an HA checkpoint id is spelled exactly as Flink's {@code Path}
 * spells the checkpoint directory, which is what REST reports as {@code external_path}.
 */
class CheckpointPathsMatchFlinkTest {
  private static final String JOB = "00000000000000000000000000000042";

  @ParameterizedTest
  @ValueSource(
      strings = {
        "s3://bucket/checkpoints",
        "s3://bucket/checkpoints/",
        "s3://bucket//deep//checkpoints",
        "gs://bucket",
        "hdfs://namenode:8020/flink/checkpoints",
        "file:///data/checkpoints",
        "file:/data/checkpoints/",
        "/data/checkpoints"
      })
  void derivedPathIsFlinksSpelling(String directory) {
    String flink = new Path(new Path(new Path(directory), JOB), "chk-7").toString();
    assertThat(CheckpointPaths.of(directory, JOB, 7)).isEqualTo(flink);
  }
}
