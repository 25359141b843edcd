package dev.flinkresilience.operator.reconcile;

import static org.assertj.core.api.Assertions.assertThat;

import dev.flinkresilience.operator.api.v1alpha1.FlinkResilientJob;
import dev.flinkresilience.operator.api.v1alpha1.FlinkResilientJobSpec;
import dev.flinkresilience.operator.api.v1alpha1.HighAvailabilityType;
import dev.flinkresilience.operator.api.v1alpha1.Incident;
import dev.flinkresilience.operator.api.v1alpha1.Phase;
import dev.flinkresilience.operator.app.OperatorSettings;
import dev.flinkresilience.operator.decide.NodeView;
import dev.flinkresilience.operator.observe.ha.KubernetesHaLayout;
import dev.flinkresilience.operator.testing.FakeFlinkRest;
import dev.flinkresilience.operator.testing.FakeFlinkRest.Checkpoint;
import dev.flinkresilience.operator.testing.Jobs;
import dev.flinkresilience.operator.testing.Kubelet;
import dev.flinkresilience.operator.testing.OperatorHarness;
import dev.flinkresilience.operator.validate.TenantPolicy;
import io.fabric8.kubernetes.api.model.ConfigMapBuilder;
import io.fabric8.kubernetes.api.model.Event;
import io.fabric8.kubernetes.api.model.StatusBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.Watch;
import io.fabric8.kubernetes.client.Watcher;
import io.fabric8.kubernetes.client.WatcherException;
import io.fabric8.kubernetes.client.server.mock.EnableKubernetesMockClient;
import io.fabric8.kubernetes.client.server.mock.KubernetesMockServer;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * A lost node's incident is written with its first step, not on its own (the reconciler's {@code
 * writtenWithNext}): against the in-process API server, two jobs with their JobManagers on one node
 * that dies. {@code orders} judges it lost after 2 s and taints it; {@code payments}, judging after
 * 4 s, finds the taint, so its one write before the release is the one that records both. Every
 * status version the API server holds is recorded, so a write in between would show. And the
 * release failing: the opening is written anyway. (An operator killed between the release and its
 * write is {@code decide/LostNodeCrashTest}'s: the mock cannot fail that one write and no other.)
 */
@EnableKubernetesMockClient(crud = true)
@Timeout(value = 60, unit = TimeUnit.SECONDS)
class LostNodeWritesApiTest {
  private static final String NS = "streaming";
  private static final String CHECKPOINTS = "s3://bucket/checkpoints";
  private static final Set<String> RECOVERY_REASONS =
      Set.of(
          "NodeLost",
          "NodeTainted",
          "PodsReleased",
          "JobManagerLost",
          "JobManagerUnreachable",
          "TearingDown",
          "Redeploying",
          "Recovered");

  KubernetesClient client;
  KubernetesMockServer server;
  private OperatorHarness operator;
  private Kubelet kubelet;
  private final List<FakeFlinkRest> fakes = new ArrayList<>();
  private final Map<String, List<FlinkResilientJob>> versions = new ConcurrentHashMap<>();
  private Watch watch;

  @BeforeEach
  void start() {
    operator = OperatorHarness.start(client, settings());
    kubelet = new Kubelet(client, NS, 200);
    kubelet.registerNode("node-a");
    kubelet.registerNode("node-b");
    watch =
        client
            .resources(FlinkResilientJob.class)
            .inNamespace(NS)
            .watch(
                new Watcher<FlinkResilientJob>() {
                  @Override
                  public void eventReceived(Action action, FlinkResilientJob j) {
                    versions
                        .computeIfAbsent(
                            j.getMetadata().getName(), k -> new CopyOnWriteArrayList<>())
                        .add(j);
                  }

                  @Override
                  public void onClose(WatcherException cause) {}
                });
  }

  @AfterEach
  void stop() {
    watch.close();
    operator.close();
    kubelet.close();
    fakes.forEach(FakeFlinkRest::close);
  }

  @Test
  void onANodeAlreadyTaintedTheIncidentIsWrittenWithTheRelease() {
    deployBothOnNodeA();

    loseNodeA();
    operator.await("payments' JobManager released", () -> !kubelet.podExists("payments-jm-1"));
    // The status write follows the deletion in the same pass, and the events go out off it.
    operator.await("payments' incident written", () -> written("payments"));
    operator.await(
        "payments' release reported", () -> recoveryReasons("payments").contains("PodsReleased"));

    assertThat(taintKeys()).containsExactly(NodeView.LOST_TAINT);
    Incident first = firstWrittenIncident("payments");
    assertThat(first.getReason()).isEqualTo("NodeLost");
    assertThat(first.getReleasedPods())
        .as("payments' first written incident already records the release")
        .containsExactly("payments-jm-1");
    assertThat(recoveryReasons("payments")).containsExactly("NodeLost", "PodsReleased");
    // orders met an untainted node: its opening is written with the taint, the release after.
    Incident ordersFirst = firstWrittenIncident("orders");
    assertThat(ordersFirst.getReason()).isEqualTo("NodeLost");
    operator.await(
        "orders' taint reported", () -> recoveryReasons("orders").contains("NodeTainted"));
    assertThat(recoveryReasons("orders")).startsWith("NodeLost", "NodeTainted");
    operator.await(
        "orders released and recorded",
        () -> !kubelet.podExists("orders-jm-1") && !current("orders").getReleasedPods().isEmpty());
  }

  /**
   * The release fails (the API server refuses the deletion) in the pass that was to write the
   * opening with it: the opening is written anyway, so the incident shows while the release is
   * retried, and the release follows.
   */
  @Test
  void aReleaseThatFailsStillLeavesTheIncidentWritten() {
    deployBothOnNodeA();
    server
        .expect()
        .delete()
        .withPath("/api/v1/namespaces/" + NS + "/pods/payments-jm-1")
        .andReturn(409, failure(409, "the pod deletion fails"))
        .times(3);

    loseNodeA();
    operator.await("payments' incident written", () -> written("payments"));
    Incident first = firstWrittenIncident("payments");
    assertThat(first.getReason()).isEqualTo("NodeLost");
    assertThat(first.getReleasedPods()).as("written before the release").isEmpty();

    operator.await(
        "payments released and recorded",
        Duration.ofSeconds(30),
        () ->
            !kubelet.podExists("payments-jm-1")
                && current("payments") != null
                && current("payments").getReleasedPods().contains("payments-jm-1"));
  }

  private void deployBothOnNodeA() {
    deploy("orders", 2);
    deploy("payments", 4);
  }

  /**
   * A job with Kubernetes HA whose JobManager runs on node-a and TaskManager on node-b, Running
   * from checkpoint 12; {@code lostAfter} seconds without a renewal of node-a make it lost.
   */
  private void deploy(String name, int lostAfter) {
    FlinkResilientJob job = Jobs.job(NS, name);
    FlinkResilientJobSpec spec = job.getSpec();
    spec.getCheckpointing().setDirectory(CHECKPOINTS);
    spec.getRecovery().setNodeLostAfter(lostAfter + "s");
    spec.getRecovery().setNodeSuspectAfter("0s");
    spec.getRecovery().setHaRecoveryTimeout("30s");
    spec.getHighAvailability().setType(HighAvailabilityType.KUBERNETES);
    spec.getHighAvailability().setStorageDir("s3://bucket/ha");
    String jobId = operator.createAndAwaitJobId(job);
    FakeFlinkRest flink =
        FakeFlinkRest.start(jobId)
            .restarts(0)
            .latestCompleted(Checkpoint.at(CHECKPOINTS, jobId, 12));
    fakes.add(flink);
    haStoreHolds12(name, jobId);
    operator.await("the JobManager Deployment", () -> kubelet.jobManagerDeploymentExists(name));
    kubelet.runJobManager(name, name + "-jm-1", "node-a", flink.port());
    kubelet.runTaskManager(name, name + "-taskmanager-1-1", "node-b");
    kubelet.markJobManagerReady(name);
    operator.awaitJob(
        NS,
        name,
        "Running from checkpoint 12",
        j ->
            j.getStatus().getPhase() == Phase.RUNNING
                && j.getStatus().getLatestCheckpoint() != null
                && j.getStatus().getLatestCheckpoint().getId() == 12);
  }

  /** Flink's HA ConfigMap of the job holds checkpoint 12: its JobManager's loss is Flink's. */
  private void haStoreHolds12(String name, String jobId) {
    var cm =
        new ConfigMapBuilder()
            .withNewMetadata()
            .withName(KubernetesHaLayout.jobConfigMap(name, jobId))
            .withNamespace(NS)
            .withLabels(KubernetesHaLayout.labels(name))
            .endMetadata()
            .withData(
                Map.of(
                    String.format("%s%019d", KubernetesHaLayout.CHECKPOINT_KEY_PREFIX, 12),
                    "rO0AB",
                    "counter",
                    "13"))
            .build();
    client.configMaps().inNamespace(NS).resource(cm).create();
  }

  /** node-a dies: its Lease stops and the JobManagers on it fall silent. */
  private void loseNodeA() {
    kubelet.stopRenewing("node-a");
    fakes.forEach(FakeFlinkRest::down);
  }

  /** Whether a status version with an incident open has been seen. */
  private boolean written(String job) {
    return versions.getOrDefault(job, List.of()).stream()
        .anyMatch(j -> LostNodeWritesApiTest.current(j) != null);
  }

  /** The incident of the first status version the API server held with one open. */
  private Incident firstWrittenIncident(String job) {
    return versions.getOrDefault(job, List.of()).stream()
        .map(LostNodeWritesApiTest::current)
        .filter(i -> i != null)
        .findFirst()
        .orElseThrow(() -> new AssertionError(job + ": no status version with an incident"));
  }

  private Incident current(String job) {
    return current(operator.get(NS, job));
  }

  private static Incident current(FlinkResilientJob j) {
    return j.getStatus() == null || j.getStatus().getRecovery() == null
        ? null
        : j.getStatus().getRecovery().getCurrent();
  }

  private List<String> recoveryReasons(String job) {
    return operator.events(NS, job).stream()
        .filter(e -> RECOVERY_REASONS.contains(e.getReason()))
        .sorted(Comparator.comparing((Event e) -> Instant.parse(e.getFirstTimestamp())))
        .map(Event::getReason)
        .toList();
  }

  private List<String> taintKeys() {
    var spec = client.nodes().withName("node-a").get().getSpec();
    return spec == null || spec.getTaints() == null
        ? List.of()
        : spec.getTaints().stream().map(t -> t.getKey()).toList();
  }

  private static io.fabric8.kubernetes.api.model.Status failure(int code, String message) {
    return new StatusBuilder().withStatus("Failure").withCode(code).withMessage(message).build();
  }

  private static OperatorSettings settings() {
    return OperatorSettings.allNamespaces()
        .withPolling(new PollPacing(Duration.ofMillis(200), Duration.ofMillis(100)))
        .withTenantPolicy(TenantPolicy.DEFAULT.withLeaseRenewal(Duration.ofMillis(200)));
  }
}
