package dev.flinkresilience.operator.ship;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;

/**
 * No Dockerfile linter in Debian: the image's rules (STYLE.md 17, issue 7) are checked on the
 * Dockerfile's text here. The image itself is built by e2e/build-image.sh: with Docker in the kind
 * workflow, and with buildah on Debian-made base images by local-cluster's OperatorImageTest, which
 * also runs it.
 */
class DockerfileTest {
  private static final Path REPO = Path.of(System.getProperty("repo.dir", ".."));
  private static final String JAR = "operator/target/flink-resilience-operator.jar";

  private final List<String> lines = instructions();

  @Test
  void multiStageBuildWithMavenOnJdk17ThenAJre17Runtime() {
    List<String> froms = lines.stream().filter(l -> l.startsWith("FROM ")).toList();
    assertThat(froms).hasSize(2);
    assertThat(froms.get(0)).endsWith(" AS build");
    String text = String.join("\n", lines);
    assertThat(arg(text, "BUILD_IMAGE")).contains("maven").contains("17");
    assertThat(arg(text, "RUNTIME_IMAGE")).contains("17-jre");
    assertThat(text).doesNotContain(":latest");
  }

  @Test
  void runsTheShadedJarAsANumericNonRootUser() throws IOException {
    String user =
        lines.stream().filter(l -> l.startsWith("USER ")).reduce((a, b) -> b).orElseThrow();
    assertThat(user).matches("USER [1-9][0-9]*(:[1-9][0-9]*)?");
    String entrypoint =
        lines.stream().filter(l -> l.startsWith("ENTRYPOINT ")).reduce((a, b) -> b).orElseThrow();
    assertThat(entrypoint).startsWith("ENTRYPOINT [\"java\", \"-jar\", ");
    String runtimeJar = entrypoint.replaceAll(".*\"(/[^\"]+\\.jar)\".*", "$1");
    assertThat(lines)
        .as("the jar the build stage produces is the one the entrypoint runs")
        .anySatisfy(
            l -> assertThat(l).startsWith("COPY --from=build").contains(JAR).endsWith(runtimeJar));
    assertThat(Files.readString(REPO.resolve("operator/pom.xml")))
        .contains("<finalName>flink-resilience-operator</finalName>");
  }

  @Test
  void readOnlyRootFilesystemFriendly() {
    String text = String.join("\n", lines);
    assertThat(text).contains("-Djava.io.tmpdir=/tmp").contains("-XX:-UsePerfData");
    assertThat(lines).noneSatisfy(l -> assertThat(l).startsWith("VOLUME"));
  }

  /**
   * In a container under 1792 MiB the JVM picks the serial collector by itself; and the heap's
   * share of the limit must leave room for the rest of the process, which the scale benchmark
   * measures by running these very options in the chart's limit (ScaleGuardTest holds the peak RSS
   * to it).
   */
  @Test
  void namesItsCollectorAndSizesTheHeapByTheLimit() {
    String text = String.join("\n", lines);
    assertThat(text).contains("-XX:+UseG1GC").contains("-XX:MaxRAMPercentage=");
    assertThat(text).doesNotContain("-Xmx");
  }

  @Test
  void noVersionWrittenTwice() throws IOException {
    String pom = Files.readString(REPO.resolve("pom.xml"));
    Matcher m = Pattern.compile("<version>([^<]+)</version>").matcher(pom);
    assertThat(m.find()).isTrue();
    String version = m.group(1);
    assertThat(String.join("\n", lines)).doesNotContain(version);
    assertThat(String.join("\n", lines)).contains("ARG VERSION").contains("${VERSION}");
    assertThat(Files.readString(REPO.resolve("e2e/build-image.sh")))
        .contains("help:evaluate -Dexpression=project.version")
        .contains("--build-arg \"VERSION=${version}\"");
  }

  @Test
  void buildsTheOperatorFromItsOwnPom() {
    // With -pl the reactor reads every module the parent lists, and the build context holds only
    // the operator's (issue 15: "Child module /src/sample-job of /src/pom.xml does not exist").
    List<String> maven = lines.stream().filter(l -> l.contains(" mvn ")).toList();
    assertThat(maven).hasSize(2);
    assertThat(maven)
        .allSatisfy(l -> assertThat(l).contains(" -f operator/pom.xml ").doesNotContain(" -pl "));
  }

  @Test
  void buildContextLeavesOutBuildOutput() throws IOException {
    assertThat(Files.readAllLines(REPO.resolve(".dockerignore"))).contains("**/target/", ".git/");
  }

  private static String arg(String text, String name) {
    Matcher m = Pattern.compile("ARG " + name + "=(\\S+)").matcher(text);
    assertThat(m.find()).as("ARG " + name).isTrue();
    return m.group(1);
  }

  /** Instructions with continuation lines joined and comments dropped. */
  private static List<String> instructions() {
    try {
      String joined = Files.readString(REPO.resolve("Dockerfile")).replace("\\\n", " ");
      return joined
          .lines()
          .map(String::strip)
          .filter(l -> !l.isEmpty() && !l.startsWith("#"))
          .toList();
    } catch (IOException e) {
      throw new java.io.UncheckedIOException(e);
    }
  }
}
