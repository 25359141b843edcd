package dev.flinkresilience.operator.reconcile;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.flinkresilience.operator.api.v1alpha1.FlinkResilientJob;
import dev.flinkresilience.operator.api.v1alpha1.SavepointHistorySpec;
import dev.flinkresilience.operator.api.v1alpha1.SavepointReason;
import dev.flinkresilience.operator.api.v1alpha1.SavepointRecord;
import dev.flinkresilience.operator.api.v1alpha1.SavepointResult;
import dev.flinkresilience.operator.app.OperatorSettings;
import dev.flinkresilience.operator.testing.FakeFlinkJob;
import dev.flinkresilience.operator.testing.FakeFlinkRest;
import dev.flinkresilience.operator.testing.FakeFlinkRest.Checkpoint;
import dev.flinkresilience.operator.testing.Jobs;
import dev.flinkresilience.operator.testing.OperatorHarness;
import dev.flinkresilience.operator.testing.ShiftedClock;
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
 * API tier: savepoints of a running job, on demand ({@code savepointNonce}) and on a schedule
 * ({@code savepointInterval}), and their retention, through the whole operator against the
 * in-process API server and a scripted Flink REST API. Time is shifted, not waited for: the
 * operator's clock (and its poller's) runs ahead on demand; node detection is off, so no Lease
 * looks stale for it.
 */
@EnableKubernetesMockClient(crud = true)
@Timeout(value = 60, unit = TimeUnit.SECONDS)
class SavepointScheduleApiTest {
  private static final String NS = "streaming";
  private static final String NAME = "orders";
  private static final String CHECKPOINTS = "s3://bucket/checkpoints";
  private static final String SAVEPOINTS = "s3://bucket/savepoints";
  private static final ObjectMapper JSON = new ObjectMapper();

  KubernetesClient client;
  private final ShiftedClock clock = new ShiftedClock();
  private OperatorHarness operator;
  private FakeFlinkJob running;
  private FakeFlinkRest flink;

  @BeforeEach
  void start() {
    operator = startOperator();
  }

  @AfterEach
  void stop() {
    operator.close();
    if (running != null) {
      running.close();
    }
  }

  @Test
  void aNewNonceTakesOneSavepointAndTheJobKeepsRunning() throws Exception {
    deployRunning(j -> {});

    edit(j -> j.getSpec().getJob().setSavepointNonce(1));

    FlinkResilientJob done = awaitCompleted(1);
    SavepointRecord taken = done.getStatus().getSavepoints().get(0);
    assertThat(taken.getReason()).isEqualTo(SavepointReason.MANUAL);
    assertThat(taken.getNonce()).isEqualTo(1L);
    assertThat(done.getStatus().getLastSavepointNonce()).isEqualTo(1L);
    assertThat(flink.savepointRequests()).as("one savepoint sent").hasSize(1);
    JsonNode request = JSON.readTree(flink.savepointRequests().get(0));
    assertThat(request.get("triggerId").asText()).isEqualTo(taken.getTriggerId());
    assertThat(request.get("cancel-job").asBoolean()).isFalse();
    assertThat(request.get("target-directory").asText()).isEqualTo(SAVEPOINTS);
    assertThat(taken.getPath()).isEqualTo(flink.savepointPath(taken.getTriggerId()));
    assertThat(flink.stopRequests()).as("the job is not stopped").isEmpty();
    assertThat(done.getStatus().getDeployment().getSerial()).as("not redeployed").isEqualTo(1L);
    assertThat(done.getStatus().getOperation()).isNull();
    operator.awaitJob(
        NS,
        NAME,
        "the latest savepoint (kubectl get's Savepoint Age) from Flink's statistics",
        j ->
            j.getStatus().getLatestSavepoint() != null
                && taken.getPath().equals(j.getStatus().getLatestSavepoint().getPath())
                && j.getStatus().getLatestSavepoint().getCompletedAt() != null);
    assertThat(reasons()).contains("SavepointTriggered", "SavepointCompleted");
    assertThat(reasons()).doesNotContain("UpgradeStarted", "DeletingCluster");
  }

  @Test
  void anOperatorRestartedMidSavepointFollowsTheSameOne() {
    deployRunning(j -> {});
    flink.savepointDoneAtRead(8); // reads are 1 s apart: the savepoint outlives the first operator
    edit(j -> j.getSpec().getJob().setSavepointNonce(1));
    operator.await("the savepoint sent", () -> !flink.savepointRequests().isEmpty());

    operator.close();
    operator = startOperator();

    awaitCompleted(1);
    assertThat(flink.savepointRequests())
        .as("the new operator read the trigger id in status and sent no second savepoint")
        .hasSize(1);
    assertThat(operator.get(NS, NAME).getStatus().getSavepoints()).hasSize(1);
  }

  @Test
  void periodicSavepointsAreTimedFromStatusAcrossAnOperatorRestart() {
    deployRunning(j -> j.getSpec().getJob().setSavepointInterval("1h"));
    sleep(1_500);
    assertThat(flink.savepointRequests()).as("none before the interval").isEmpty();

    advance(Duration.ofMinutes(61));
    FlinkResilientJob first = awaitCompleted(1);
    assertThat(first.getStatus().getSavepoints().get(0).getReason())
        .isEqualTo(SavepointReason.PERIODIC);

    operator.close();
    operator = startOperator();
    operator.awaitJob(
        NS, NAME, "the new operator running the job", j -> j.getStatus().getMessage() != null);
    advance(Duration.ofMinutes(30));
    sleep(3_000);
    assertThat(flink.savepointRequests())
        .as("a restarted operator neither resets nor doubles the schedule: none 30 min after")
        .hasSize(1);

    advance(Duration.ofMinutes(31));
    awaitCompleted(2);
    assertThat(flink.savepointRequests()).hasSize(2);
  }

  @Test
  void retentionDisposesTheOldOnesNeverTheNewestAndRetriesAFailure() {
    deployRunning(
        j -> {
          var history = new SavepointHistorySpec();
          history.setMaxCount(1);
          j.getSpec().getJob().setSavepointHistory(history);
        });
    edit(j -> j.getSpec().getJob().setSavepointNonce(1));
    String first = awaitCompleted(1).getStatus().getSavepoints().get(0).getPath();

    edit(j -> j.getSpec().getJob().setSavepointNonce(2));
    operator.await("the first disposed", () -> flink.disposalRequests().contains(first));
    FlinkResilientJob after =
        operator.awaitJob(
            NS,
            NAME,
            "the disposed savepoint gone from status",
            j ->
                j.getStatus().getSavepoints().size() == 1
                    && j.getStatus().getSavepoints().get(0).getResult()
                        == SavepointResult.COMPLETED);
    String second = after.getStatus().getSavepoints().get(0).getPath();
    assertThat(second).isNotEqualTo(first);
    assertThat(reasons()).contains("SavepointDisposed");

    flink.failDisposals(1);
    edit(j -> j.getSpec().getJob().setSavepointNonce(3));
    operator.await(
        "a Warning for the failed disposal",
        () ->
            operator.events(NS, NAME).stream()
                .anyMatch(
                    e ->
                        "SavepointDisposalFailed".equals(e.getReason())
                            && e.getMessage().contains(second)
                            && e.getMessage().contains("scripted permission denied")));
    // A pass emits its events before it writes its status: the record follows the Warning.
    FlinkResilientJob failed =
        operator.awaitJob(
            NS,
            NAME,
            "the failed disposal recorded",
            j ->
                j.getStatus().getSavepoints().stream()
                    .anyMatch(r -> second.equals(r.getPath()) && r.getDisposeAttempts() != null));
    SavepointRecord kept =
        failed.getStatus().getSavepoints().stream()
            .filter(r -> second.equals(r.getPath()))
            .findFirst()
            .orElseThrow();
    assertThat(kept.getDisposeAttempts()).isEqualTo(1);
    assertThat(kept.getDisposeRetryAt()).isNotNull();
    sleep(2_000);
    assertThat(flink.disposalRequests().stream().filter(second::equals))
        .as("not retried before its time")
        .hasSize(1);

    advance(Duration.ofMinutes(2));
    operator.awaitJob(
        NS,
        NAME,
        "the retry disposed it",
        j -> j.getStatus().getSavepoints().stream().noneMatch(r -> second.equals(r.getPath())));
    String newest = operator.get(NS, NAME).getStatus().getSavepoints().get(0).getPath();
    assertThat(flink.disposalRequests()).as("the newest never").doesNotContain(newest);
    assertThat(flink.disposalRequests()).containsExactly(first, second, second);
  }

  /**
   * Time passes: the clock jumps, and a checkpoint completes, which the poller reports (a pass
   * scheduled for the old time would come only when the real time got there).
   */
  private void advance(Duration by) {
    clock.shift(by);
    flink.nextCheckpoint(CHECKPOINTS, clock.instant());
  }

  private OperatorHarness startOperator() {
    return OperatorHarness.start(
        client,
        OperatorSettings.allNamespaces()
            .withNodeDetection(false)
            .withPolling(new PollPacing(Duration.ofMillis(200), Duration.ofMillis(100))),
        clock);
  }

  private FlinkResilientJob awaitCompleted(int count) {
    return operator.awaitJob(
        NS,
        NAME,
        count + " savepoint(s) completed",
        j ->
            j.getStatus().getSavepoints().stream()
                    .filter(r -> r.getResult() == SavepointResult.COMPLETED)
                    .count()
                >= count);
  }

  private void deployRunning(Consumer<FlinkResilientJob> change) {
    FlinkResilientJob job = Jobs.job(NS, NAME);
    job.getSpec().getCheckpointing().setDirectory(CHECKPOINTS);
    job.getSpec().getCheckpointing().setSavepointDirectory(SAVEPOINTS);
    change.accept(job);
    // Completed now, after the deployment: a savepoint waits for the deployment's first checkpoint.
    running =
        FakeFlinkJob.deploy(
            operator,
            client,
            job,
            f ->
                f.restarts(0)
                    .latestCompleted(
                        new Checkpoint(
                            12, CHECKPOINTS + "/" + f.jobId() + "/chk-12", clock.instant())));
    flink = running.flink();
    operator.awaitJob(NS, NAME, "job RUNNING", j -> "RUNNING".equals(j.getStatus().getJobState()));
  }

  private List<String> reasons() {
    return operator.events(NS, NAME).stream().map(Event::getReason).toList();
  }

  private static void sleep(long millis) {
    try {
      Thread.sleep(millis);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException(e);
    }
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
