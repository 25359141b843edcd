package dev.flinkresilience.local.bench;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.ByteArrayOutputStream;
import java.io.OutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;

/**
 * SMOKE TEST of the upgrade benchmark, NOT RUN BY CI (an {@code *IT}, which this module's build
 * does not pick up): one savepoint upgrade with Kubernetes HA, once; about two minutes. Asserts
 * only that the benchmark completes and prints a row, read back from its JSON line, with a RUNNING
 * time and no record lost, never anything about speed. Run: {@code mvn -o verify -pl local-cluster
 * -Dtest=UpgradeBenchmarkSmokeIT -Dsurefire.failIfNoSpecifiedTests=false} after {@code mvn -o
 * install -DskipTests -pl sample-job,operator -am}.
 */
class UpgradeBenchmarkSmokeIT {
  @Test
  void oneSavepointUpgradeRunsAgainAndLosesNothing() throws Exception {
    Path repo = Path.of(System.getProperty("repo.dir", "..")).toAbsolutePath().normalize();
    Assumptions.assumeTrue(
        Files.isDirectory(repo.resolve("sample-job/target")),
        "needs the sample job's jar: mvn package -pl sample-job");
    ByteArrayOutputStream printed = new ByteArrayOutputStream();
    PrintStream out = new PrintStream(tee(printed, System.out), true, StandardCharsets.UTF_8);
    UpgradeBenchmark.run(
        UpgradeBenchmark.Options.parse("--ha", "kubernetes", "--modes", "savepoint"), out);

    List<String> lines = printed.toString(StandardCharsets.UTF_8).lines().toList();
    JsonNode json = new ObjectMapper().readTree(lines.get(lines.size() - 1));
    assertThat(json.path("rows")).as("rows").hasSize(1);
    JsonNode row = json.path("rows").get(0);
    assertThat(row.path("error").isNull()).as("error: %s", row.path("error")).isTrue();
    assertThat(row.path("runningSeconds").asDouble()).as("seconds to RUNNING").isPositive();
    assertThat(row.path("recordsLost").asLong()).as("records lost").isZero();
    assertThat(row.path("recordsCommitted").asLong()).as("records committed").isPositive();
  }

  private static OutputStream tee(ByteArrayOutputStream a, PrintStream b) {
    return new OutputStream() {
      @Override
      public void write(int c) {
        a.write(c);
        b.write(c);
      }

      @Override
      public void write(byte[] bytes, int off, int len) {
        a.write(bytes, off, len);
        b.write(bytes, off, len);
      }
    };
  }
}
