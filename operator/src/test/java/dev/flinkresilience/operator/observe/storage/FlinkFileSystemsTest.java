package dev.flinkresilience.operator.observe.storage;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The operator's storage settings: what is read from them, and what stops the start. */
class FlinkFileSystemsTest {
  @TempDir Path temp;

  @Test
  void theConfigurationFileTakesNestedAndDottedKeys() throws Exception {
    Path file = temp.resolve("storage.yaml");
    Files.writeString(
        file, "s3:\n  endpoint: http://minio:9000\n  path.style.access: true\ns3.access-key: k\n");

    assertThat(FlinkFileSystems.load(file).toMap())
        .containsEntry("s3.endpoint", "http://minio:9000")
        .containsEntry("s3.path.style.access", "true")
        .containsEntry("s3.access-key", "k")
        .hasSize(3);
  }

  @Test
  void anEmptyFileIsAnEmptyConfiguration() throws Exception {
    Path file = Files.writeString(temp.resolve("empty.yaml"), "");
    assertThat(FlinkFileSystems.load(file).toMap()).isEmpty();
  }

  @Test
  void aMissingPluginsDirectoryOrFileStopsTheStart() {
    assertThatThrownBy(
            () ->
                FlinkFileSystems.initialize(
                    new StorageAccess(Optional.of(temp.resolve("nope")), Optional.empty())))
        .isInstanceOf(IllegalStateException.class)
        .hasMessageContaining("nope");
    assertThatThrownBy(
            () ->
                FlinkFileSystems.initialize(
                    new StorageAccess(Optional.empty(), Optional.of(temp.resolve("none.yaml")))))
        .isInstanceOf(IllegalStateException.class)
        .hasMessageContaining("none.yaml");
  }

  @Test
  void blankFlagsMeanNothingGiven() {
    assertThat(StorageAccess.of("", " ")).isEqualTo(StorageAccess.LOCAL_ONLY);
    assertThat(StorageAccess.of(null, null)).isEqualTo(StorageAccess.LOCAL_ONLY);
    assertThat(StorageAccess.of("/opt/flink/plugins", "").pluginsDir())
        .contains(Path.of("/opt/flink/plugins"));
  }
}
