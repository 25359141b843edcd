package dev.flinkresilience.operator.app;

import static org.assertj.core.api.Assertions.assertThat;

import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.client.utils.Serialization;
import java.io.ByteArrayOutputStream;
import java.io.File;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class RenderCommandTest {
  private final ByteArrayOutputStream out = new ByteArrayOutputStream();
  private final ByteArrayOutputStream err = new ByteArrayOutputStream();

  @Test
  void rendersTheSampleInTheRepository() {
    int code = render(new File("../examples/orders.yaml"));

    assertThat(code).as(err.toString()).isZero();
    String text = out.toString(StandardCharsets.UTF_8);
    assertThat(text)
        .contains("execution.checkpointing.dir: s3://bucket/checkpoints")
        .contains(
            "execution.checkpointing.externalized-checkpoint-retention: RETAIN_ON_CANCELLATION")
        .contains("high-availability.type: kubernetes")
        .contains("kubernetes.cluster-id: orders");
    var kinds =
        Arrays.stream(text.split("(?m)^---$"))
            .skip(1)
            .map(doc -> Serialization.unmarshal(doc, HasMetadata.class))
            .map(o -> o.getKind() + "/" + o.getMetadata().getName())
            .toList();
    assertThat(kinds)
        .contains(
            "Deployment/orders",
            "ConfigMap/flink-config-orders",
            "Service/orders-rest",
            "ServiceAccount/orders-flink",
            "Role/orders-flink",
            "RoleBinding/orders-flink");
  }

  @Test
  void anInvalidFileNamesEachFieldAndExitsNonZero(@TempDir Path dir) throws Exception {
    Path bad = dir.resolve("bad.yaml");
    Files.writeString(
        bad,
        Files.readString(Path.of("../examples/orders.yaml"))
            .replace("interval: 30s", "interval: soon")
            .replace(
                "  recovery:",
                "  flinkConfiguration: {state.checkpoints.dir: s3://x}\n  recovery:"));

    int code = render(bad.toFile());

    assertThat(code).isEqualTo(RenderCommand.INVALID);
    assertThat(out.toString()).isEmpty();
    assertThat(err.toString())
        .contains("spec.checkpointing.interval")
        .contains("spec.flinkConfiguration[state.checkpoints.dir]");
  }

  @Test
  void aFileThatIsNoFlinkResilientJobIsAClearError(@TempDir Path dir) throws Exception {
    Path bad = dir.resolve("bad.yaml");
    Files.writeString(bad, "apiVersion: v1\nkind: FlinkResilientJob\nspec: {image: [1, 2]}\n");
    assertThat(render(bad.toFile())).isEqualTo(RenderCommand.INVALID);
    assertThat(err.toString()).contains("not a FlinkResilientJob");
  }

  private int render(File file) {
    return RenderCommand.render(
        file,
        new PrintStream(out, true, StandardCharsets.UTF_8),
        new PrintStream(err, true, StandardCharsets.UTF_8));
  }
}
