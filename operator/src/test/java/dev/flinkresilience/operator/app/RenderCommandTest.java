package dev.flinkresilience.operator.app;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.core.type.TypeReference;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import dev.flinkresilience.operator.api.v1alpha1.FlinkResilientJob;
import dev.flinkresilience.operator.model.RunOnce;
import dev.flinkresilience.operator.validate.PodSecurityLevel;
import dev.flinkresilience.operator.validate.SpecValidator;
import dev.flinkresilience.operator.validate.TenantPolicy;
import io.fabric8.kubernetes.api.model.ConfigMap;
import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.apps.Deployment;
import io.fabric8.kubernetes.client.utils.Serialization;
import java.io.ByteArrayOutputStream;
import java.io.File;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.function.Predicate;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import picocli.CommandLine;

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

  @Test
  void theSampleIsRefusedUnderRestrictedNamingWhatItsPodsLack() {
    int code = render(new File("../examples/orders.yaml"), PodSecurityLevel.RESTRICTED);

    assertThat(code).isEqualTo(RenderCommand.INVALID);
    assertThat(out.toString()).isEmpty();
    assertThat(err.toString(StandardCharsets.UTF_8))
        .contains("spec.jobManager.podTemplate: is required under pod security level restricted")
        .contains("spec.taskManager.podTemplate: is required under pod security level restricted")
        .contains("flink-main-container")
        .contains("allowPrivilegeEscalation: false")
        .contains("capabilities: {drop: [ALL]}")
        .contains("runAsNonRoot: true")
        .contains("seccompProfile: {type: RuntimeDefault}");
  }

  /**
   * The restricted sample renders, and what the operator and Flink's decorators add to its pods
   * (volumes, the run-once wrapper without HA) keeps them restricted: the rendered JobManager pod
   * and TaskManager template pass the same rules as the user's templates.
   */
  @ParameterizedTest
  @ValueSource(strings = {"kubernetes", "none"})
  void theRestrictedSampleRendersPodsThatStayRestricted(String ha, @TempDir Path dir)
      throws Exception {
    Path file = dir.resolve("orders-restricted.yaml");
    Files.writeString(
        file,
        Files.readString(Path.of("../examples/orders-restricted.yaml"))
            .replace(
                "type: kubernetes\n    storageDir: s3://bucket/ha",
                ha.equals("none")
                    ? "type: none"
                    : "type: kubernetes\n    storageDir: s3://bucket/ha"));

    int code = render(file.toFile(), PodSecurityLevel.RESTRICTED);

    assertThat(code).as(err.toString()).isZero();
    var objects =
        Arrays.stream(out.toString(StandardCharsets.UTF_8).split("(?m)^---$"))
            .skip(1)
            .map(doc -> Serialization.unmarshal(doc, HasMetadata.class))
            .toList();
    Deployment jm = find(objects, Deployment.class, d -> true);
    if (ha.equals("none")) {
      assertThat(jm.getSpec().getTemplate().getSpec().getContainers().get(0).getCommand())
          .as("the run-once wrapper is there")
          .contains(RunOnce.SCRIPT);
    }
    ConfigMap templates =
        find(
            objects,
            ConfigMap.class,
            c -> c.getData() != null && c.getData().containsKey("taskmanager-pod-template.yaml"));
    FlinkResilientJob rendered = yaml().readValue(file.toFile(), FlinkResilientJob.class);
    rendered.getSpec().getJobManager().setPodTemplate(asMap(jm.getSpec().getTemplate()));
    rendered
        .getSpec()
        .getTaskManager()
        .setPodTemplate(
            yaml()
                .readValue(
                    templates.getData().get("taskmanager-pod-template.yaml"),
                    new TypeReference<Map<String, Object>>() {}));

    assertThat(
            SpecValidator.validate(
                rendered, TenantPolicy.DEFAULT.withPodSecurity(PodSecurityLevel.RESTRICTED)))
        .isEmpty();
  }

  @Test
  void podSecurityIsAnOption() {
    var command = new RenderCommand();
    new CommandLine(command).parseArgs("--pod-security", "Restricted", "x.yaml");
    assertThat(command.podSecurity).isEqualTo(PodSecurityLevel.RESTRICTED);
    new CommandLine(command).parseArgs("x.yaml");
    assertThat(command.podSecurity).isEqualTo(PodSecurityLevel.BASELINE);
  }

  private static <T> T find(List<HasMetadata> objects, Class<T> type, Predicate<T> which) {
    return objects.stream()
        .filter(type::isInstance)
        .map(type::cast)
        .filter(which)
        .findFirst()
        .orElseThrow(() -> new AssertionError("no " + type.getSimpleName() + " rendered"));
  }

  private static Map<String, Object> asMap(Object value) {
    return new ObjectMapper().convertValue(value, new TypeReference<Map<String, Object>>() {});
  }

  private static ObjectMapper yaml() {
    return new ObjectMapper(new YAMLFactory());
  }

  private int render(File file) {
    return render(file, PodSecurityLevel.BASELINE);
  }

  private int render(File file, PodSecurityLevel level) {
    return RenderCommand.render(
        file,
        TenantPolicy.DEFAULT.withPodSecurity(level),
        new PrintStream(out, true, StandardCharsets.UTF_8),
        new PrintStream(err, true, StandardCharsets.UTF_8));
  }
}
