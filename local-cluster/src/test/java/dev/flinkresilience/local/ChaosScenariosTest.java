package dev.flinkresilience.local;

import static org.assertj.core.api.Assertions.assertThat;

import dev.flinkresilience.local.chaos.ScenarioRun;
import dev.flinkresilience.local.node.Kubelet;
import dev.flinkresilience.operator.api.v1alpha1.FlinkResilientJob;
import dev.flinkresilience.operator.api.v1alpha1.Incident;
import dev.flinkresilience.operator.app.OperatorSettings;
import io.fabric8.kubernetes.api.model.Pod;
import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.TimeUnit;
import java.util.function.BiConsumer;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.Timeout;

/**
 * Failure scenarios of DESIGN.md §5 on the local cluster (issue 6), one cluster and one operator
 * for all, a fresh job in its own namespace for each: the failure is injected once the job has
 * checkpointed, and each run checks the incident the operator recorded, that the restored
 * checkpoint is never below the latest completed before the failure, and that the exactly-once
 * output lost and doubled nothing and kept its keyed state.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class ChaosScenariosTest {
  private static final Path REPO = Path.of(System.getProperty("repo.dir", "..")).toAbsolutePath();
  private LocalCluster cluster;
  private LocalOperator operator;
  private int jobs;

  @BeforeAll
  void start() {
    // The real control plane when built (fro.control-plane=auto), else the mock fallback.
    cluster = LocalCluster.start(LocalCluster.Settings.defaults());
    operator = LocalOperator.start(cluster, REPO, OperatorSettings.allNamespaces());
    System.out.println("chaos on: " + cluster.controlPlane().describe());
  }

  @AfterAll
  void stop() {
    if (operator != null) {
      operator.close();
    }
    if (cluster != null) {
      cluster.close();
    }
  }

  @Test
  @Timeout(value = 5, unit = TimeUnit.MINUTES)
  void killTheJobManagerProcessWithKubernetesHa() throws Exception {
    ScenarioRun.Result r =
        scenario(
            "kill-jobmanager-process",
            SampleJob.Ha.KUBERNETES,
            (run, c) -> {
              Pod jm = run.jobManagerPod();
              c.killPodProcess(jm.getMetadata().getNamespace(), jm.getMetadata().getName());
            });
    assertThat(r.detectionSeconds()).as("pod loss detected in under a second").isLessThan(1.0);
  }

  @Test
  @Timeout(value = 5, unit = TimeUnit.MINUTES)
  void deleteTheJobManagerPodWithoutHa() throws Exception {
    scenario(
        "delete-jobmanager-pod",
        SampleJob.Ha.NONE,
        (run, c) -> {
          Pod jm = run.jobManagerPod();
          c.deletePod(jm.getMetadata().getNamespace(), jm.getMetadata().getName());
        });
  }

  @Test
  @Timeout(value = 5, unit = TimeUnit.MINUTES)
  void killTheNodeOfTheJobManagerWithZooKeeperHa() throws Exception {
    ScenarioRun.Result r =
        scenario(
            "kill-jobmanager-node",
            SampleJob.Ha.ZOOKEEPER,
            (run, c) -> c.killNode(run.jobManagerPod().getSpec().getNodeName()));
    // nodeLostAfter (20 s) + 2 s, counted from the kill: the Lease may be up to 10 s old already.
    assertThat(r.detectionSeconds()).isLessThan(22.0);
    assertThat(r.recoverySeconds()).as("RUNNING again within 60 s").isLessThan(60.0);
  }

  @Test
  @Timeout(value = 5, unit = TimeUnit.MINUTES)
  void killATaskManagerProcessWithoutHa() throws Exception {
    ScenarioRun.Result r =
        scenario(
            "kill-taskmanager-process",
            SampleJob.Ha.NONE,
            (run, c) -> {
              Pod tm = run.taskManagerPod();
              c.killPodProcess(tm.getMetadata().getNamespace(), tm.getMetadata().getName());
            });
    assertThat(r.detectionSeconds()).as("pod loss detected in under a second").isLessThan(1.0);
  }

  private ScenarioRun.Result scenario(
      String name, SampleJob.Ha ha, BiConsumer<ScenarioRun, LocalCluster> failure)
      throws InterruptedException {
    return scenario(name, ha, failure, (run, r) -> {});
  }

  private ScenarioRun.Result scenario(
      String name,
      SampleJob.Ha ha,
      BiConsumer<ScenarioRun, LocalCluster> failure,
      BiConsumer<ScenarioRun, ScenarioRun.Result> check)
      throws InterruptedException {
    String namespace = "chaos-" + (++jobs);
    SampleJob job =
        SampleJob.of(namespace, "sequence", cluster.state().resolve("jobs/" + namespace))
            .ha(ha, cluster.zookeeperQuorum())
            .checkpointInterval(Duration.ofSeconds(2));
    ScenarioRun run = new ScenarioRun(cluster, job, line -> System.out.println(name + " " + line));
    try {
      run.deployAndAwaitCheckpoints(2, Duration.ofMinutes(3));
      long before = run.inject(name, () -> failure.accept(run, cluster));
      ScenarioRun.Result r = run.awaitRecovery(name, before, Duration.ofMinutes(3));
      System.out.println(r.json());
      assertThat(r.outcome()).isEqualTo("Recovered");
      assertThat(r.restoredCheckpointId())
          .as("restored checkpoint vs the latest before the failure")
          .isGreaterThanOrEqualTo(before);
      assertThat(r.recordsLost()).isZero();
      assertThat(r.recordsDuplicated()).isZero();
      assertThat(r.stateErrors()).isZero();
      assertThat(r.recordsCommitted()).isPositive();
      FlinkResilientJob last = run.get();
      Incident incident = last.getStatus().getRecovery().getHistory().get(0);
      assertThat(incident.getDetectionSeconds()).isNotNull();
      assertThat(incident.getRecoverySeconds()).isNotNull();
      check.accept(run, r);
      return r;
    } finally {
      cluster
          .client()
          .resources(FlinkResilientJob.class)
          .inNamespace(namespace)
          .withName("sequence")
          .delete();
      // A node killed by the scenario boots again, so the next scenario has three nodes.
      for (String node : cluster.nodeNames()) {
        if (cluster.health(node) != Kubelet.Health.RUNNING) {
          cluster.reviveNode(node);
        }
      }
      awaitGone(namespace);
    }
  }

  /**
   * The job's pods gone (the finalizer tears the cluster down), so the next scenario has the CPU.
   */
  private void awaitGone(String namespace) throws InterruptedException {
    long deadline = System.nanoTime() + Duration.ofSeconds(60).toNanos();
    while (System.nanoTime() < deadline
        && !cluster.client().pods().inNamespace(namespace).list().getItems().isEmpty()) {
      Thread.sleep(250);
    }
  }
}
