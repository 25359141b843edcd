package dev.flinkresilience.operator.ship;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import com.fasterxml.jackson.dataformat.yaml.YAMLMapper;
import dev.flinkresilience.operator.api.v1alpha1.FlinkResilientJob;
import dev.flinkresilience.operator.model.DesiredState;
import io.fabric8.kubernetes.client.utils.Serialization;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

/**
 * The kind e2e test cannot run here (no Docker), so the normal build checks what it can: the
 * scripts with shellcheck (when installed; .ci/run installs it), the workflow's shape, and the
 * manifests: they parse, and the sample job passes the operator's own validation.
 */
class E2eFilesTest {
  private static final Path REPO = Path.of(System.getProperty("repo.dir", ".."));
  private static final Path E2E = REPO.resolve("e2e");

  /** The local control plane's scripts (issue 5) are held to the same rules. */
  private static final Path LOCAL_CONTROL_PLANE = REPO.resolve("local/controlplane");

  /**
   * The real nodes' scripts (issue 16) too; the Flink image's own scripts under {@code
   * flink-image/} run in containers, as Flink's do, and are only shellchecked.
   */
  private static final Path REAL_NODES = REPO.resolve("local/realnode");

  private static final YAMLMapper YAML = new YAMLMapper();

  @Test
  void scriptsPassShellcheck() throws Exception {
    assumeTrue(onPath("shellcheck"), "shellcheck not installed (apt-get install shellcheck)");
    List<String> cmd = new ArrayList<>(List.of("shellcheck", "-x", "--severity=style"));
    cmd.addAll(scripts().stream().map(p -> REPO.relativize(p).toString()).toList());
    try (Stream<Path> files = Files.walk(REAL_NODES)) {
      files
          .filter(p -> p.toString().endsWith(".sh"))
          .sorted()
          .forEach(p -> cmd.add(REPO.relativize(p).toString()));
    }
    Process p = new ProcessBuilder(cmd).directory(REPO.toFile()).redirectErrorStream(true).start();
    String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    assertThat(p.waitFor(60, TimeUnit.SECONDS)).isTrue();
    assertThat(p.exitValue()).as(out).isZero();
  }

  @Test
  void scriptsAreStrictAndExecutable() throws IOException {
    assertThat(scripts()).extracting(p -> p.getFileName().toString()).contains("run.sh");
    for (Path script : scripts()) {
      String text = Files.readString(script);
      assertThat(text).as(script.toString()).startsWith("#!/usr/bin/env bash\n");
      if (!script.getFileName().toString().equals("lib.sh")) {
        assertThat(text).as(script + ": strict mode").contains("\nset -euo pipefail\n");
        assertThat(Files.isExecutable(script)).as(script + " executable").isTrue();
      }
      assertThat(text)
          .as(script + ": assert on status and events, not logs")
          .doesNotContain("kubectl logs");
    }
  }

  @Test
  void realNodeScriptsAreStrictAndExecutable() throws IOException {
    List<Path> scripts;
    try (Stream<Path> files = Files.list(REAL_NODES)) {
      scripts = files.filter(p -> p.toString().endsWith(".sh")).sorted().toList();
    }
    assertThat(scripts)
        .extracting(p -> p.getFileName().toString())
        .contains("start-node.sh", "stop-node.sh", "flink-image.sh");
    for (Path script : scripts) {
      String text = Files.readString(script);
      assertThat(text).as(script.toString()).startsWith("#!/usr/bin/env bash\n");
      assertThat(text).as(script + ": strict mode").contains("\nset -euo pipefail\n");
      assertThat(Files.isExecutable(script)).as(script + " executable").isTrue();
    }
  }

  @Test
  void workflowCreatesTheClusterAndRunsTheTest() throws IOException {
    JsonNode wf = YAML.readTree(REPO.resolve(".github/workflows/e2e-kind.yml").toFile());
    assertThat(wf.path("name").asText()).isEqualTo("e2e-kind");
    assertThat(wf.has("on")).as("triggers").isTrue();
    JsonNode jobs = wf.path("jobs");
    assertThat(jobs.size()).isPositive();
    List<String> runs = new ArrayList<>();
    List<String> uses = new ArrayList<>();
    jobs.forEach(
        job -> {
          assertThat(job.path("runs-on").asText()).startsWith("ubuntu");
          assertThat(job.path("timeout-minutes").asInt()).isPositive();
          job.path("steps")
              .forEach(
                  s -> {
                    if (s.has("run")) {
                      runs.add(s.path("run").asText());
                    }
                    if (s.has("uses")) {
                      uses.add(s.path("uses").asText());
                    }
                  });
        });
    assertThat(runs).contains("e2e/run.sh", "shellcheck -x e2e/*.sh");
    assertThat(uses).allSatisfy(u -> assertThat(u).as("pinned action").contains("@"));
    assertThat(uses).anySatisfy(u -> assertThat(u).startsWith("helm/kind-action@"));
  }

  @Test
  void kindClusterHasThreeNodes() throws IOException {
    JsonNode kind = YAML.readTree(E2E.resolve("kind-config.yaml").toFile());
    assertThat(kind.path("nodes")).hasSize(3);
    assertThat(kind.path("nodes").get(0).path("role").asText()).isEqualTo("control-plane");
  }

  @Test
  void manifestsAreKubernetesObjects() throws IOException {
    for (Path file :
        List.of(
            E2E.resolve("minio.yaml"),
            E2E.resolve("statemachine.yaml"),
            RenderedChart.chartDir().resolve("argocd/application.yaml"))) {
      List<JsonNode> docs = documents(file);
      assertThat(docs).as(file.toString()).isNotEmpty();
      for (JsonNode d : docs) {
        assertThat(d.path("apiVersion").asText()).as(file + " apiVersion").isNotBlank();
        assertThat(d.path("kind").asText()).as(file + " kind").isNotBlank();
        assertThat(d.at("/metadata/name").asText()).as(file + " name").isNotBlank();
      }
    }
  }

  @Test
  void sampleJobIsValidForTheOperatorAndUsesFlinksExampleJar() throws IOException {
    var job =
        Serialization.unmarshal(
            Files.readString(E2E.resolve("statemachine.yaml")), FlinkResilientJob.class);
    var checked = DesiredState.check(job);
    assertThat(checked.violations()).isEmpty();
    assertThat(job.getSpec().getJob().getJarURI())
        .isEqualTo("local:///opt/flink/examples/streaming/StateMachineExample.jar");
    assertThat(job.getSpec().getCheckpointing().getDirectory()).startsWith("s3://");
    assertThat(job.getSpec().getHighAvailability().getStorageDir()).startsWith("s3://");
  }

  private static List<JsonNode> documents(Path file) throws IOException {
    List<JsonNode> out = new ArrayList<>();
    try (var parser = new YAMLFactory().createParser(file.toFile())) {
      YAML.readValues(parser, JsonNode.class).forEachRemaining(out::add);
    }
    return out;
  }

  private static List<Path> scripts() throws IOException {
    List<Path> out = new ArrayList<>();
    for (Path dir : List.of(E2E, LOCAL_CONTROL_PLANE)) {
      try (Stream<Path> files = Files.list(dir)) {
        files.filter(p -> p.toString().endsWith(".sh")).sorted().forEach(out::add);
      }
    }
    return out;
  }

  private static boolean onPath(String tool) {
    return Stream.of(System.getenv().getOrDefault("PATH", "").split(":"))
        .anyMatch(dir -> Files.isExecutable(Path.of(dir, tool)));
  }
}
