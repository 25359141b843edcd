package dev.flinkresilience.local.bench;

import static org.assertj.core.api.Assertions.assertThat;

import dev.flinkresilience.local.controlplane.RealControlPlane;
import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * CI's guard of the scale work (issue 14, item 6): the scale benchmark, small. 200 jobs on the real
 * control plane under the operator as its own process (the image's JVM options in the chart's
 * memory limit), a short steady window, the canary spec changes, no node loss; about two minutes.
 * It asserts what must hold at any scale and never a speed: every job deployed and Running, every
 * job given a status, the operator's threads under a bound that does not grow with the number of
 * jobs, and its resident size, at its peak, within the chart's memory limit. The figures it prints
 * are the benchmark's (README "The scale benchmark" has the full runs).
 */
class ScaleGuardTest {
  private static final int JOBS = 200;

  /**
   * The operator's threads, peak over the whole run. The scale benchmark measured 107 to 130 from
   * 100 to 1,000 jobs; a thread per job (or per HTTP answer, as before issue 14's executors) would
   * pass it at 200 jobs.
   */
  private static final int THREAD_BOUND = 200;

  @Test
  @Timeout(value = 8, unit = TimeUnit.MINUTES)
  void twoHundredJobsAllDeployedEachWithAStatusOnBoundedThreads() throws Exception {
    boolean real = RealControlPlane.available();
    if (!real && Boolean.getBoolean("fro.require-real-control-plane")) {
      throw new IllegalStateException("the real control plane is required but not built");
    }
    Assumptions.assumeTrue(real, "needs the real control plane: run local/controlplane/build.sh");
    Path repo = Path.of(System.getProperty("repo.dir", "..")).toAbsolutePath().normalize();
    Path jar = repo.resolve("operator/target/flink-resilience-operator.jar");
    assertThat(jar).as("the operator jar (mvn package -pl operator)").isRegularFile();

    Result r =
        ScaleBenchmark.run(
            JOBS,
            3,
            OperatorJvm.asTheChart(repo, OperatorJvm.chartLimit(repo)),
            new ScaleBenchmark.Phases(Duration.ofSeconds(5), Duration.ofSeconds(20), false),
            System.out);
    r.print(System.out);
    System.out.println(r.json());

    assertThat(r.withStatus).as("jobs with a status").isEqualTo(JOBS);
    assertThat(r.deployed).as("jobs deployed").isEqualTo(JOBS);
    assertThat(r.running).as("jobs Running").isEqualTo(JOBS);
    assertThat(r.threadsPeak).as("the operator's threads, peak").isLessThan(THREAD_BOUND);
    assertThat(r.rssPeakMb * 1024 * 1024)
        .as("the operator's peak RSS against the chart's memory limit (%s)", r.jvm.describe())
        .isLessThanOrEqualTo(r.jvm.limitBytes());
    assertThat(r.canary.count())
        .as("canary spec changes acted on")
        .isEqualTo(ScaleBenchmark.CANARIES);
  }
}
