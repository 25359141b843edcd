package dev.flinkresilience.local.bench;

import static org.assertj.core.api.Assertions.assertThat;

import dev.flinkresilience.local.controlplane.RealControlPlane;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;

/**
 * SMOKE TEST of the scale benchmark, NOT RUN BY CI (an {@code *IT}, which this module's build does
 * not pick up): five jobs, a 10 s steady window, the canary, no node loss; about a minute. Asserts
 * only that the benchmark completes with every job deployed and given a status, never anything
 * about speed. Run: {@code mvn -o verify -pl local-cluster -Dtest=ScaleBenchmarkSmokeIT
 * -Dsurefire.failIfNoSpecifiedTests=false} after {@code mvn -o install -DskipTests -pl
 * sample-job,operator -am}.
 */
class ScaleBenchmarkSmokeIT {
  @Test
  void fiveJobsAllDeployedWithAStatus() throws Exception {
    Assumptions.assumeTrue(
        RealControlPlane.available(),
        "needs the real control plane: run local/controlplane/build.sh");
    Path repo = Path.of(System.getProperty("repo.dir", "..")).toAbsolutePath().normalize();
    Assumptions.assumeTrue(
        Files.isRegularFile(repo.resolve("operator/target/flink-resilience-operator.jar")),
        "needs the operator jar: mvn package -pl operator");
    Result r =
        ScaleBenchmark.run(
            5,
            2,
            OperatorJvm.asTheChart(repo, OperatorJvm.chartLimit(repo)),
            new ScaleBenchmark.Phases(Duration.ZERO, Duration.ofSeconds(10), false),
            System.out);
    System.out.println(r.json());
    assertThat(r.deployed).as("jobs deployed").isEqualTo(5);
    assertThat(r.withStatus).as("jobs with a status").isEqualTo(5);
    assertThat(r.running).as("jobs Running").isEqualTo(5);
    assertThat(r.canary.count()).isEqualTo(5);
  }
}
