package dev.flinkresilience.local;

import static org.assertj.core.api.Assertions.assertThat;

import dev.flinkresilience.local.check.OutputCheck;
import dev.flinkresilience.local.controlplane.ControlPlane;
import dev.flinkresilience.local.controlplane.RealControlPlane;
import dev.flinkresilience.operator.api.v1alpha1.FlinkResilientJob;
import dev.flinkresilience.operator.app.OperatorSettings;
import io.fabric8.kubernetes.api.model.Pod;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * The local cluster tier end to end: the control plane (the real one when built, else the mock
 * fallback), three emulated nodes, and the operator deploying the sample job, whose JobManager and
 * TaskManager run as real Flink processes on loopback pod IPs, until a checkpoint completes and the
 * committed output is whole. Then everything is torn down and no process is left.
 */
class LocalClusterTest {
  private static final Path REPO = Path.of(System.getProperty("repo.dir", "..")).toAbsolutePath();

  /**
   * The real control plane when it is built (CI builds it; {@code fro.require-real-control-plane}
   * makes its absence a failure), and always the mock fallback.
   */
  static List<ControlPlane.Kind> controlPlanes() {
    boolean real = RealControlPlane.available();
    if (!real && Boolean.getBoolean("fro.require-real-control-plane")) {
      throw new IllegalStateException(
          "the real control plane is required but not built: run local/controlplane/build.sh");
    }
    System.out.println(
        "real control plane built: " + real + " (" + RealControlPlane.binaries() + ")");
    return real
        ? List.of(ControlPlane.Kind.REAL, ControlPlane.Kind.MOCK)
        : List.of(ControlPlane.Kind.MOCK);
  }

  /**
   * Both HA modes for real: Kubernetes HA on the real API server, ZooKeeper HA on the mock's run.
   */
  private static SampleJob.Ha ha(ControlPlane.Kind kind) {
    return kind == ControlPlane.Kind.REAL ? SampleJob.Ha.KUBERNETES : SampleJob.Ha.ZOOKEEPER;
  }

  @ParameterizedTest
  @MethodSource("controlPlanes")
  @Timeout(value = 6, unit = TimeUnit.MINUTES)
  void runsTheSampleJobUnderTheOperatorToACompletedCheckpoint(ControlPlane.Kind kind)
      throws Exception {
    LocalCluster.Settings settings = LocalCluster.Settings.defaults().withControlPlane(kind);
    try (LocalCluster cluster = LocalCluster.start(settings);
        LocalOperator operator =
            LocalOperator.start(cluster, REPO, OperatorSettings.allNamespaces())) {
      System.out.println("control plane: " + cluster.controlPlane().describe());
      assertThat(cluster.controlPlane().kind()).isEqualTo(kind);
      SampleJob job =
          SampleJob.of("demo", "sequence", cluster.state().resolve("jobs/sequence"))
              .ha(ha(kind), cluster.zookeeperQuorum())
              .checkpointInterval(Duration.ofSeconds(2));
      cluster.ensureNamespace(job.namespace());
      cluster.client().resource(job.resource()).create();

      Waits waits = new Waits(cluster.client(), job.namespace(), job.name());
      FlinkResilientJob running =
          waits.job(
              "RUNNING with a completed checkpoint",
              Duration.ofMinutes(3),
              j ->
                  j.getStatus() != null
                      && "RUNNING".equals(j.getStatus().getJobState())
                      && j.getStatus().getLatestCheckpoint() != null);
      long checkpoint = running.getStatus().getLatestCheckpoint().getId();
      assertThat(checkpoint).isPositive();
      assertThat(running.getStatus().getLatestCheckpoint().getPath()).startsWith("file:");

      List<Pod> pods = waits.pods();
      assertThat(pods).hasSizeGreaterThanOrEqualTo(2); // a JobManager and at least one TaskManager
      for (Pod pod : pods) {
        assertThat(pod.getSpec().getNodeName()).startsWith("node-");
        assertThat(pod.getStatus().getPhase()).isEqualTo("Running");
        // A loopback address in this JVM's block (another JVM's pods have another block).
        assertThat(pod.getStatus().getPodIP())
            .matches("127\\.\\d+\\.\\d+\\.\\d+")
            .startsWith(dev.flinkresilience.local.node.PodAddresses.processPrefix());
      }

      OutputCheck output = waits.output(job.output(), Duration.ofSeconds(60));
      System.out.println("checkpoint " + checkpoint + ", output " + output);
      assertThat(output.records()).isPositive();
      assertThat(output.lost()).isZero();
      assertThat(output.duplicated()).isZero();
      assertThat(output.stateErrors()).isZero();
    }
    assertThat(Waits.podProcesses(Duration.ofSeconds(20))).isEmpty();
    assertThat(Waits.processesUsing(settings.state(), Duration.ofSeconds(20))).isEmpty();
  }
}
