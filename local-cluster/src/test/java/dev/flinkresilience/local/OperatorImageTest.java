package dev.flinkresilience.local;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import dev.flinkresilience.local.check.OutputCheck;
import dev.flinkresilience.local.controlplane.ControlPlane;
import dev.flinkresilience.local.image.ContainerOperator;
import dev.flinkresilience.local.image.OperatorImage;
import dev.flinkresilience.operator.api.v1alpha1.FlinkResilientJob;
import io.fabric8.kubernetes.api.model.Pod;
import java.io.IOException;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.Timeout;

/**
 * The operator image as users get it: built from the real Dockerfile without Docker Hub ({@code
 * e2e/build-image.sh --debian}), then run by podman with a read-only root filesystem as user 10001:
 * {@code --help}, {@code render} of the example, and {@code run} as the operator of the local
 * cluster, until the sample job runs with a completed checkpoint.
 *
 * <p>{@code -Dimage.test}: {@code auto} (the default) runs it where the machine can run containers
 * and skips it, saying why, where it cannot; {@code true} makes that a failure; {@code false} skips
 * it. The first build makes the Debian base images (a few minutes, then cached).
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class OperatorImageTest {
  private static final Path REPO = Path.of(System.getProperty("repo.dir", "..")).toAbsolutePath();
  private static final Path OUT =
      REPO.resolve("local-cluster/target/operator-image").toAbsolutePath().normalize();
  private static final String IMAGE = "flink-resilience-operator:local-test";

  private OperatorImage image;
  private String skipped;

  /**
   * Builds the image once for the class, or records why not: each test then reports itself skipped
   * with that reason (an assumption in here would skip the class as "0 tests", reason unseen).
   */
  @BeforeAll
  @Timeout(value = 40, unit = TimeUnit.MINUTES)
  void buildTheImage() throws IOException {
    String mode = System.getProperty("image.test", "auto").strip().toLowerCase(Locale.ROOT);
    if (mode.equals("false")) {
      skipped = "the image test is switched off (-Dimage.test=false)";
      return;
    }
    Files.createDirectories(OUT);
    Optional<String> cannot = OperatorImage.cannotRunContainers(OUT);
    if (cannot.isPresent()) {
      if (mode.equals("true")) {
        throw new IllegalStateException("-Dimage.test=true, but " + cannot.get());
      }
      skipped = "this machine cannot run containers: " + cannot.get();
      System.err.println("OperatorImageTest skipped: " + skipped);
      return;
    }
    long start = System.nanoTime();
    image =
        OperatorImage.build(REPO, IMAGE, OUT.resolve("build-image.log"), Duration.ofMinutes(35));
    System.out.printf(
        "built %s in %d s (steps in %s)%n",
        IMAGE,
        TimeUnit.NANOSECONDS.toSeconds(System.nanoTime() - start),
        OUT.resolve("build-image.log"));
  }

  @BeforeEach
  void unlessSkipped() {
    assumeTrue(skipped == null, () -> "skipped: " + skipped);
  }

  @Test
  @Timeout(value = 2, unit = TimeUnit.MINUTES)
  void helpAndVersionAsNonRootOnAReadOnlyRoot() {
    OperatorImage.Result help =
        image.runOnce(List.of("--help"), List.of(), OUT.resolve("help.log"));
    assertThat(help.exitCode()).as(help.output()).isZero();
    assertThat(help.output())
        .contains("Usage: flink-resilience-operator")
        .contains("run ")
        .contains("render ");

    String version = System.getProperty("project.version");
    OperatorImage.Result printed =
        image.runOnce(List.of("--version"), List.of(), OUT.resolve("version.log"));
    assertThat(printed.exitCode()).as(printed.output()).isZero();
    assertThat(printed.output().lines()).contains(version);
    assertThat(
            image.inspect("{{index .Labels \"org.opencontainers.image.version\"}}", log("label")))
        .isEqualTo(version);
    assertThat(image.inspect("{{.Config.User}}", log("user"))).isEqualTo("10001:10001");
  }

  @Test
  @Timeout(value = 2, unit = TimeUnit.MINUTES)
  void rendersTheExamples() {
    String examples = REPO.resolve("examples") + ":/examples";
    OperatorImage.Result orders =
        image.runOnce(
            List.of("render", "/examples/orders.yaml"), List.of(examples), log("render-orders"));
    assertThat(orders.exitCode()).as(orders.output()).isZero();
    assertThat(orders.output())
        .contains("# FlinkResilientJob streaming/orders")
        .contains("flinkConfiguration:")
        .contains("execution.checkpointing.dir: s3://bucket/checkpoints")
        .contains("kind: ");

    OperatorImage.Result restricted =
        image.runOnce(
            List.of("render", "--pod-security", "restricted", "/examples/orders-restricted.yaml"),
            List.of(examples),
            log("render-orders-restricted"));
    assertThat(restricted.exitCode()).as(restricted.output()).isZero();
    assertThat(restricted.output()).contains("runAsNonRoot: true");
  }

  @Test
  @Timeout(value = 8, unit = TimeUnit.MINUTES)
  void runsAsTheOperatorOfTheLocalClusterUntilTheSampleJobRuns() throws Exception {
    LocalCluster.Settings settings = LocalCluster.Settings.defaults();
    try (LocalCluster cluster = LocalCluster.start(settings)) {
      System.out.println("control plane: " + cluster.controlPlane().describe());
      LocalOperator.installCrd(cluster.client(), REPO);
      // The jobs' checkpoint storage, mounted into the container at its own path: the operator
      // reads it as it would read a bucket.
      Path jobs = Files.createDirectories(cluster.state().resolve("jobs"));
      int healthPort = freePort();
      try (ContainerOperator operator =
          ContainerOperator.start(
              image,
              cluster.kubeconfig(),
              List.of(jobs),
              List.of("--health-port", Integer.toString(healthPort)),
              OUT.resolve("run"))) {
        try {
          awaitReady(operator, healthPort, Duration.ofMinutes(2));

          SampleJob job =
              SampleJob.of("demo", "sequence", jobs.resolve("sequence"))
                  .ha(
                      cluster.controlPlane().kind() == ControlPlane.Kind.REAL
                          ? SampleJob.Ha.KUBERNETES
                          : SampleJob.Ha.ZOOKEEPER,
                      cluster.zookeeperQuorum())
                  .checkpointInterval(Duration.ofSeconds(2));
          cluster.ensureNamespace(job.namespace());
          cluster.client().resource(job.resource()).create();

          Waits waits = new Waits(cluster.client(), job.namespace(), job.name());
          FlinkResilientJob running =
              waits.job(
                  "RUNNING with a completed checkpoint",
                  Duration.ofMinutes(4),
                  j ->
                      j.getStatus() != null
                          && "RUNNING".equals(j.getStatus().getJobState())
                          && j.getStatus().getLatestCheckpoint() != null);
          assertThat(running.getStatus().getLatestCheckpoint().getId()).isPositive();
          List<Pod> pods = waits.pods();
          assertThat(pods).hasSizeGreaterThanOrEqualTo(2);
          assertThat(pods)
              .allSatisfy(p -> assertThat(p.getStatus().getPhase()).isEqualTo("Running"));

          OutputCheck output = waits.output(job.output(), Duration.ofSeconds(60));
          System.out.println("output " + output);
          assertThat(output.records()).isPositive();
          assertThat(output.lost()).isZero();
          assertThat(output.duplicated()).isZero();
          assertThat(operator.running()).as("the operator's container still runs").isTrue();
        } catch (AssertionError | RuntimeException e) {
          throw new AssertionError(
              e.getMessage() + "\n--- operator (container) log:\n" + tail(operator.logs(), 80), e);
        }
      }
    }
    assertThat(Waits.podProcesses(Duration.ofSeconds(20))).isEmpty();
    assertThat(Waits.processesUsing(settings.state(), Duration.ofSeconds(20))).isEmpty();
  }

  /** Until the operator's own /readyz, served from the container on the host's network, says so. */
  private static void awaitReady(ContainerOperator operator, int port, Duration timeout)
      throws InterruptedException {
    HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(2)).build();
    HttpRequest readyz =
        HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + "/readyz"))
            .timeout(Duration.ofSeconds(5))
            .build();
    long deadline = System.nanoTime() + timeout.toNanos();
    String last = "no answer";
    while (System.nanoTime() < deadline) {
      if (!operator.running()) {
        throw new AssertionError("the operator's container exited");
      }
      try {
        HttpResponse<String> r = http.send(readyz, HttpResponse.BodyHandlers.ofString());
        if (r.statusCode() == 200) {
          return;
        }
        last = r.statusCode() + " " + r.body();
      } catch (IOException e) {
        last = e.toString();
      }
      Thread.sleep(500);
    }
    throw new AssertionError("not ready within " + timeout + ": " + last);
  }

  private static int freePort() throws IOException {
    try (ServerSocket socket = new ServerSocket(0)) {
      return socket.getLocalPort();
    }
  }

  private static Path log(String name) {
    return OUT.resolve(name + ".log");
  }

  private static String tail(String text, int lines) {
    List<String> all = text.lines().toList();
    return String.join("\n", all.subList(Math.max(0, all.size() - lines), all.size()));
  }
}
