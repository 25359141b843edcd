package dev.flinkresilience.operator.reconcile;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.ObjectMapper;
import dev.flinkresilience.operator.api.v1alpha1.FlinkResilientJob;
import dev.flinkresilience.operator.api.v1alpha1.JobState;
import dev.flinkresilience.operator.api.v1alpha1.Phase;
import dev.flinkresilience.operator.api.v1alpha1.UpgradeMode;
import dev.flinkresilience.operator.app.OperatorSettings;
import dev.flinkresilience.operator.testing.FakeFlinkJob;
import dev.flinkresilience.operator.testing.FakeFlinkRest;
import dev.flinkresilience.operator.testing.FakeFlinkRest.Checkpoint;
import dev.flinkresilience.operator.testing.Jobs;
import dev.flinkresilience.operator.testing.OperatorHarness;
import io.fabric8.kubernetes.api.model.Event;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientException;
import io.fabric8.kubernetes.client.server.mock.EnableKubernetesMockClient;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * API tier: a spec change of a running job with {@code upgradeMode: savepoint}, through the whole
 * operator (reconciler, poller, the stop's tracker, status writes) against the in-process API
 * server and a scripted Flink REST API that takes stop-with-savepoint requests.
 */
@EnableKubernetesMockClient(crud = true)
@Timeout(value = 60, unit = TimeUnit.SECONDS)
class StopWithSavepointApiTest {
  private static final String NS = "streaming";
  private static final String NAME = "orders";
  private static final String CHECKPOINTS = "s3://bucket/checkpoints";
  private static final String SAVEPOINTS = "s3://bucket/savepoints";

  KubernetesClient client;
  private OperatorHarness operator;
  private FakeFlinkJob running;
  private FakeFlinkRest flink;

  @BeforeEach
  void start() {
    operator =
        OperatorHarness.start(
            client,
            OperatorSettings.allNamespaces()
                .withPolling(new PollPacing(Duration.ofMillis(200), Duration.ofMillis(100))));
  }

  @AfterEach
  void stop() {
    operator.close();
    if (running != null) {
      running.close();
    }
  }

  @Test
  void anUpgradeStopsWithOneSavepointAndDeploysFromExactlyIt() throws Exception {
    String jobId = deployRunning(UpgradeMode.SAVEPOINT);

    edit(j -> j.getSpec().getJob().setParallelism(3));

    FlinkResilientJob upgraded =
        operator.awaitJob(
            NS,
            NAME,
            "the upgrade deployed",
            j ->
                j.getStatus().getDeployment() != null
                    && j.getStatus().getDeployment().getSerial() == 2L
                    && j.getStatus().getOperation() == null);
    assertThat(flink.stopRequests()).as("one stop sent").hasSize(1);
    var stop = new ObjectMapper().readTree(flink.stopRequests().get(0));
    String trigger = stop.get("triggerId").asText();
    assertThat(trigger).matches("[0-9a-f]{32}");
    assertThat(stop.get("targetDirectory").asText()).isEqualTo(SAVEPOINTS);
    assertThat(stop.get("drain").asBoolean()).isFalse();
    String savepoint = flink.savepointPath(trigger);
    assertThat(upgraded.getStatus().getDeployment().getRestorePath()).isEqualTo(savepoint);
    assertThat(upgraded.getStatus().getRestoredFrom().getSource()).isEqualTo("stopWithSavepoint");
    assertThat(upgraded.getStatus().getLatestSavepoint().getPath()).isEqualTo(savepoint);
    assertThat(upgraded.getStatus().getLatestSavepoint().getTriggerReason()).startsWith("Upgrade");
    assertThat(upgraded.getStatus().getJobId()).isNotEqualTo(jobId);
    assertThat(
            client
                .configMaps()
                .inNamespace(NS)
                .withName("flink-config-" + NAME)
                .get()
                .getData()
                .get("config.yaml"))
        .contains(savepoint);
    assertThat(reasons())
        .contains("UpgradeStarted", "StoppingWithSavepoint", "SavepointTaken", "DeletingCluster")
        .doesNotContain("SavepointFallback");
  }

  @Test
  void aSuspendStopsWithASavepointAndTheResumeStartsFromIt() {
    deployRunning(UpgradeMode.SAVEPOINT);

    edit(j -> j.getSpec().getJob().setState(JobState.SUSPENDED));
    FlinkResilientJob suspended =
        operator.awaitJob(
            NS,
            NAME,
            "suspended, with the stop's savepoint kept",
            j ->
                j.getStatus().getPhase() == Phase.SUSPENDED
                    && j.getStatus().getOperation() == null
                    && j.getStatus().getFinalSavepoint() != null);
    assertThat(flink.stopRequests()).hasSize(1);
    String trigger = triggerOf(flink.stopRequests().get(0));
    assertThat(suspended.getStatus().getFinalSavepoint().getPath())
        .isEqualTo(flink.savepointPath(trigger));
    assertThat(suspended.getStatus().getFinalSavepoint().getTriggerReason()).startsWith("Suspend");

    edit(j -> j.getSpec().getJob().setState(JobState.RUNNING));
    FlinkResilientJob resumed =
        operator.awaitJob(
            NS,
            NAME,
            "resumed",
            j ->
                j.getStatus().getDeployment() != null
                    && j.getStatus().getDeployment().getSerial() == 2L);
    assertThat(resumed.getStatus().getDeployment().getRestorePath())
        .isEqualTo(flink.savepointPath(trigger));
    assertThat(resumed.getStatus().getFinalSavepoint()).as("spent by the resume").isNull();
    assertThat(reasons()).doesNotContain("SavepointFallback");
  }

  @Test
  void anOperatorRestartedMidStopFollowsTheSameStop() throws Exception {
    deployRunning(UpgradeMode.SAVEPOINT);
    flink.savepointDoneAtRead(8); // reads are 1 s apart: the stop outlives the first operator
    edit(j -> j.getSpec().getJob().setParallelism(3));
    operator.await("the stop sent", () -> !flink.stopRequests().isEmpty());
    String trigger = operator.get(NS, NAME).getStatus().getOperation().getSavepointTriggerId();
    assertThat(trigger).isNotNull();

    operator.close();
    operator =
        OperatorHarness.start(
            client,
            OperatorSettings.allNamespaces()
                .withPolling(new PollPacing(Duration.ofMillis(200), Duration.ofMillis(100))));

    FlinkResilientJob upgraded =
        operator.awaitJob(
            NS,
            NAME,
            "the upgrade deployed",
            j ->
                j.getStatus().getDeployment() != null
                    && j.getStatus().getDeployment().getSerial() == 2L
                    && j.getStatus().getOperation() == null);
    assertThat(flink.stopRequests())
        .as("the new operator read the stop in status and did not send another")
        .hasSize(1);
    assertThat(upgraded.getStatus().getDeployment().getRestorePath())
        .isEqualTo(flink.savepointPath(trigger));
  }

  @Test
  void aJobThatIsNotRunningFallsBackToLastStateAndSaysSo() {
    deployRunning(UpgradeMode.SAVEPOINT);
    flink.jobState("RESTARTING");
    operator.awaitJob(
        NS, NAME, "RESTARTING seen", j -> "RESTARTING".equals(j.getStatus().getJobState()));

    edit(j -> j.getSpec().getJob().setParallelism(3));

    operator.await(
        "a SavepointFallback Warning",
        () ->
            operator.events(NS, NAME).stream()
                .anyMatch(
                    e ->
                        "Warning".equals(e.getType())
                            && "SavepointFallback".equals(e.getReason())
                            && e.getMessage().contains("RESTARTING, not RUNNING")));
    assertThat(flink.stopRequests()).as("no stop sent to a job that is not running").isEmpty();
  }

  private String deployRunning(UpgradeMode mode) {
    FlinkResilientJob job = Jobs.job(NS, NAME);
    job.getSpec().getCheckpointing().setDirectory(CHECKPOINTS);
    job.getSpec().getCheckpointing().setSavepointDirectory(SAVEPOINTS);
    job.getSpec().getJob().setUpgradeMode(mode);
    running =
        FakeFlinkJob.deploy(
            operator,
            client,
            job,
            f -> f.restarts(0).latestCompleted(Checkpoint.at(CHECKPOINTS, f.jobId(), 12)));
    flink = running.flink();
    operator.awaitJob(NS, NAME, "job RUNNING", j -> "RUNNING".equals(j.getStatus().getJobState()));
    return running.jobId();
  }

  private static String triggerOf(String stopRequest) {
    try {
      return new ObjectMapper().readTree(stopRequest).get("triggerId").asText();
    } catch (java.io.IOException e) {
      throw new java.io.UncheckedIOException(e);
    }
  }

  private List<String> reasons() {
    return operator.events(NS, NAME).stream().map(Event::getReason).toList();
  }

  private void edit(Consumer<FlinkResilientJob> change) {
    for (int attempt = 1; ; attempt++) {
      try {
        client
            .resources(FlinkResilientJob.class)
            .inNamespace(NS)
            .withName(NAME)
            .edit(
                j -> {
                  change.accept(j);
                  return j;
                });
        return;
      } catch (KubernetesClientException e) {
        if (e.getCode() != 409 || attempt >= 5) {
          throw e;
        }
      }
    }
  }
}
