package dev.flinkresilience.operator.reconcile;

import static org.assertj.core.api.Assertions.assertThat;

import dev.flinkresilience.operator.api.v1alpha1.FlinkResilientJob;
import dev.flinkresilience.operator.api.v1alpha1.FlinkResilientJobSpec;
import dev.flinkresilience.operator.api.v1alpha1.HighAvailabilityType;
import dev.flinkresilience.operator.api.v1alpha1.Incident;
import dev.flinkresilience.operator.api.v1alpha1.Phase;
import dev.flinkresilience.operator.app.OperatorSettings;
import dev.flinkresilience.operator.observe.ha.KubernetesHaLayout;
import dev.flinkresilience.operator.testing.FakeFlinkRest;
import dev.flinkresilience.operator.testing.FakeFlinkRest.Checkpoint;
import dev.flinkresilience.operator.testing.FakeFlinkRest.Failure;
import dev.flinkresilience.operator.testing.Jobs;
import dev.flinkresilience.operator.testing.Kubelet;
import dev.flinkresilience.operator.testing.OperatorHarness;
import io.fabric8.kubernetes.api.model.ConfigMapBuilder;
import io.fabric8.kubernetes.api.model.ContainerStatusBuilder;
import io.fabric8.kubernetes.api.model.Event;
import io.fabric8.kubernetes.api.model.apps.Deployment;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.Watch;
import io.fabric8.kubernetes.client.Watcher;
import io.fabric8.kubernetes.client.WatcherException;
import io.fabric8.kubernetes.client.server.mock.EnableKubernetesMockClient;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * Issue 17 item 7, found by the node-loss benchmark's baseline (node detection off): the
 * JobManager's node dies, and minutes later Kubernetes evicts the JobManager pod. The eviction is a
 * graceful delete that only the dead kubelet could complete, so the old pod stays, Terminating and
 * still Ready, while its ReplicaSet's replacement runs on a live node and Flink HA recovers the job
 * there. The operator must see that recovery through the replacement, close the incident without
 * tearing anything down, and never wait on the pod that nothing removes.
 */
@EnableKubernetesMockClient(crud = true)
@Timeout(value = 60, unit = TimeUnit.SECONDS)
class EvictedJobManagerApiTest {
  private static final String NS = "streaming";
  private static final String NAME = "orders";
  private static final String CHECKPOINTS = "s3://bucket/checkpoints";
  private static final String JM = "orders-jm-1";
  private static final String JM2 = "orders-jm-2";
  private static final String TM = "orders-taskmanager-1-1";

  /**
   * Holds an evicted pod on the mock API server, which has no kubelet to confirm a deletion: the
   * part a dead node's kubelet plays.
   */
  private static final String DEAD_KUBELET = "test.flinkresilience.dev/dead-kubelet";

  private static final Duration HA_RECOVERY_TIMEOUT = Duration.ofSeconds(5);

  KubernetesClient client;
  private OperatorHarness operator;
  private Kubelet kubelet;
  private FakeFlinkRest oldJobManager;
  private FakeFlinkRest newJobManager;
  private Watch deploymentWatch;
  private final List<String> deploymentsDeleted = new CopyOnWriteArrayList<>();
  private String jobId;

  @BeforeEach
  void start() {
    operator =
        OperatorHarness.start(
            client,
            OperatorSettings.allNamespaces()
                .withNodeDetection(false)
                .withPolling(new PollPacing(Duration.ofMillis(200), Duration.ofMillis(100))));
    kubelet = new Kubelet(client, NS, 200);
    kubelet.registerNode("node-a");
    kubelet.registerNode("node-b");
    deploymentWatch =
        client
            .apps()
            .deployments()
            .inNamespace(NS)
            .watch(
                new Watcher<Deployment>() {
                  @Override
                  public void eventReceived(Action action, Deployment d) {
                    if (action == Action.DELETED) {
                      deploymentsDeleted.add(d.getMetadata().getName());
                    }
                  }

                  @Override
                  public void onClose(WatcherException cause) {}
                });
  }

  @AfterEach
  void stop() {
    deploymentWatch.close();
    operator.close();
    kubelet.close();
    if (oldJobManager != null) {
      oldJobManager.close();
    }
    if (newJobManager != null) {
      newJobManager.close();
    }
  }

  @Test
  void evictedJobManagerOfADeadNodeIsRecoveredByHaWithoutTeardown() {
    deployRunning();

    // node-a dies: its Lease stops, its kubelet does nothing more, and its processes are frozen,
    // so calls to the old JobManager hang until the client's timeout (as on the benchmark's node).
    kubelet.stopRenewing("node-a");
    kubelet.markNotReady("node-a");
    oldJobManager.fail(Failure.HANG);
    operator.awaitJob(
        NS,
        NAME,
        "polls of the frozen JobManager failing",
        j -> j.getStatus().getObservation() != null);

    // Kubernetes evicts the JobManager: a graceful delete the dead kubelet never completes. The pod
    // stays, Terminating and still reading Ready; the ReplicaSet's replacement runs on node-b, and
    // Flink HA recovers the job there from checkpoint 12 and goes on checkpointing.
    evict(JM);
    Incident open = awaitIncident("JobManagerLost", "Verify");
    assertThat(open.getTargetCheckpointId()).isEqualTo(12L);
    newJobManager =
        FakeFlinkRest.start(jobId).restarts(0).restored(checkpoint(12)).jobState("RUNNING");
    newJobManager.latestCompleted(checkpoint(13));
    kubelet.runJobManager(NAME, JM2, "node-b", newJobManager.port());
    haStore(12, 13);

    Incident done = awaitClosed();
    assertThat(done.getReason()).isEqualTo("JobManagerLost");
    assertThat(done.getAction()).as("verified, never escalated").isEqualTo("Verify");
    assertThat(done.getRestoredCheckpointId()).isEqualTo(12L);

    // Past haRecoveryTimeout from the detection, with the old pod still Terminating on the dead
    // node: nothing escalates, nothing is torn down or redeployed.
    newJobManager.latestCompleted(checkpoint(14));
    sleep(HA_RECOVERY_TIMEOUT.toMillis() + 2000);
    assertThat(recoveryReasons()).containsExactly("JobManagerLost", "Recovered");
    assertThat(deploymentsDeleted).as("the JobManager Deployment is never deleted").isEmpty();
    var status = status();
    assertThat(status.getRecovery().getCurrent()).as(operator.describe(NS, NAME)).isNull();
    assertThat(status.getPhase()).isEqualTo(Phase.RUNNING);
    assertThat(status.getLatestCheckpoint().getId()).isEqualTo(14L);
    assertThat(status.getDeployment().getJobManagerPod()).isEqualTo(JM2);
  }

  /**
   * The order that broke the benchmark's baseline (one run of two): the TaskManagers, cut off from
   * their frozen JobManager, give up registering (taskmanager.registration.timeout, 5 min) just
   * before the eviction (300 s toleration after NotReady), so a TaskManagerLost incident is open
   * when the JobManager pod starts terminating. That incident closes once the replacement
   * JobManager has restored checkpoint 12 and completed 13. The old pod, stuck Terminating, must
   * not then open a JobManagerLost of its own: recorded after 13, its verification would wait for a
   * restore of 13 or later that can never come, escalate after haRecoveryTimeout and tear the
   * recovered cluster down.
   */
  @Test
  void evictionDuringAnotherIncidentIsNotALaterJobManagerLoss() {
    deployRunning();
    kubelet.stopRenewing("node-a");
    kubelet.markNotReady("node-a");
    oldJobManager.fail(Failure.HANG);

    taskManagerExited(TM);
    awaitIncident("TaskManagerLost", "Verify");
    // Seconds later (this API server keeps deletion times to the second, as Kubernetes does).
    sleep(1500);
    evict(JM);
    sleep(1000); // passes see the Terminating JobManager while the TaskManager incident is open
    assertThat(status().getRecovery().getCurrent().getReason()).isEqualTo("TaskManagerLost");
    newJobManager =
        FakeFlinkRest.start(jobId).restarts(0).restored(checkpoint(12)).jobState("RUNNING");
    newJobManager.latestCompleted(checkpoint(13));
    kubelet.runJobManager(NAME, JM2, "node-b", newJobManager.port());
    haStore(12, 13);

    Incident done = awaitClosed();
    assertThat(done.getReason()).isEqualTo("TaskManagerLost");
    newJobManager.latestCompleted(checkpoint(14));
    sleep(HA_RECOVERY_TIMEOUT.toMillis() + 2000);
    String dump = operator.describe(NS, NAME);
    assertThat(recoveryReasons()).as(dump).containsExactly("TaskManagerLost", "Recovered");
    assertThat(deploymentsDeleted).as("nothing torn down: " + dump).isEmpty();
    var status = status();
    assertThat(status.getRecovery().getCurrent()).as(dump).isNull();
    assertThat(status.getPhase()).isEqualTo(Phase.RUNNING);
    assertThat(status.getLatestCheckpoint().getId()).isEqualTo(14L);
    assertThat(status.getDeployment().getJobManagerPod()).isEqualTo(JM2);
    assertThat(client.pods().inNamespace(NS).withName(JM).get())
        .as("the old JobManager is still Terminating on the dead node")
        .isNotNull();
  }

  /** A TaskManager pod whose process exited with an error: Flink's pods never restart in place. */
  private void taskManagerExited(String pod) {
    String finished = Instant.now().truncatedTo(ChronoUnit.SECONDS).toString();
    client
        .pods()
        .inNamespace(NS)
        .withName(pod)
        .editStatus(
            p -> {
              p.getStatus().setPhase("Failed");
              p.getStatus()
                  .setContainerStatuses(
                      List.of(
                          new ContainerStatusBuilder()
                              .withName("flink-main-container")
                              .withNewState()
                              .withNewTerminated()
                              .withReason("Error")
                              .withExitCode(1)
                              .withFinishedAt(finished)
                              .endTerminated()
                              .endState()
                              .build()));
              return p;
            });
  }

  // --- the setup ----------------------------------------------------------------------------

  /**
   * Creates the job with Kubernetes HA, runs its JobManager on node-a (Flink: RUNNING, checkpoint
   * 12, held in the HA store) and a TaskManager on node-b, and waits until status records them.
   */
  private void deployRunning() {
    FlinkResilientJob job = Jobs.job(NS, NAME);
    FlinkResilientJobSpec spec = job.getSpec();
    spec.getCheckpointing().setDirectory(CHECKPOINTS);
    spec.getHighAvailability().setType(HighAvailabilityType.KUBERNETES);
    spec.getHighAvailability().setStorageDir("s3://bucket/ha");
    spec.getRecovery().setHaRecoveryTimeout(HA_RECOVERY_TIMEOUT.toSeconds() + "s");
    // As in the benchmark: beyond the eviction, so only the pod informer detects the loss.
    spec.getRecovery().setStuckRestartingAfter("15m");
    jobId = operator.createAndAwaitJobId(job);
    oldJobManager = FakeFlinkRest.start(jobId).restarts(0).latestCompleted(checkpoint(12));
    haStore(12);
    operator.await("the JobManager Deployment", () -> kubelet.jobManagerDeploymentExists(NAME));
    kubelet.runJobManager(NAME, JM, "node-a", oldJobManager.port());
    kubelet.runTaskManager(NAME, TM, "node-b");
    kubelet.markJobManagerReady(NAME);
    operator.awaitJob(
        NS,
        NAME,
        "checkpoint 12, Running, serving JobManager recorded",
        j ->
            j.getStatus().getLatestCheckpoint() != null
                && j.getStatus().getLatestCheckpoint().getId() == 12
                && j.getStatus().getPhase() == Phase.RUNNING
                && "RUNNING".equals(j.getStatus().getJobState())
                && j.getStatus().getDeployment() != null
                && JM.equals(j.getStatus().getDeployment().getJobManagerPod()));
  }

  /**
   * What the taint manager's eviction leaves on a dead node: deletionTimestamp set (request plus
   * the 30 s grace period) and nothing else changed, since only the kubelet would finish it.
   */
  private void evict(String pod) {
    var pods = client.pods().inNamespace(NS).withName(pod);
    pods.edit(
        p -> {
          p.getMetadata().getFinalizers().add(DEAD_KUBELET);
          return p;
        });
    pods.delete();
    assertThat(pods.get().getMetadata().getDeletionTimestamp())
        .as("the pod stays, Terminating")
        .isNotNull();
  }

  /** Flink's HA ConfigMap of the job with these checkpoint ids, as Flink writes it. */
  private void haStore(long... ids) {
    Map<String, String> data = new LinkedHashMap<>();
    long max = 0;
    for (long id : ids) {
      data.put(String.format("%s%019d", KubernetesHaLayout.CHECKPOINT_KEY_PREFIX, id), "rO0AB");
      max = Math.max(max, id);
    }
    data.put("counter", Long.toString(max + 1));
    var cm =
        new ConfigMapBuilder()
            .withNewMetadata()
            .withName(KubernetesHaLayout.jobConfigMap(NAME, jobId))
            .withNamespace(NS)
            .withLabels(KubernetesHaLayout.labels(NAME))
            .endMetadata()
            .withData(data)
            .build();
    client.configMaps().inNamespace(NS).resource(cm).createOr(c -> c.update());
  }

  private Checkpoint checkpoint(long id) {
    return Checkpoint.at(CHECKPOINTS, jobId, id);
  }

  private Incident awaitIncident(String reason, String action) {
    return operator
        .awaitJob(
            NS,
            NAME,
            "an open incident " + reason + " (" + action + ")",
            j -> {
              Incident c = j.getStatus().getRecovery().getCurrent();
              return c != null && reason.equals(c.getReason()) && action.equals(c.getAction());
            })
        .getStatus()
        .getRecovery()
        .getCurrent();
  }

  private Incident awaitClosed() {
    FlinkResilientJob j =
        operator.awaitJob(
            NS,
            NAME,
            "the incident closed",
            x ->
                x.getStatus().getRecovery().getCurrent() == null
                    && !x.getStatus().getRecovery().getHistory().isEmpty());
    List<Incident> history = j.getStatus().getRecovery().getHistory();
    Incident last = history.get(history.size() - 1);
    assertThat(last.getOutcome()).as(operator.describe(NS, NAME)).isEqualTo("Recovered");
    return last;
  }

  /** Recovery event reasons in the order they were emitted. */
  private List<String> recoveryReasons() {
    return operator.events(NS, NAME).stream()
        .filter(e -> RecoveryScenariosApiTestReasons.ALL.contains(e.getReason()))
        .sorted(Comparator.comparing((Event e) -> Instant.parse(e.getFirstTimestamp())))
        .map(Event::getReason)
        .toList();
  }

  private dev.flinkresilience.operator.api.v1alpha1.FlinkResilientJobStatus status() {
    return operator.get(NS, NAME).getStatus();
  }

  private static void sleep(long ms) {
    try {
      Thread.sleep(ms);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new AssertionError(e);
    }
  }

  /** The reasons of the events recovery emits; lifecycle and REST events are left out. */
  private static final class RecoveryScenariosApiTestReasons {
    static final java.util.Set<String> ALL =
        java.util.Set.of(
            "JobManagerLost",
            "TaskManagerLost",
            "NodeLost",
            "JobFailed",
            "JobStuck",
            "JobManagerUnreachable",
            "HaMetadataMissing",
            "PodsReleased",
            "RecoveryEscalated",
            "TearingDown",
            "Redeploying",
            "Recovered",
            "RecoveryBudgetExhausted");
  }
}
