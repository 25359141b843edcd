package dev.flinkresilience.local.storage;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.Test;

class StorageLayoutTest {
  private static final StorageLayout S3 =
      new StorageLayout("flink", Path.of("/run/s3/flink"), Map.of("s3.endpoint", "http://x"));

  @Test
  void onS3AJobsStorageIsUnderJobsInTheBucketAndItsFilesAreTheObjects() {
    Path dir = S3.storageDir(Path.of("/run/jobs/lifecycle-1"));
    assertThat(dir).isEqualTo(Path.of("/run/s3/flink/jobs/lifecycle-1"));
    String uri = S3.uri(dir.resolve("checkpoints"));
    assertThat(uri).isEqualTo("s3://flink/jobs/lifecycle-1/checkpoints");
    assertThat(S3.local(uri + "/abc/chk-3"))
        .isEqualTo(Path.of("/run/s3/flink/jobs/lifecycle-1/checkpoints/abc/chk-3"));
    assertThatThrownBy(() -> S3.local("s3://other/x")).hasMessageContaining("bucket flink");
    assertThatThrownBy(() -> S3.uri(Path.of("/elsewhere"))).hasMessageContaining("bucket");
  }

  @Test
  void onFilesNothingMoves() {
    StorageLayout file = StorageLayout.file();
    Path dir = file.storageDir(Path.of("/run/jobs/a"));
    assertThat(dir).isEqualTo(Path.of("/run/jobs/a"));
    assertThat(file.uri(dir.resolve("ha"))).isEqualTo("file:///run/jobs/a/ha");
    assertThat(file.local("file:/run/jobs/a/savepoints/savepoint-1"))
        .isEqualTo(Path.of("/run/jobs/a/savepoints/savepoint-1"));
    assertThat(file.local("file:///run/x")).isEqualTo(Path.of("/run/x"));
    assertThat(file.flinkConfiguration()).isEmpty();
  }
}
