package dev.flinkresilience.operator.decide;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.ObjectMapper;
import dev.flinkresilience.operator.api.v1alpha1.FlinkResilientJobStatus;
import dev.flinkresilience.operator.api.v1alpha1.HighAvailabilityType;
import dev.flinkresilience.operator.decide.ObservedCluster.JobManagerDeployment;
import dev.flinkresilience.operator.report.ObservationLedger;
import dev.flinkresilience.operator.report.StatusReporter;
import dev.flinkresilience.operator.spec.Durations;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Combinators;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import net.jqwik.api.statistics.Statistics;

/**
 * The planner, the ledger and the reporter driven through random failures, with a simulated cluster
 * and Flink between passes, and an operator that crashes at random between acting and writing
 * status. Whatever happens, the invariants of DESIGN.md §5 hold: never two clusters at once, never
 * a restore below the recorded checkpoint, never more redeploys than the budget, and a redeploy
 * attempt deployed once however often the operator dies.
 */
class RecoverySimulationTest {
  private static final ObjectMapper COPY = new ObjectMapper();

  enum Event {
    CHECKPOINT,
    CHECKPOINT_AGAIN,
    JOB_MANAGER_LOST,
    TASK_MANAGER_OOM,
    JOB_FAILED,
    NODE_SILENT,
    TIME_PASSES,
    NOTHING
  }

  record Step(Event event, boolean crashAfterActing, long seconds) {}

  @Provide
  Arbitrary<List<Step>> runs() {
    Arbitrary<Step> step =
        Combinators.combine(
                Arbitraries.of(Event.class),
                Arbitraries.integers().between(0, 9).map(i -> i == 0),
                Arbitraries.longs().between(1, 200))
            .as(Step::new);
    return step.list().ofMinSize(10).ofMaxSize(80);
  }

  @Property(tries = 300, seed = "42")
  void invariantsHoldThroughFailuresAndCrashes(
      @ForAll("runs") List<Step> steps, @ForAll boolean ha) {
    Sim sim = new Sim(ha);
    for (Step step : steps) {
      sim.inject(step.event(), step.seconds());
      sim.pass(step.crashAfterActing());
      sim.pass(false); // the operator runs on; the next pass sees what the last one did
    }
  }

  /** A cluster, a Flink job and the status the API server holds. */
  private static final class Sim {
    final RecoveryWorld world = new RecoveryWorld();
    final boolean ha;
    FlinkResilientJobStatus stored;
    Instant now = RecoveryWorld.NOW;
    long flinkLatest = 12;
    String jobState = "RUNNING";
    Long restored = null;
    boolean terminating;
    int podSerial = 1;
    final Map<String, Integer> deploysPerAttempt = new HashMap<>();

    Sim(boolean ha) {
      this.ha = ha;
      if (ha) {
        world.ha();
      }
      world.spec.getRecovery().getBudget().setMaxRedeploys(3);
      world.spec.getRecovery().getBudget().setWindow("30m");
      stored = world.status;
    }

    void inject(Event event, long seconds) {
      boolean up = world.jobManager != null && !terminating;
      switch (event) {
        case CHECKPOINT, CHECKPOINT_AGAIN -> {
          if (up && "RUNNING".equals(jobState)) {
            flinkLatest++;
          }
        }
        case JOB_MANAGER_LOST -> world.pods.removeIf(PodView::isJobManager);
        case TASK_MANAGER_OOM ->
            world.pods.replaceAll(
                p ->
                    p.role() == PodView.Role.TASK_MANAGER
                        ? RecoveryWorld.failed(p, "OOMKilled")
                        : p);
        case JOB_FAILED -> {
          if (up) {
            jobState = "FAILED";
          }
        }
        case NODE_SILENT ->
            world.nodes.put(
                "node-a", new NodeView("node-a", now.minusSeconds(60), "True", false, false));
        case TIME_PASSES -> now = now.plusSeconds(seconds);
        case NOTHING -> {}
      }
      now = now.plusSeconds(1);
    }

    void pass(boolean crashAfterActing) {
      world.now = now;
      world.ha = haView();
      FlinkResilientJobStatus status = copy(stored);
      status =
          ObservationLedger.merge(status, observation(), world.ha, world.spec.getRestartStrategy())
              .status();
      world.status.setRecovery(status.getRecovery());
      PlanInput in =
          new PlanInput(
              new DesiredJob(world.spec, world.specHash, 1, "uid"),
              List.of(),
              status,
              new ObservedCluster(
                  Optional.ofNullable(world.jobManager),
                  world.pods.size(),
                  world.pods,
                  world.nodes),
              world.ha,
              now);
      Decision decision = LifecyclePlanner.decide(in);
      Statistics.label("decisions").collect(decision.getClass().getSimpleName());
      check(in, decision);
      act(in, decision);
      if (!crashAfterActing) {
        stored = StatusReporter.report("orders", 1, in, decision, now).status();
      }
      long window = Durations.parse("30m").toSeconds();
      long recent =
          stored.getRecovery().getRedeploys().stream()
              .filter(t -> Duration.between(Instant.parse(t), now).toSeconds() <= window)
              .count();
      assertThat(recent).as("redeploys within the budget window").isLessThanOrEqualTo(3);
    }

    private void check(PlanInput in, Decision decision) {
      if (decision instanceof Decision.Deploy deploy) {
        assertThat(world.jobManager).as("one cluster at a time").isNull();
        assertThat(world.pods).as("no pod of the old cluster left").isEmpty();
        Long recorded =
            in.status().getLatestCheckpoint() == null
                ? null
                : in.status().getLatestCheckpoint().getId();
        if (recorded != null) {
          assertThat(deploy.restoreFrom().checkpointId())
              .as("restore never below the recorded checkpoint")
              .isNotNull()
              .isGreaterThanOrEqualTo(recorded);
        }
        var incident = in.status().getRecovery().getCurrent();
        if (incident != null) {
          String attempt = RecoveryAttempts.of(incident);
          int n = deploysPerAttempt.merge(attempt, 1, Integer::sum);
          assertThat(n).as("attempt " + attempt + " deployed once").isEqualTo(1);
        }
      }
    }

    private void act(PlanInput in, Decision decision) {
      if (decision instanceof Decision.TearDownForRecovery
          || decision instanceof Decision.DeleteCluster) {
        terminating = true;
        var jm = world.jobManager;
        world.jobManager =
            new JobManagerDeployment(
                jm.specHash(), jm.serial(), jm.jobId(), 0, true, jm.recoveryAttempt());
      } else if (decision instanceof Decision.AwaitTeardown && terminating) {
        world.jobManager = null; // Kubernetes finishes the deletion
        world.pods.clear();
        terminating = false;
      } else if (decision instanceof Decision.ReleasePods release) {
        world.pods.removeIf(p -> release.pods().contains(p.name()));
      } else if (decision instanceof Decision.Deploy deploy) {
        var incident = in.status().getRecovery().getCurrent();
        world.jobManager =
            new JobManagerDeployment(
                world.specHash,
                deploy.serial(),
                deploy.jobId(),
                1,
                false,
                incident == null ? null : RecoveryAttempts.of(incident));
        String jm = "orders-jm-" + podSerial++;
        world.pods.add(RecoveryWorld.pod(jm, PodView.Role.JOB_MANAGER, "node-c"));
        world.pods.add(
            RecoveryWorld.pod("orders-tm-" + podSerial++, PodView.Role.TASK_MANAGER, "node-c"));
        world.nodes.put("node-c", new NodeView("node-c", now, "True", false, false));
        restored = deploy.restoreFrom().checkpointId();
        flinkLatest = restored == null ? 0 : restored;
        jobState = "RUNNING";
      }
      if (world.jobManager != null
          && !terminating
          && world.pods.stream().noneMatch(PodView::isJobManager)) {
        // The Deployment replaces a lost JobManager; with HA it recovers the job by itself.
        world.pods.add(
            RecoveryWorld.pod("orders-jm-" + podSerial++, PodView.Role.JOB_MANAGER, "node-c"));
        world.nodes.put("node-c", new NodeView("node-c", now, "True", false, false));
        if (ha) {
          restored = flinkLatest;
          jobState = "RUNNING";
        } else {
          restored = null; // without HA a new JobManager starts the job from its deploy-time path
        }
      }
      world.pods.replaceAll(
          p ->
              p.isFailing() && p.role() == PodView.Role.TASK_MANAGER && p.deletingSince() == null
                  ? RecoveryWorld.pod(
                      "orders-tm-" + podSerial++, PodView.Role.TASK_MANAGER, p.node())
                  : p);
    }

    private FlinkObservation observation() {
      if (world.jobManager == null
          || terminating
          || world.pods.stream().noneMatch(PodView::isJobManager)) {
        return null;
      }
      FlinkCheckpoint latest =
          flinkLatest > 0
              ? FlinkCheckpoint.at(
                  flinkLatest,
                  CheckpointPaths.of(RecoveryWorld.DIR, RecoveryWorld.JOB_ID, flinkLatest),
                  now)
              : null;
      FlinkCheckpoint from =
          restored == null
              ? null
              : FlinkCheckpoint.at(
                  restored,
                  CheckpointPaths.of(RecoveryWorld.DIR, RecoveryWorld.JOB_ID, restored),
                  null);
      return new FlinkObservation(
          now, FlinkObservation.Outcome.OK, null, jobState, 0L, latest, null, from, null);
    }

    private HaStoreView haView() {
      if (!ha || world.spec.getHighAvailability().getType() == HighAvailabilityType.NONE) {
        return HaStoreView.noHa();
      }
      List<FlinkCheckpoint> kept = new ArrayList<>();
      if (flinkLatest > 0) {
        kept.add(RecoveryWorld.haCheckpoint(flinkLatest));
      }
      return new HaStoreView(HaStoreView.State.READ, kept, null, null);
    }

    private static FlinkResilientJobStatus copy(FlinkResilientJobStatus s) {
      return COPY.convertValue(s, FlinkResilientJobStatus.class);
    }
  }
}
