package dev.flinkresilience.operator.reconcile;

import static org.assertj.core.api.Assertions.assertThat;

import dev.flinkresilience.operator.api.v1alpha1.FlinkResilientJob;
import dev.flinkresilience.operator.app.OperatorSettings;
import dev.flinkresilience.operator.testing.FakeFlinkJob;
import dev.flinkresilience.operator.testing.FakeFlinkRest;
import dev.flinkresilience.operator.testing.FakeFlinkRest.Checkpoint;
import dev.flinkresilience.operator.testing.Jobs;
import dev.flinkresilience.operator.testing.OperatorHarness;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.server.mock.EnableKubernetesMockClient;
import java.time.Duration;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * API tier: the steady poll rate across all jobs ({@link PollPacing}) as the whole operator applies
 * it. One running job, polled every 200 ms when nothing stretches it; with a rate of half a poll a
 * second its steady poll comes every 2 s instead; and once the job stops RUNNING it is polled at
 * the fast interval again. The fake counts every call it answers.
 */
@EnableKubernetesMockClient(crud = true)
@Timeout(value = 40, unit = TimeUnit.SECONDS)
class SteadyPollRateApiTest {
  private static final String NS = "streaming";
  private static final String NAME = "orders";
  private static final String CHECKPOINTS = "s3://bucket/checkpoints";
  private static final Duration WINDOW = Duration.ofSeconds(4);

  KubernetesClient client;
  private OperatorHarness operator;
  private FakeFlinkJob running;
  private FakeFlinkRest flink;

  @AfterEach
  void stop() {
    operator.close();
    if (running != null) {
      running.close();
    }
  }

  @Test
  void unstretchedARunningJobIsPolledAtTheSteadyInterval() throws InterruptedException {
    runSteadily(0);
    // Every 200 ms: about 20 polls in the window, each at least one call.
    assertThat(callsIn(WINDOW)).isGreaterThanOrEqualTo(12);
  }

  @Test
  void overTheRateARunningJobIsPolledLessOftenAndAMovingOneFastAgain() throws InterruptedException {
    runSteadily(0.5);
    // One job at half a poll a second: every 2 s, two polls in the window (a steady poll asks
    // /jobs/:id, and the checkpoints or the restart metric only when due).
    assertThat(callsIn(WINDOW)).isBetween(1, 6);

    flink.jobState("RESTARTING");
    operator.awaitJob(NS, NAME, "job RESTARTING seen", j -> "RESTARTING".equals(state(j)));
    // Moving: every 100 ms whatever the rate.
    assertThat(callsIn(Duration.ofSeconds(2))).isGreaterThanOrEqualTo(10);
  }

  /** Deploys the job with the given steady rate and waits until it runs with checkpoint 12. */
  private void runSteadily(double steadyRate) throws InterruptedException {
    operator =
        OperatorHarness.start(
            client,
            OperatorSettings.allNamespaces()
                .withPolling(
                    new PollPacing(Duration.ofMillis(200), Duration.ofMillis(100), steadyRate)));
    FlinkResilientJob job = Jobs.job(NS, NAME);
    job.getSpec().getCheckpointing().setDirectory(CHECKPOINTS);
    running =
        FakeFlinkJob.deploy(
            operator,
            client,
            job,
            f -> f.restarts(0).latestCompleted(Checkpoint.at(CHECKPOINTS, f.jobId(), 12)));
    flink = running.flink();
    operator.awaitJob(
        NS,
        NAME,
        "checkpoint 12 recorded, job RUNNING, phase Running",
        j ->
            j.getStatus() != null
                && j.getStatus().getLatestCheckpoint() != null
                && j.getStatus().getLatestCheckpoint().getId() == 12
                && "RUNNING".equals(state(j))
                && j.getStatus().getPhase()
                    == dev.flinkresilience.operator.api.v1alpha1.Phase.RUNNING
                && j.getStatus().getObservation() == null);
    // The pass that saw it running set the steady pace; a poll already scheduled at the fast one
    // may still come.
    Thread.sleep(500);
  }

  private int callsIn(Duration window) throws InterruptedException {
    int before = flink.requests();
    Thread.sleep(window.toMillis());
    return flink.requests() - before;
  }

  private static String state(FlinkResilientJob j) {
    return j.getStatus() == null ? null : j.getStatus().getJobState();
  }
}
