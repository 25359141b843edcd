package dev.flinkresilience.operator.reconcile;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.flinkresilience.operator.api.v1alpha1.CheckpointRef;
import dev.flinkresilience.operator.api.v1alpha1.FlinkResilientJob;
import dev.flinkresilience.operator.api.v1alpha1.FlinkResilientJobStatus;
import dev.flinkresilience.operator.api.v1alpha1.Phase;
import dev.flinkresilience.operator.api.v1alpha1.RestartStrategyType;
import dev.flinkresilience.operator.app.OperatorSettings;
import dev.flinkresilience.operator.testing.Jobs;
import dev.flinkresilience.operator.testing.Kubelet;
import dev.flinkresilience.operator.testing.OperatorHarness;
import dev.flinkresilience.operator.testing.RealFlink;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.server.mock.EnableKubernetesMockClient;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.apache.flink.api.common.JobID;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * Flink tier: the whole operator (informers, poller, REST client, ledger, status writes) against a
 * real Flink MiniCluster. The in-process API server has no kubelet, so the test plays it: it
 * reports the JobManager pod Running at the MiniCluster's address, and submits the job with the id
 * the operator fixed for the deployment, as Flink's application mode would.
 */
@EnableKubernetesMockClient(crud = true)
class RealFlinkObservationTest {
  private static final String NS = "streaming";
  private static final Duration STEADY = Duration.ofMillis(500);
  private static final Duration FAST = Duration.ofMillis(200);

  KubernetesClient client;
  @TempDir Path temp;

  private OperatorHarness operator;
  private RealFlink flink;
  private Kubelet kubelet;
  private String checkpointDir;

  @BeforeEach
  void start() throws Exception {
    checkpointDir = temp.resolve("checkpoints").toUri().toString();
    flink = RealFlink.start(checkpointDir, "300 ms", 2, "1 s");
    operator =
        OperatorHarness.start(
            client, OperatorSettings.allNamespaces().withPolling(new PollPacing(STEADY, FAST)));
    kubelet = new Kubelet(client, NS, 1000);
  }

  @AfterEach
  void stop() throws Exception {
    kubelet.close();
    operator.close();
    flink.close();
  }

  @Test
  @Timeout(value = 120, unit = TimeUnit.SECONDS)
  void recordedCheckpointFollowsFlinkAndRestoresWithItsKeyedState() throws Exception {
    JobID jobId = deployAndPlayKubelet("orders");
    flink.submitCounter(jobId, "first", null);

    List<Long> lagsMillis = followCheckpoints("orders", jobId, 6);
    System.out.printf(
        "poll-to-status lag over %d checkpoints (steady poll %d ms): p50 %d ms, max %d ms%n",
        lagsMillis.size(),
        STEADY.toMillis(),
        lagsMillis.stream().sorted().toList().get(lagsMillis.size() / 2),
        lagsMillis.stream().mapToLong(Long::longValue).max().orElseThrow());
    // One poll, plus the status write and its watch event reaching this test.
    assertThat(lagsMillis).allSatisfy(lag -> assertThat(lag).isLessThan(STEADY.toMillis() + 1500));

    FlinkResilientJobStatus running = status("orders");
    assertThat(running.getPhase()).as("steady polling was measured").isEqualTo(Phase.RUNNING);
    assertThat(running.getJobState()).isEqualTo("RUNNING");
    assertThat(running.getFlinkRestarts().getTotal()).isZero();
    assertThat(running.getFlinkRestarts().getRemaining()).isEqualTo(2);

    flink.cancel(jobId);
    JsonNode lastReal = flink.get("/jobs/" + jobId + "/checkpoints").at("/latest/completed");
    long lastId = lastReal.get("id").asLong();
    CheckpointRef recorded =
        operator
            .awaitJob(
                NS,
                "orders",
                "the last checkpoint before the cancel, " + lastId,
                j -> j.getStatus().getLatestCheckpoint().getId() == lastId)
            .getStatus()
            .getLatestCheckpoint();
    assertThat(recorded.getPath()).isEqualTo(lastReal.get("external_path").asText());

    JobID restoredId = JobID.generate();
    flink.submitCounter(restoredId, "restored", recorded.getPath());
    JsonNode restored = awaitRestored(restoredId);
    assertThat(restored.get("id").asLong()).isEqualTo(recorded.getId());
    assertThat(restored.get("external_path").asText()).isEqualTo(recorded.getPath());

    List<long[]> afterRestore = awaitSeen("restored", 50);
    assertThat(afterRestore.get(0)[0])
        .as("the source resumed from the checkpoint, not from 0")
        .isGreaterThan(0);
    assertThat(afterRestore)
        .as("every number n counted as n / 4 + 1: keyed state came back intact")
        .allSatisfy(seen -> assertThat(seen[1]).isEqualTo(seen[0] / 4 + 1));
  }

  @Test
  @Timeout(value = 120, unit = TimeUnit.SECONDS)
  void aFailingJobIsSeenRestartingWithItsAttemptsThenFailed() throws Exception {
    JobID jobId = deployAndPlayKubelet("failing");
    flink.submitFailing(jobId);

    Map<String, FlinkResilientJobStatus> states = new LinkedHashMap<>();
    long deadline = System.nanoTime() + Duration.ofSeconds(60).toNanos();
    while (System.nanoTime() < deadline) {
      FlinkResilientJobStatus s = status("failing");
      if (s.getJobState() != null && s.getFlinkRestarts() != null) {
        states.put(s.getJobState() + "/" + s.getFlinkRestarts().getTotal(), s);
        if ("FAILED".equals(s.getJobState()) && s.getFlinkRestarts().getTotal() == 2) {
          break;
        }
      }
      Thread.sleep(20);
    }
    System.out.println("state/restarts seen in status: " + states.keySet());
    assertThat(states.values())
        .as("seen RESTARTING, with remaining = attempts - restarts")
        .anySatisfy(
            s -> {
              assertThat(s.getJobState()).isEqualTo("RESTARTING");
              assertThat(s.getFlinkRestarts().getRemaining())
                  .isEqualTo(2 - s.getFlinkRestarts().getTotal());
            });
    FlinkResilientJobStatus failed = states.get("FAILED/2");
    assertThat(failed).as("FAILED after 2 restarts, in " + states.keySet()).isNotNull();
    assertThat(failed.getFlinkRestarts().getRemaining()).isZero();
  }

  /** Creates the resource, waits for its job id, and reports its JobManager pod Running. */
  private JobID deployAndPlayKubelet(String name) {
    FlinkResilientJob job = Jobs.job(NS, name);
    job.getSpec().getCheckpointing().setDirectory(checkpointDir);
    job.getSpec().getRestartStrategy().setType(RestartStrategyType.FIXED_DELAY);
    job.getSpec().getRestartStrategy().getFixedDelay().setAttempts(2);
    job.getSpec().getRestartStrategy().getFixedDelay().setDelay("1s");
    // Observation only: with no redeploy budget, a FAILED job is given up on and stays FAILED in
    // status, rather than torn down (with the pod this test plays) before a sample sees it.
    job.getSpec().getRecovery().getBudget().setMaxRedeploys(0);
    String jobId = operator.createAndAwaitJobId(job);
    kubelet.runJobManager(name, name + "-jobmanager-0", null, flink.restPort());
    operator.await("the JobManager Deployment", () -> kubelet.jobManagerDeploymentExists(name));
    kubelet.markJobManagerReady(name);
    return JobID.fromHexString(jobId);
  }

  /**
   * For each of the next {@code count} checkpoints Flink completes, how long after REST first
   * reports it the status shows it (or a later one).
   */
  private List<Long> followCheckpoints(String name, JobID jobId, int count) throws Exception {
    List<Long> lags = new ArrayList<>();
    long pending = -1;
    long pendingSince = 0;
    long deadline = System.nanoTime() + Duration.ofSeconds(60).toNanos();
    while (lags.size() < count && System.nanoTime() < deadline) {
      long now = System.nanoTime();
      if (pending < 0) {
        JsonNode stats = flink.get("/jobs/" + jobId + "/checkpoints");
        long real = stats == null ? -1 : stats.at("/latest/completed/id").asLong(-1);
        CheckpointRef recorded = status(name).getLatestCheckpoint();
        if (real > 0 && (recorded == null || recorded.getId() < real)) {
          pending = real;
          pendingSince = now;
        }
      } else {
        CheckpointRef recorded = status(name).getLatestCheckpoint();
        if (recorded != null && recorded.getId() >= pending) {
          lags.add(Duration.ofNanos(now - pendingSince).toMillis());
          pending = -1;
        }
      }
      Thread.sleep(10);
    }
    assertThat(lags)
        .as(
            "checkpoints followed; Flink says %s%n%s",
            flink.get("/jobs/" + jobId + "/checkpoints").at("/latest/completed"),
            operator.describe(NS, name))
        .hasSize(count);
    return lags;
  }

  private JsonNode awaitRestored(JobID id) throws Exception {
    long deadline = System.nanoTime() + Duration.ofSeconds(30).toNanos();
    while (System.nanoTime() < deadline) {
      JsonNode stats = flink.get("/jobs/" + id + "/checkpoints");
      JsonNode restored = stats == null ? null : stats.at("/latest/restored");
      if (restored != null && restored.has("id")) {
        return restored;
      }
      Thread.sleep(50);
    }
    throw new AssertionError("job " + id + " reported no restored checkpoint");
  }

  private static List<long[]> awaitSeen(String run, int atLeast) throws InterruptedException {
    long deadline = System.nanoTime() + Duration.ofSeconds(30).toNanos();
    while (RealFlink.seen(run).size() < atLeast) {
      if (System.nanoTime() > deadline) {
        throw new AssertionError(run + " processed only " + RealFlink.seen(run).size());
      }
      Thread.sleep(20);
    }
    return RealFlink.seen(run);
  }

  private FlinkResilientJobStatus status(String name) {
    FlinkResilientJob job = operator.get(NS, name);
    return job.getStatus() == null ? new FlinkResilientJobStatus() : job.getStatus();
  }
}
