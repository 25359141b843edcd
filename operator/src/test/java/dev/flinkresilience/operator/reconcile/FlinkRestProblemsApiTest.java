package dev.flinkresilience.operator.reconcile;

import static org.assertj.core.api.Assertions.assertThat;

import dev.flinkresilience.operator.api.v1alpha1.FlinkResilientJob;
import dev.flinkresilience.operator.api.v1alpha1.FlinkResilientJobStatus;
import dev.flinkresilience.operator.app.OperatorSettings;
import dev.flinkresilience.operator.testing.FakeFlinkJob;
import dev.flinkresilience.operator.testing.FakeFlinkRest;
import dev.flinkresilience.operator.testing.FakeFlinkRest.Checkpoint;
import dev.flinkresilience.operator.testing.FakeFlinkRest.Failure;
import dev.flinkresilience.operator.testing.Jobs;
import dev.flinkresilience.operator.testing.OperatorHarness;
import io.fabric8.kubernetes.api.model.Condition;
import io.fabric8.kubernetes.api.model.Event;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.server.mock.EnableKubernetesMockClient;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;
import java.util.function.Predicate;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * API tier: the whole operator against the in-process API server and a scripted Flink REST API that
 * turns hostile. The test plays the kubelet (a Running JobManager pod at the fake's address). Over
 * every window it samples status and checks that the recorded checkpoint never went down.
 */
@EnableKubernetesMockClient(crud = true)
@Timeout(value = 40, unit = TimeUnit.SECONDS)
class FlinkRestProblemsApiTest {
  private static final String NS = "streaming";
  private static final String NAME = "orders";
  private static final String CHECKPOINTS = "s3://bucket/checkpoints";
  private static final long RECORDED = 12;

  KubernetesClient client;
  private OperatorHarness operator;
  private FakeFlinkJob running;
  private FakeFlinkRest flink;

  /** Each hostile answer, how to cause and end it, and what the message should name. */
  enum Hostile {
    TIMEOUT("no answer within 3000 ms") {
      @Override
      void begin(FakeFlinkRest f) {
        f.fail(Failure.HANG);
      }
    },
    JOB_GONE("HTTP 404") {
      @Override
      void begin(FakeFlinkRest f) {
        f.fail(Failure.NOT_FOUND);
      }
    },
    SERVER_ERROR_ON_JOB_DETAILS("HTTP 500") {
      @Override
      void begin(FakeFlinkRest f) {
        f.fail(Failure.SERVER_ERROR);
      }
    },
    GARBAGE_JSON("not JSON") {
      @Override
      void begin(FakeFlinkRest f) {
        f.fail(Failure.GARBAGE);
      }
    },
    SERVER_DOWN("cannot connect") {
      @Override
      void begin(FakeFlinkRest f) {
        f.down();
      }
    };

    final String named;

    Hostile(String named) {
      this.named = named;
    }

    abstract void begin(FakeFlinkRest f);

    void end(FakeFlinkRest f) {
      f.up();
      f.fail(Failure.NONE);
    }
  }

  @BeforeEach
  void start() {
    // Fast polls keep the class short; REST calls still time out after 3 s (the floor).
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

  @ParameterizedTest
  @EnumSource(Hostile.class)
  void aLastingProblemIsReportedOnceAndNeverLowersTheRecord(Hostile hostile) {
    deployHealthyWithCheckpoint12();

    hostile.begin(flink);
    FlinkResilientJob degraded =
        awaitNeverBelow12(
            "Degraded=True FlinkRestUnavailable",
            j ->
                degraded(j)
                    .filter(c -> "True".equals(c.getStatus()))
                    .filter(c -> "FlinkRestUnavailable".equals(c.getReason()))
                    .isPresent());
    assertThat(degraded.getStatus().getMessage()).contains("Flink REST: ").contains(hostile.named);
    assertThat(degraded(degraded).orElseThrow().getMessage()).contains(hostile.named);
    int failedPolls = degraded.getStatus().getObservation().getFailedPolls();
    assertThat(failedPolls).isGreaterThanOrEqualTo(3);

    awaitNeverBelow12(
        "status still written: another failed poll, which must not warn again",
        j ->
            j.getStatus().getObservation() != null
                && j.getStatus().getObservation().getFailedPolls() > failedPolls);
    assertThat(events("Warning", "FlinkRestUnavailable"))
        .as("one Warning for one lasting problem\n%s", operator.describe(NS, NAME))
        .hasSize(1);
    assertThat(events("Warning", "FlinkRestUnavailable").get(0).getMessage())
        .contains(hostile.named);

    hostile.end(flink);
    flink.latestCompleted(Checkpoint.at(CHECKPOINTS, jobId(), 13));
    awaitNeverBelow12(
        "Degraded=False and checkpoint 13 after recovery",
        j ->
            degraded(j).filter(c -> "False".equals(c.getStatus())).isPresent()
                && j.getStatus().getLatestCheckpoint().getId() == 13);
    operator.await(
        "a Normal FlinkRestRecovered event",
        () -> events("Normal", "FlinkRestRecovered").size() == 1);
    assertThat(events("Warning", "FlinkRestUnavailable")).hasSize(1);
  }

  @Test
  void aServerErrorOnCheckpointsWhileInitializingIsNoProblem() {
    deploy(f -> f.jobState("INITIALIZING").failCheckpoints(Failure.SERVER_ERROR));
    operator.awaitJob(NS, NAME, "job INITIALIZING", j -> "INITIALIZING".equals(state(j)));
    int before = flink.requests();
    watchFor(
        "ten more polls of an initializing job",
        () -> flink.requests() >= before + 30,
        j -> {
          assertThat(j.getStatus().getObservation()).as("no failed poll counted").isNull();
          assertThat(degraded(j).map(Condition::getStatus)).isNotEqualTo(Optional.of("True"));
        });
    assertThat(events("Warning", "FlinkRestUnavailable")).isEmpty();

    flink
        .jobState("RUNNING")
        .failCheckpoints(Failure.NONE)
        .latestCompleted(Checkpoint.at(CHECKPOINTS, jobId(), 1));
    operator.awaitJob(NS, NAME, "checkpoint 1 once running", j -> checkpointId(j) == 1);
  }

  @Test
  void anOlderCheckpointReportedNeverLowersTheRecord() {
    deployHealthyWithCheckpoint12();
    String jobId = jobId();
    flink
        .latestCompleted(Checkpoint.at(CHECKPOINTS, jobId, 9))
        .latestSavepoint(Checkpoint.at(CHECKPOINTS, jobId, 8));
    int before = flink.requests();
    watchFor(
        "five polls reporting checkpoint 9",
        () -> flink.requests() >= before + 15,
        j -> assertThat(checkpointId(j)).isEqualTo(RECORDED));
    assertThat(operator.get(NS, NAME).getStatus().getLatestCheckpoint().getPath())
        .endsWith("/chk-12");

    flink.latestCompleted(Checkpoint.at(CHECKPOINTS, jobId, 13));
    operator.awaitJob(NS, NAME, "a newer checkpoint still recorded", j -> checkpointId(j) == 13);
  }

  private void deployHealthyWithCheckpoint12() {
    deploy(f -> f.restarts(0).latestCompleted(Checkpoint.at(CHECKPOINTS, f.jobId(), RECORDED)));
    operator.awaitJob(
        NS,
        NAME,
        "checkpoint 12 recorded, job RUNNING, not degraded",
        j ->
            checkpointId(j) == RECORDED
                && "RUNNING".equals(state(j))
                && degraded(j).filter(c -> "False".equals(c.getStatus())).isPresent());
  }

  /** Deploys the job, its fake Flink scripted by {@code answers} before the JobManager runs. */
  private void deploy(Consumer<FakeFlinkRest> answers) {
    FlinkResilientJob job = Jobs.job(NS, NAME);
    job.getSpec().getCheckpointing().setDirectory(CHECKPOINTS);
    running = FakeFlinkJob.deploy(operator, client, job, answers);
    flink = running.flink();
  }

  /** Waits for {@code done}, checking on every sample that checkpoint 12 was not lowered. */
  private FlinkResilientJob awaitNeverBelow12(String what, Predicate<FlinkResilientJob> done) {
    FlinkResilientJob[] last = new FlinkResilientJob[1];
    watchFor(
        what,
        () -> last[0] != null && done.test(last[0]),
        j -> {
          last[0] = j;
          assertThat(checkpointId(j))
              .as("recorded checkpoint\n%s", operator.describe(NS, NAME))
              .isGreaterThanOrEqualTo(RECORDED);
        });
    return last[0];
  }

  /** Samples status every 20 ms until {@code done}, asserting {@code invariant} on each sample. */
  private void watchFor(
      String what, java.util.function.BooleanSupplier done, Consumer<FlinkResilientJob> invariant) {
    long deadline = System.nanoTime() + Duration.ofSeconds(20).toNanos();
    while (true) {
      invariant.accept(operator.get(NS, NAME));
      if (done.getAsBoolean()) {
        return;
      }
      if (System.nanoTime() > deadline) {
        throw new AssertionError("timed out: " + what + "\n" + operator.describe(NS, NAME));
      }
      try {
        Thread.sleep(20);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        throw new AssertionError(e);
      }
    }
  }

  private List<Event> events(String type, String reason) {
    return operator.events(NS, NAME).stream()
        .filter(e -> type.equals(e.getType()) && reason.equals(e.getReason()))
        .toList();
  }

  private String jobId() {
    return operator.get(NS, NAME).getStatus().getJobId();
  }

  private static Optional<Condition> degraded(FlinkResilientJob j) {
    FlinkResilientJobStatus s = j.getStatus();
    return s == null || s.getConditions() == null
        ? Optional.empty()
        : s.getConditions().stream().filter(c -> "Degraded".equals(c.getType())).findFirst();
  }

  private static long checkpointId(FlinkResilientJob j) {
    var s = j.getStatus();
    return s == null || s.getLatestCheckpoint() == null ? -1 : s.getLatestCheckpoint().getId();
  }

  private static String state(FlinkResilientJob j) {
    return j.getStatus() == null ? null : j.getStatus().getJobState();
  }
}
