package dev.flinkresilience.operator;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * The pure packages stay pure: no Kubernetes client, no JOSDK, no network, no Flink runtime, no
 * clock. (The CRD classes of api.v1alpha1 are plain data and allowed.)
 */
class ArchitectureTest {
  private static final Path SOURCES = Path.of("src/main/java/dev/flinkresilience/operator");
  private static final List<String> FORBIDDEN =
      List.of(
          "import io.fabric8.kubernetes.client.",
          "import io.javaoperatorsdk.",
          // java.net.URI is parsing, not I/O; connections and HTTP are.
          "import java.net.http.",
          "import java.net.URL;",
          "import java.net.Socket",
          "HttpURLConnection",
          "import org.apache.flink.",
          "import org.apache.curator.",
          "import java.time.Clock",
          "Instant.now(",
          "System.currentTimeMillis(");

  @ParameterizedTest
  @ValueSource(strings = {"decide", "report", "validate", "spec"})
  void purePackagesDoNoIo(String pkg) throws IOException {
    try (Stream<Path> files = Files.walk(SOURCES.resolve(pkg))) {
      var offenders =
          files
              .filter(p -> p.toString().endsWith(".java"))
              .flatMap(
                  p ->
                      lines(p).stream()
                          .filter(l -> FORBIDDEN.stream().anyMatch(l::contains))
                          .map(l -> p.getFileName() + ": " + l.trim()))
              .toList();
      assertThat(offenders).as("I/O or clock in pure package " + pkg).isEmpty();
    }
  }

  private static List<String> lines(Path p) {
    try {
      return Files.readAllLines(p);
    } catch (IOException e) {
      throw new java.io.UncheckedIOException(e);
    }
  }
}
