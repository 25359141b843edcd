package dev.flinkresilience.operator.reconcile;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.flinkresilience.operator.api.v1alpha1.FlinkResilientJob;
import dev.flinkresilience.operator.api.v1alpha1.FlinkResilientJobSpec;
import dev.flinkresilience.operator.api.v1alpha1.HighAvailabilityType;
import dev.flinkresilience.operator.api.v1alpha1.Incident;
import dev.flinkresilience.operator.api.v1alpha1.Phase;
import dev.flinkresilience.operator.api.v1alpha1.ReleasePodsPolicy;
import dev.flinkresilience.operator.app.OperatorSettings;
import dev.flinkresilience.operator.decide.NodeView;
import dev.flinkresilience.operator.model.Labels;
import dev.flinkresilience.operator.observe.ha.KubernetesHaLayout;
import dev.flinkresilience.operator.ops.logs.LogFormat;
import dev.flinkresilience.operator.testing.FakeFlinkRest;
import dev.flinkresilience.operator.testing.FakeFlinkRest.Checkpoint;
import dev.flinkresilience.operator.testing.Jobs;
import dev.flinkresilience.operator.testing.Kubelet;
import dev.flinkresilience.operator.testing.OperatorHarness;
import dev.flinkresilience.operator.validate.TenantPolicy;
import io.fabric8.kubernetes.api.model.ConfigMapBuilder;
import io.fabric8.kubernetes.api.model.Event;
import io.fabric8.kubernetes.api.model.apps.Deployment;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientException;
import io.fabric8.kubernetes.client.Watch;
import io.fabric8.kubernetes.client.Watcher;
import io.fabric8.kubernetes.client.WatcherException;
import io.fabric8.kubernetes.client.server.mock.EnableKubernetesMockClient;
import io.fabric8.kubernetes.client.server.mock.KubernetesMockServer;
import io.fabric8.kubernetes.client.utils.Serialization;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;
import java.util.function.UnaryOperator;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInfo;
import org.junit.jupiter.api.Timeout;

/**
 * API tier, issue 4 item 6: the whole operator (informers, node watch, poller, planner, actions)
 * against the in-process API server and a scripted Flink REST fake, one failure per test. The test
 * plays what the mock lacks: kubelets (node Leases, Running pods), the Deployment controller (a
 * replacement JobManager pod) and Flink (the fake's job state and restored checkpoint). Each
 * scenario asserts the sequence of recovery events and the incident closed into history.
 */
@EnableKubernetesMockClient(crud = true)
@Timeout(value = 40, unit = TimeUnit.SECONDS)
class RecoveryScenariosApiTest {
  private static final String NS = "streaming";
  private static final String NAME = "orders";
  private static final String CHECKPOINTS = "s3://bucket/checkpoints";
  private static final Duration NODE_LOST_AFTER = Duration.ofSeconds(2);
  private static final String JM = "orders-jm-1";
  private static final String JM2 = "orders-jm-2";
  private static final String TM = "orders-taskmanager-1-1";
  private static final String TM2 = "orders-taskmanager-2-1";

  /** The reasons of the events recovery emits; lifecycle and REST events are left out. */
  private static final Set<String> RECOVERY_REASONS =
      Set.of(
          "JobManagerLost",
          "TaskManagerLost",
          "NodeLost",
          "NodeTainted",
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

  KubernetesClient client;
  KubernetesMockServer server;
  private OperatorHarness operator;
  private Kubelet kubelet;
  private FakeFlinkRest flink;
  private Watch deploymentWatch;
  private final List<String> deploymentsDeleted = new CopyOnWriteArrayList<>();
  private String jobId;
  private long startedNanos;

  @BeforeEach
  void start() {
    startedNanos = System.nanoTime();
    operator = OperatorHarness.start(client, settings());
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
  void stop(TestInfo test) {
    deploymentWatch.close();
    operator.close();
    kubelet.close();
    if (flink != null) {
      flink.close();
    }
    System.out.printf(
        "scenario %s took %.1f s%n",
        test.getDisplayName(), (System.nanoTime() - startedNanos) / 1e9);
  }

  @Test
  void jobManagerLostWithHaIsVerifiedNotRedeployed() {
    deployRunning(ha(), true);

    kubelet.deletePod(JM);
    flink.down(); // the JobManager process is gone
    awaitIncident("JobManagerLost", "Verify");
    // The Deployment controller starts a replacement; Flink recovers the job from the HA store.
    kubelet.runJobManager(NAME, JM2, "node-b", flink.port());
    flink.restored(checkpoint(12)).up();

    Incident done = awaitClosed();
    assertIncident(done, "JobManagerLost", "Verify", 12L);
    assertThat(recoveryReasons()).containsExactly("JobManagerLost", "Recovered");
    assertThat(deploymentsDeleted).as("the JobManager Deployment is never deleted").isEmpty();
    assertThat(status().getDeployment().getJobManagerPod())
        .as("the replacement is the JobManager whose loss counts next")
        .isEqualTo(JM2);
  }

  @Test
  void jobManagerLostWithoutHaIsRedeployedFromTheRecordedCheckpoint() {
    deployRunning(spec -> {}, false);

    kubelet.deletePod(JM);
    flink.down();
    awaitIncident("JobManagerLost", "Redeploy");
    awaitRedeployed();
    assertThat(deploymentsDeleted).contains(NAME);
    assertThat(kubelet.podExists(TM)).as("the old TaskManager torn down").isFalse();
    assertRestoreConfig(12);

    playRedeployedCluster(12);
    Incident done = awaitClosed();
    assertIncident(done, "JobManagerLost", "Redeploy", 12L);
    assertThat(recoveryReasons())
        .containsExactly("JobManagerLost", "TearingDown", "Redeploying", "Recovered");
    assertThat(status().getJobId()).isEqualTo(jobId);
  }

  /**
   * {@code --log-format json}: the lines about the job carry its namespace and name, and those of
   * the incident its id, so a log stack can follow it from detection to recovery.
   */
  @Test
  void jsonLogLinesOfAnIncidentCarryTheJobAndTheIncidentId() throws Exception {
    var captured = new java.io.ByteArrayOutputStream();
    LogFormat.writeJsonTo(new java.io.PrintStream(captured, true, StandardCharsets.UTF_8));
    try {
      assertThat(LogFormat.use(LogFormat.JSON))
          .as("the operator's SLF4J provider (surefire sets slf4j.provider, as Main does)")
          .isTrue();
      deployRunning(spec -> {}, false);
      kubelet.deletePod(JM);
      flink.down();
      awaitIncident("JobManagerLost", "Redeploy");
      awaitRedeployed();
      playRedeployedCluster(12);
      Incident done = awaitClosed();
      assertThat(recoveryReasons())
          .containsExactly("JobManagerLost", "TearingDown", "Redeploying", "Recovered");

      List<JsonNode> lines = new ArrayList<>();
      for (String line : captured.toString(StandardCharsets.UTF_8).split("\n")) {
        lines.add(new ObjectMapper().readTree(line)); // every line one JSON object
      }
      System.out.println("JSON log lines of incident " + done.getId() + ":");
      lines.stream().filter(l -> l.has("incidentId")).forEach(l -> System.out.println("  " + l));
      for (String about : List.of("event JobManagerLost", "deleting cluster", "event Recovered")) {
        JsonNode line =
            lines.stream()
                .filter(l -> l.path("message").asText().contains(about))
                .findFirst()
                .orElseThrow(() -> new AssertionError("no line with '" + about + "': " + lines));
        assertThat(line.path("namespace").asText()).as(about + ": " + line).isEqualTo(NS);
        assertThat(line.path("name").asText()).as(about + ": " + line).isEqualTo(NAME);
        assertThat(line.path("incidentId").isNumber()).as(about + ": " + line).isTrue();
        assertThat(line.path("incidentId").asLong()).as(about).isEqualTo(done.getId());
        assertThat(line.path("level").asText()).isIn("INFO", "WARN");
        assertThat(line.path("time").asText()).isNotBlank();
        assertThat(line.path("logger").asText()).startsWith("dev.flinkresilience.operator.");
      }
      assertThat(
              lines.stream()
                  .filter(l -> l.path("message").asText().startsWith(NS + "/" + NAME + ": event"))
                  .allMatch(l -> NAME.equals(l.path("name").asText())))
          .as("every event line names the job")
          .isTrue();
    } finally {
      LogFormat.use(LogFormat.TEXT);
      LogFormat.writeJsonTo(System.err);
    }
  }

  @Test
  void taskManagerOomKilledIsVerifiedOnce() {
    deployRunning(spec -> {}, false);

    flink.jobState("RESTARTING");
    kubelet.oomKill(TM);
    awaitIncident("TaskManagerLost", "Verify");
    flink.jobState("RUNNING");
    // RUNNING alone is no proof (region failover keeps the job RUNNING, and Flink may not have
    // noticed the loss yet): the incident stays open until a checkpoint completes after it.
    sleep(2500);
    assertThat(status().getRecovery().getCurrent()).as("open while no checkpoint").isNotNull();
    flink.latestCompleted(checkpoint(13));

    Incident done = awaitClosed();
    assertIncident(done, "TaskManagerLost", "Verify", null);
    assertThat(done.getPod()).isEqualTo(TM);
    assertThat(done.getDetail()).contains("OOMKilled");
    // The pod keeps showing its last OOMKilled state: the same failure must not count twice.
    // Passes come at least every 2 s while anything is open, so 3 s sees more than one.
    sleep(3000);
    assertThat(recoveryReasons()).containsExactly("TaskManagerLost", "Recovered");
    assertThat(status().getRecovery().getHistory()).hasSize(1);
    assertThat(deploymentsDeleted).isEmpty();
  }

  @Test
  void staleLeaseOfTheJobManagerNodeReleasesItsPodsWithinTheThreshold() {
    deployRunning(ha(), true);

    // A dead node: its Lease stops and its JobManager falls silent (an answering JobManager
    // would show the node alive, see the next test).
    kubelet.stopRenewing("node-a");
    flink.down();
    long stoppedAt = System.nanoTime();
    operator.await("the JobManager pod force-deleted", () -> !kubelet.podExists(JM));
    double released = (System.nanoTime() - stoppedAt) / 1e9;
    System.out.printf(
        "node-a: renewals stopped -> JobManager pod released in %.2f s (nodeLostAfter %d s)%n",
        released, NODE_LOST_AFTER.toSeconds());
    assertThat(released).isLessThan(NODE_LOST_AFTER.toSeconds() + 2.0);
    Incident open = awaitIncident("NodeLost", "Verify");
    // The pod goes in the pass that writes releasedPods: status may trail the deletion a little.
    open =
        operator
            .awaitJob(
                NS,
                NAME,
                "the released pod recorded",
                j ->
                    j.getStatus().getRecovery().getCurrent() != null
                        && !j.getStatus().getRecovery().getCurrent().getReleasedPods().isEmpty())
            .getStatus()
            .getRecovery()
            .getCurrent();
    assertThat(open.getNode()).isEqualTo("node-a");
    assertThat(open.getPod()).isEqualTo(JM);
    assertThat(open.getReleasedPods()).containsExactly(JM);
    assertThat(kubelet.podExists(TM)).as("the TaskManager on a live node stays").isTrue();
    // The replacement cannot be scheduled back onto the lost node, which stays Ready to the
    // scheduler until the node lifecycle controller's grace period has passed: the operator's
    // taint keeps it off, and the Deployment is left as it was (changing it would roll it).
    assertThat(taintKeys("node-a")).containsExactly(NodeView.LOST_TAINT);
    assertThat(taintKeys("node-b")).as("the live node").isEmpty();
    assertThat(jobManagerAffinity()).as("the JobManager Deployment untouched").isNull();

    flink.down();
    kubelet.runJobManager(NAME, JM2, "node-b", flink.port());
    flink.restored(checkpoint(12)).up();
    Incident done = awaitClosed();
    assertIncident(done, "NodeLost", "Verify", 12L);
    assertThat(recoveryReasons())
        .containsExactly("NodeLost", "NodeTainted", "PodsReleased", "Recovered");
    assertThat(deploymentsDeleted).isEmpty();

    // The kubelet is back: the taint goes, and only it.
    kubelet.resumeRenewing("node-a");
    operator.await("the taint lifted", () -> taintKeys("node-a").isEmpty());
  }

  /**
   * The API server fails the taint once (here an admission webhook's denial, which the client does
   * not retry itself): the pass's retry taints the node, and the release follows the taint, never
   * comes before it (a JobManager released from an untainted node is replaced there).
   */
  @Test
  void aTaintThatFailsOnceIsRetriedAndTheReleaseFollowsIt() {
    deployRunning(ha(), true);
    failNodePatches("node-a", 1);

    kubelet.stopRenewing("node-a");
    flink.down();
    long stoppedAt = System.nanoTime();
    operator.await("the JobManager pod force-deleted", () -> !kubelet.podExists(JM));
    System.out.printf(
        "node-a, its taint failing once: JobManager pod released %.1f s after renewals stopped%n",
        (System.nanoTime() - stoppedAt) / 1e9);

    assertThat(taintKeys("node-a")).containsExactly(NodeView.LOST_TAINT);
    assertThat(jobManagerAffinity()).as("the JobManager Deployment untouched").isNull();
    // The event follows the status write of the pass that released the pod.
    operator.await("the release reported", () -> recoveryReasons().contains("PodsReleased"));
    assertThat(recoveryReasons()).containsExactly("NodeLost", "NodeTainted", "PodsReleased");
  }

  /**
   * A taint the API server keeps refusing (not a 403: the operator may patch nodes, but something
   * denies it) must not hold the JobManager on a dead node: after {@code GIVE_UP_AFTER} (10 s) of
   * failed tries the release goes the way it goes without the taint, the Deployment kept off the
   * node first.
   */
  @Test
  void aTaintThatKeepsFailingFallsBackToKeepingTheDeploymentOff() {
    deployRunning(ha(), true);
    failNodePatches("node-a", 0);

    kubelet.stopRenewing("node-a");
    flink.down();
    long stoppedAt = System.nanoTime();
    operator.await(
        "the JobManager pod force-deleted", Duration.ofSeconds(30), () -> !kubelet.podExists(JM));
    System.out.printf(
        "node-a, its taint failing: JobManager pod released %.1f s after renewals stopped%n",
        (System.nanoTime() - stoppedAt) / 1e9);

    assertJobManagerKeptOff("node-a");
    assertThat(taintKeys("node-a")).as("no taint").isEmpty();
    kubelet.runJobManager(NAME, JM2, "node-b", flink.port());
    flink.restored(checkpoint(12)).up();
    assertIncident(awaitClosed(), "NodeLost", "Verify", 12L);
    assertThat(recoveryReasons()).containsExactly("NodeLost", "PodsReleased", "Recovered");
  }

  /**
   * The operator dies after tainting the node and before releasing the JobManager there (here its
   * pod deletion fails, and it is stopped meanwhile). The next operator finds the incident and the
   * taint, writes no second taint, releases the pod, and does not take the taint, first seen on a
   * node that still does not renew, for a sign of life: it stays until the kubelet is back.
   */
  @Test
  void anOperatorRestartedBetweenTheTaintAndTheReleaseReleasesAndKeepsTheTaint() {
    deployRunning(ha(), true);
    // The release follows the taint in the same reconcile, and the taint's own Node event runs the
    // job again at once when that fails: the deletion fails four times (the chained pass, that
    // re-run, JOSDK's retries at 2 s and 5 s), longer than the first operator lives here; the
    // next one gets the rest of the failures and its retries.
    server
        .expect()
        .delete()
        .withPath("/api/v1/namespaces/" + NS + "/pods/" + JM)
        .andReturn(409, status(409, "the pod deletion fails"))
        .times(4);

    kubelet.stopRenewing("node-a");
    flink.down();
    operator.await("the node tainted", () -> taintKeys("node-a").contains(NodeView.LOST_TAINT));
    operator.close();
    assertThat(kubelet.podExists(JM)).as("not released by the first operator").isTrue();
    assertThat(status().getRecovery().getCurrent()).as("the incident is open").isNotNull();

    operator = OperatorHarness.start(client, settings());
    operator.await(
        "the JobManager pod force-deleted", Duration.ofSeconds(40), () -> !kubelet.podExists(JM));
    assertThat(taintWrites()).as("one taint write, by the first operator").isEqualTo(1);

    sleep(3 * 2_000); // three rounds of the lifter: the node is still dead
    assertThat(taintKeys("node-a")).containsExactly(NodeView.LOST_TAINT);
    kubelet.resumeRenewing("node-a");
    operator.await("the taint lifted", () -> taintKeys("node-a").isEmpty());
  }

  /**
   * The next {@code times} patches of the node fail (0: all of them) as an admission webhook denies
   * them.
   */
  private void failNodePatches(String node, int times) {
    var denied =
        server
            .expect()
            .patch()
            .withPath("/api/v1/nodes/" + node)
            .andReturn(
                400, status(400, "admission webhook \"nodes.example.com\" denied the request"));
    if (times == 0) {
      denied.always();
    } else {
      denied.times(times);
    }
  }

  private static io.fabric8.kubernetes.api.model.Status status(int code, String message) {
    return new io.fabric8.kubernetes.api.model.StatusBuilder()
        .withStatus("Failure")
        .withCode(code)
        .withMessage(message)
        .build();
  }

  /** How many times the job's events say a node was tainted (an event repeated counts up). */
  private int taintWrites() {
    return operator.events(NS, NAME).stream()
        .filter(e -> "NodeTainted".equals(e.getReason()))
        .mapToInt(e -> e.getCount() == null ? 1 : e.getCount())
        .sum();
  }

  /**
   * Without the taint (off, or refused by RBAC): the JobManager Deployment is kept off the lost
   * node first, and its pod there released once that is taken (the test's Deployment controller has
   * no observed generation, so at once).
   */
  @Test
  void withoutTheTaintTheJobManagerDeploymentIsKeptOffTheLostNode() {
    operator.close();
    operator = OperatorHarness.start(client, settings().withTaintLostNodes(false));
    deployRunning(ha(), true);

    kubelet.stopRenewing("node-a");
    flink.down();
    operator.await("the JobManager pod force-deleted", () -> !kubelet.podExists(JM));
    assertJobManagerKeptOff("node-a");
    assertThat(taintKeys("node-a")).as("no taint").isEmpty();

    kubelet.runJobManager(NAME, JM2, "node-b", flink.port());
    flink.restored(checkpoint(12)).up();
    Incident done = awaitClosed();
    assertIncident(done, "NodeLost", "Verify", 12L);
    assertThat(recoveryReasons()).containsExactly("NodeLost", "PodsReleased", "Recovered");
  }

  /**
   * DESIGN.md §5.6: a node whose Lease is stale while the JobManager on it answers is not dead (a
   * kubelet renewing late, or cut off from the API server). Nothing is released, no incident opens,
   * and the anomaly shows as Degraded NodeLeaseStale; once the Lease renews, it clears.
   */
  @Test
  void aStaleLeaseWhoseJobManagerAnswersIsNotALoss() {
    deployRunning(ha(), true);

    kubelet.stopRenewing("node-a");
    FlinkResilientJob held =
        operator.awaitJob(
            NS,
            NAME,
            "Degraded NodeLeaseStale",
            j ->
                j.getStatus().getConditions().stream()
                    .anyMatch(
                        c ->
                            "Degraded".equals(c.getType())
                                && "True".equals(c.getStatus())
                                && "NodeLeaseStale".equals(c.getReason())));
    assertThat(held.getStatus().getMessage()).contains("node-a").contains("answered");
    sleep(3 * NODE_LOST_AFTER.toMillis());
    assertThat(kubelet.podExists(JM)).as("the answering JobManager stays").isTrue();
    assertThat(operator.get(NS, NAME).getStatus().getRecovery().getCurrent()).isNull();
    assertThat(recoveryReasons()).isEmpty();
    assertThat(deploymentsDeleted).isEmpty();

    // The JobManager falls silent too: now the node is lost after all.
    flink.down();
    operator.await("the JobManager pod force-deleted", () -> !kubelet.podExists(JM));
    assertThat(recoveryReasons()).startsWith("NodeLost");
  }

  @Test
  void jobManagerAndItsNodeLostWithoutHaIsTornDownThenRedeployed() {
    deployRunning(
        spec -> spec.getRecovery().setReleasePodsOnLostNode(ReleasePodsPolicy.ALWAYS), false);

    kubelet.stopRenewing("node-a");
    flink.down();
    awaitIncident("NodeLost", "Redeploy");
    awaitRedeployed();
    assertRestoreConfig(12);
    // The lost node still reads Ready to the scheduler: the new cluster keeps off it, its
    // JobManager and the TaskManagers Flink will create from the template.
    assertJobManagerKeptOff("node-a");
    assertThat(
            client
                .configMaps()
                .inNamespace(NS)
                .withName("pod-template-" + NAME)
                .get()
                .getData()
                .values())
        .singleElement()
        .asString()
        .contains("kubernetes.io/hostname")
        .contains("NotIn")
        .contains("node-a");

    playRedeployedCluster(12);
    Incident done = awaitClosed();
    assertIncident(done, "NodeLost", "Redeploy", 12L);
    // The cluster is torn down before anything is released: a JobManager released while its
    // Deployment stands would be replaced at once from the old restore point. This API server
    // deletes pods at once (no kubelet has to confirm), so nothing is left to release; on a real
    // one the dead node's pods stay Terminating and are released after the teardown (chaos
    // scenarios 4 and 6 without HA; RecoveryPlannerTest).
    assertThat(done.getReleasedPods()).isEmpty();
    assertThat(recoveryReasons())
        .containsExactly("NodeLost", "TearingDown", "Redeploying", "Recovered");
  }

  @Test
  void failedJobIsRedeployed() {
    deployRunning(spec -> {}, false);

    flink.jobState("FAILED");
    awaitIncident("JobFailed", "Redeploy");
    awaitRedeployed();
    assertRestoreConfig(12);

    playRedeployedCluster(12);
    Incident done = awaitClosed();
    assertIncident(done, "JobFailed", "Redeploy", 12L);
    assertThat(recoveryReasons())
        .containsExactly("JobFailed", "TearingDown", "Redeploying", "Recovered");
  }

  @Test
  void jobStuckRestartingIsRedeployed() {
    deployRunning(spec -> {}, false);

    long since = System.nanoTime();
    flink.jobState("RESTARTING");
    awaitIncident("JobStuck", "Redeploy");
    double after = (System.nanoTime() - since) / 1e9;
    System.out.printf("stuck RESTARTING detected after %.2f s (threshold 3 s)%n", after);
    assertThat(after).as("not before stuckRestartingAfter").isGreaterThanOrEqualTo(3.0);
    awaitRedeployed();
    assertRestoreConfig(12);

    playRedeployedCluster(12);
    Incident done = awaitClosed();
    assertIncident(done, "JobStuck", "Redeploy", 12L);
    assertThat(recoveryReasons())
        .containsExactly("JobStuck", "TearingDown", "Redeploying", "Recovered");
  }

  @Test
  void missingHaMetadataTurnsAJobManagerLossIntoARedeploy() {
    deployRunning(ha(), false); // HA on, but Flink's HA ConfigMaps hold nothing for the job

    kubelet.deletePod(JM);
    flink.down();
    Incident open = awaitIncident("HaMetadataMissing", "Redeploy");
    assertThat(open.getPod()).isEqualTo(JM);
    awaitRedeployed();
    assertRestoreConfig(12);

    playRedeployedCluster(12);
    Incident done = awaitClosed();
    assertIncident(done, "HaMetadataMissing", "Redeploy", 12L);
    assertThat(recoveryReasons())
        .containsExactly("HaMetadataMissing", "TearingDown", "Redeploying", "Recovered");
  }

  @Test
  void exhaustedBudgetStopsRedeploysUntilTheNonceChanges() {
    deployRunning(spec -> spec.getRecovery().getBudget().setMaxRedeploys(1), false);

    flink.jobState("FAILED");
    awaitIncident("JobFailed", "Redeploy");
    awaitRedeployed();
    playRedeployedCluster(12);
    awaitClosed();

    flink.restored(null).jobState("FAILED");
    FlinkResilientJob failed =
        operator.awaitJob(
            NS,
            NAME,
            "phase Failed, budget exhausted",
            j -> j.getStatus() != null && j.getStatus().getPhase() == Phase.FAILED);
    assertThat(condition(failed, "Degraded").getStatus()).isEqualTo("True");
    assertThat(condition(failed, "Degraded").getReason()).isEqualTo("RecoveryBudgetExhausted");
    List<Incident> history = failed.getStatus().getRecovery().getHistory();
    assertThat(history).hasSize(2);
    assertThat(history.get(1).getReason()).isEqualTo("JobFailed");
    assertThat(history.get(1).getOutcome()).isEqualTo("GaveUp");
    sleep(3000); // several passes of a FAILED job: none may redeploy
    assertThat(recoveryReasons())
        .containsExactly(
            "JobFailed", "TearingDown", "Redeploying", "Recovered", "RecoveryBudgetExhausted");
    assertThat(deploymentsDeleted).as("only the first redeploy tore down").hasSize(1);
    assertThat(status().getPhase()).isEqualTo(Phase.FAILED);

    editSpec(spec -> spec.setRestartNonce(spec.getRestartNonce() + 1));
    FlinkResilientJob again =
        operator.awaitJob(
            NS,
            NAME,
            "deployed again for the new restartNonce",
            j ->
                j.getStatus().getDeployment() != null
                    && Long.valueOf(1).equals(j.getStatus().getDeployment().getRestartNonce()));
    assertThat(again.getStatus().getPhase()).isNotEqualTo(Phase.FAILED);
    operator.await(
        "a new JobManager Deployment",
        () -> kubelet.jobManagerDeploymentExists(NAME) && deploymentsDeleted.size() == 2);
    assertThat(again.getStatus().getDeployment().getRestorePath())
        .as("the nonce alone goes on from the latest checkpoint")
        .isEqualTo(checkpoint(12).path());
  }

  @Test
  void aNewerCheckpointInTheHaStoreIsWhatTheRedeployRestores() {
    deployRunning(ha(), true);
    haStore(12, 15);

    flink.jobState("FAILED");
    awaitIncident("JobFailed", "Redeploy");
    awaitRedeployed();
    assertRestoreConfig(15);
    assertThat(status().getRestoredFrom().getSource()).isEqualTo("haStore");

    playRedeployedCluster(15);
    Incident done = awaitClosed();
    assertIncident(done, "JobFailed", "Redeploy", 15L);
    assertThat(recoveryReasons())
        .containsExactly("JobFailed", "TearingDown", "Redeploying", "Recovered");
  }

  // --- the common setup -------------------------------------------------------------------

  private static OperatorSettings settings() {
    return OperatorSettings.allNamespaces()
        .withPolling(new PollPacing(Duration.ofMillis(200), Duration.ofMillis(100)))
        // The test kubelets renew every 200 ms: a 2 s nodeLostAfter is valid here.
        .withTenantPolicy(TenantPolicy.DEFAULT.withLeaseRenewal(Duration.ofMillis(200)));
  }

  private static Consumer<FlinkResilientJobSpec> ha() {
    return spec -> {
      spec.getHighAvailability().setType(HighAvailabilityType.KUBERNETES);
      spec.getHighAvailability().setStorageDir("s3://bucket/ha");
    };
  }

  /**
   * Creates the job, starts the fake for its id (RUNNING, checkpoint 12), runs the JobManager on
   * node-a and a TaskManager on node-b, and waits until status records checkpoint 12 and the
   * serving JobManager. With {@code haHolds12}, Flink's HA ConfigMap of the job holds checkpoint
   * 12.
   */
  private void deployRunning(Consumer<FlinkResilientJobSpec> tune, boolean haHolds12) {
    FlinkResilientJob job = Jobs.job(NS, NAME);
    FlinkResilientJobSpec spec = job.getSpec();
    spec.getCheckpointing().setDirectory(CHECKPOINTS);
    spec.getRecovery().setNodeLostAfter(NODE_LOST_AFTER.toSeconds() + "s");
    spec.getRecovery().setNodeSuspectAfter("0s"); // these scenarios time the Lease path
    spec.getRecovery().setHaRecoveryTimeout("5s");
    spec.getRecovery().setStuckRestartingAfter("3s");
    tune.accept(spec);
    jobId = operator.createAndAwaitJobId(job);
    flink = FakeFlinkRest.start(jobId).restarts(0).latestCompleted(checkpoint(12));
    if (haHolds12) {
      haStore(12);
    }
    operator.await("the JobManager Deployment", () -> kubelet.jobManagerDeploymentExists(NAME));
    kubelet.runJobManager(NAME, JM, "node-a", flink.port());
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
    assertThat(recoveryReasons()).isEmpty();
  }

  /** Flink's HA ConfigMap of the job with these checkpoint ids, as Flink writes it. */
  private void haStore(long... ids) {
    Map<String, String> data = new LinkedHashMap<>();
    long max = 0;
    for (long id : ids) {
      // Values are serialized state handles; the operator never decodes them.
      data.put(String.format("%s%019d", KubernetesHaLayout.CHECKPOINT_KEY_PREFIX, id), "rO0AB");
      max = Math.max(max, id);
    }
    data.put("counter", Long.toString(max + 1));
    String name = KubernetesHaLayout.jobConfigMap(NAME, jobId);
    var cm =
        new ConfigMapBuilder()
            .withNewMetadata()
            .withName(name)
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

  /**
   * Waits for the redeploy: a new JobManager Deployment stamped with the recovery attempt, and the
   * status written after it (the pass that deploys writes status once the objects exist, so a read
   * right after the Deployment appears can still see the status before it).
   */
  private List<String> taintKeys(String node) {
    var spec = client.nodes().withName(node).get().getSpec();
    return spec == null || spec.getTaints() == null
        ? List.of()
        : spec.getTaints().stream().map(t -> t.getKey()).toList();
  }

  private io.fabric8.kubernetes.api.model.Affinity jobManagerAffinity() {
    return client
        .apps()
        .deployments()
        .inNamespace(NS)
        .withName(NAME)
        .get()
        .getSpec()
        .getTemplate()
        .getSpec()
        .getAffinity();
  }

  /** The JobManager Deployment's pods may not be scheduled on {@code node}. */
  private void assertJobManagerKeptOff(String node) {
    var affinity = jobManagerAffinity();
    assertThat(affinity).as("the JobManager's affinity").isNotNull();
    assertThat(
            affinity
                .getNodeAffinity()
                .getRequiredDuringSchedulingIgnoredDuringExecution()
                .getNodeSelectorTerms())
        .allSatisfy(
            t ->
                assertThat(t.getMatchExpressions())
                    .anyMatch(
                        e ->
                            e.getKey().equals("kubernetes.io/hostname")
                                && e.getOperator().equals("NotIn")
                                && e.getValues().contains(node)));
  }

  private void awaitRedeployed() {
    operator.await(
        "a Redeploying event, the new JobManager Deployment and its record in status",
        () -> {
          String attempt = recoveryAttemptOf(NAME);
          var deployment = status().getDeployment();
          return recoveryReasons().contains("Redeploying")
              && kubelet.jobManagerDeploymentExists(NAME)
              && attempt != null
              && deployment != null
              && attempt.equals(deployment.getRecoveryAttempt());
        });
  }

  /** Plays the new cluster: JobManager and TaskManager Running, Flink restored {@code id}. */
  private void playRedeployedCluster(long id) {
    flink.restored(checkpoint(id)).jobState("RUNNING").up();
    kubelet.runJobManager(NAME, JM2, "node-b", flink.port());
    kubelet.runTaskManager(NAME, TM2, "node-b");
    kubelet.markJobManagerReady(NAME);
  }

  /** The new deployment's Flink configuration: restore path and the unchanged job id. */
  private void assertRestoreConfig(long id) {
    String yaml =
        client
            .configMaps()
            .inNamespace(NS)
            .withName("flink-config-" + NAME)
            .get()
            .getData()
            .get("config.yaml");
    Map<String, String> config =
        flatten("", Serialization.unmarshal(yaml, Map.class), new LinkedHashMap<>());
    assertThat(config)
        .as("restore path and the same job id")
        .containsEntry("execution.state-recovery.path", checkpoint(id).path())
        .containsEntry("$internal.pipeline.job-id", jobId);
    var s = status();
    assertThat(s.getJobId()).isEqualTo(jobId);
    assertThat(s.getDeployment().getRestorePath()).isEqualTo(checkpoint(id).path());
    assertThat(s.getRestoredFrom().getId()).isEqualTo(id);
  }

  /** Flink's nested config.yaml as the flat keys Flink reads. */
  private static Map<String, String> flatten(
      String prefix, Map<?, ?> yaml, Map<String, String> into) {
    yaml.forEach(
        (k, v) -> {
          String key = prefix + k;
          if (v instanceof Map<?, ?> m) {
            flatten(key + ".", m, into);
          } else {
            into.put(key, String.valueOf(v));
          }
        });
    return into;
  }

  private String recoveryAttemptOf(String name) {
    Deployment d = client.apps().deployments().inNamespace(NS).withName(name).get();
    var a = d == null ? null : d.getMetadata().getAnnotations();
    return a == null ? null : a.get(Labels.RECOVERY_ATTEMPT);
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
            "the incident closed as Recovered",
            x ->
                x.getStatus().getRecovery().getCurrent() == null
                    && !x.getStatus().getRecovery().getHistory().isEmpty()
                    && "Recovered"
                        .equals(
                            x.getStatus()
                                .getRecovery()
                                .getHistory()
                                .get(x.getStatus().getRecovery().getHistory().size() - 1)
                                .getOutcome()));
    assertThat(j.getStatus().getPhase()).isEqualTo(Phase.RUNNING);
    List<Incident> history = j.getStatus().getRecovery().getHistory();
    return history.get(history.size() - 1);
  }

  private void assertIncident(Incident i, String reason, String action, Long restored) {
    String dump = operator.describe(NS, NAME);
    assertThat(i.getReason()).as(dump).isEqualTo(reason);
    assertThat(i.getAction()).as(dump).isEqualTo(action);
    assertThat(i.getOutcome()).isEqualTo("Recovered");
    assertThat(i.getDetectionSeconds())
        .as("detectionSeconds")
        .isNotNull()
        .isGreaterThanOrEqualTo(0);
    assertThat(i.getRecoverySeconds()).as("recoverySeconds").isNotNull().isGreaterThan(0);
    assertThat(i.getRestoredCheckpointId()).as("restoredCheckpointId").isEqualTo(restored);
    System.out.printf(
        "  %s/%s: detected in %.2f s, recovered in %.2f s, restored %s%n",
        reason, action, i.getDetectionSeconds(), i.getRecoverySeconds(), restored);
  }

  /** Recovery event reasons in the order they were emitted. */
  private List<String> recoveryReasons() {
    return operator.events(NS, NAME).stream()
        .filter(e -> RECOVERY_REASONS.contains(e.getReason()))
        .sorted(Comparator.comparing((Event e) -> Instant.parse(e.getFirstTimestamp())))
        .map(Event::getReason)
        .toList();
  }

  private dev.flinkresilience.operator.api.v1alpha1.FlinkResilientJobStatus status() {
    return operator.get(NS, NAME).getStatus();
  }

  private static io.fabric8.kubernetes.api.model.Condition condition(
      FlinkResilientJob j, String type) {
    return j.getStatus().getConditions().stream()
        .filter(c -> type.equals(c.getType()))
        .findFirst()
        .orElseThrow();
  }

  /** Edits the spec, retrying on 409 (the operator writes status concurrently). */
  private void editSpec(Consumer<FlinkResilientJobSpec> edit) {
    UnaryOperator<FlinkResilientJob> change =
        j -> {
          edit.accept(j.getSpec());
          return j;
        };
    for (int attempt = 0; ; attempt++) {
      try {
        FlinkResilientJob j = operator.get(NS, NAME);
        client
            .resources(FlinkResilientJob.class)
            .inNamespace(NS)
            .resource(change.apply(j))
            .update();
        return;
      } catch (KubernetesClientException e) {
        if (e.getCode() != 409 || attempt > 10) {
          throw e;
        }
      }
    }
  }

  private static void sleep(long ms) {
    try {
      Thread.sleep(ms);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new AssertionError(e);
    }
  }
}
