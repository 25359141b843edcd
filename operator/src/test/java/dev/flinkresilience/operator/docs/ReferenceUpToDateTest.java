package dev.flinkresilience.operator.docs;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;

/**
 * docs/reference.md is exactly what {@link ReferenceGenerator} makes of the committed CRD. With
 * {@code -Dreference.update=true} the test writes the file instead (see {@link
 * ReferenceGenerator#COMMAND}).
 */
class ReferenceUpToDateTest {
  private static final Path REPO = Path.of(System.getProperty("repo.dir", ".."));
  private static final Path CRD =
      Path.of(System.getProperty("crds.dir", "../crds"))
          .resolve("flinkresilientjobs.flinkresilience.dev-v1.yml");
  private static final Path REFERENCE = REPO.resolve("docs/reference.md");

  @Test
  void committedReferenceMatchesTheCrd() throws IOException {
    String generated = ReferenceGenerator.generate(CRD);
    if (Boolean.getBoolean("reference.update")) {
      Files.writeString(REFERENCE, generated, StandardCharsets.UTF_8);
    }
    String stale =
        "docs/reference.md is stale: run `" + ReferenceGenerator.COMMAND + "` and commit it";
    assertThat(REFERENCE).as(stale).exists();
    assertThat(Files.readString(REFERENCE)).as(stale).isEqualTo(generated);
  }

  @Test
  void generationIsDeterministic() throws IOException {
    assertThat(ReferenceGenerator.generate(CRD)).isEqualTo(ReferenceGenerator.generate(CRD));
  }

  @Test
  void everyLevelHasATableAndDefaultsComeFromTheDescriptions() throws IOException {
    String md = ReferenceGenerator.generate(CRD);
    assertThat(md)
        .contains("\n## spec\n", "\n## spec.job\n", "\n## status\n", "\n## status.recovery\n")
        .contains("\n## status.recovery.current\n")
        .doesNotContain("\n## status.deployedSpec\n", "\n## status.recovery.history[]\n");
    assertThat(md)
        .contains("| `spec.job.jarURI` | string |  |  | yes |")
        .contains("| `spec.checkpointing.interval` | duration | 30s |")
        .contains(
            "| `spec.checkpointing.mode` | string | exactly-once | `at-least-once`, `exactly-once` |")
        .contains("| `spec.recovery.releasePodsOnLostNode` | string | whenFenced |")
        .contains("| `spec.recovery.checkpointStallAfter` | duration | 0 |");
  }
}
