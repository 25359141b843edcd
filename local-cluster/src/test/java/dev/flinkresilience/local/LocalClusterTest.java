package dev.flinkresilience.local;

import static org.assertj.core.api.Assertions.assertThat;

import dev.flinkresilience.local.check.OutputCheck;
import dev.flinkresilience.operator.api.v1alpha1.FlinkResilientJob;
import dev.flinkresilience.operator.app.OperatorSettings;
import io.fabric8.kubernetes.api.model.Pod;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * The local cluster tier end to end: the control plane (the real one when built, else the mock
 * fallback), three emulated nodes, and the operator deploying the sample job, whose JobManager and
 * TaskManager run as real Flink processes on loopback pod IPs, until a checkpoint completes and the
 * committed output is whole. Then everything is torn down and no process is left.
 */
class LocalClusterTest {
  private static final Path REPO = Path.of(System.getProperty("repo.dir", "..")).toAbsolutePath();

  @Test
  @Timeout(value = 6, unit = TimeUnit.MINUTES)
  void runsTheSampleJobUnderTheOperatorToACompletedCheckpoint() throws Exception {
    LocalCluster.Settings settings = LocalCluster.Settings.defaults();
    try (LocalCluster cluster = LocalCluster.start(settings);
        LocalOperator operator =
            LocalOperator.start(cluster, REPO, OperatorSettings.allNamespaces())) {
      System.out.println("control plane: " + cluster.controlPlane().describe());
      SampleJob job =
          SampleJob.of("demo", "sequence", cluster.state().resolve("jobs/sequence"))
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
        assertThat(pod.getStatus().getPodIP()).matches("127\\.0\\.\\d+\\.\\d+");
      }

      OutputCheck output = waits.output(job.output(), Duration.ofSeconds(60));
      System.out.println("checkpoint " + checkpoint + ", output " + output);
      assertThat(output.records()).isPositive();
      assertThat(output.lost()).isZero();
      assertThat(output.duplicated()).isZero();
      assertThat(output.stateErrors()).isZero();
    }
    assertThat(Waits.podProcesses(Duration.ofSeconds(20))).isEmpty();
  }
}
