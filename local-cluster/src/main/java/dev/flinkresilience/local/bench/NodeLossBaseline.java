package dev.flinkresilience.local.bench;

import dev.flinkresilience.local.LocalCluster;
import dev.flinkresilience.local.LocalOperator;
import dev.flinkresilience.local.SampleJob;
import dev.flinkresilience.local.chaos.ScenarioRun;
import dev.flinkresilience.local.controlplane.ControlPlane;
import dev.flinkresilience.local.controlplane.RealControlPlane;
import dev.flinkresilience.operator.app.OperatorSettings;
import io.fabric8.kubernetes.api.model.Node;
import io.fabric8.kubernetes.api.model.Pod;
import java.io.PrintStream;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * The node-loss benchmark of issue 6: each node-loss scenario runs twice on one local cluster with
 * the real controller-manager, whose node lifecycle has Kubernetes' own defaults (a node NotReady
 * 40 s after its last heartbeat, its pods evicted after the 300 s toleration): once with the
 * operator's node-loss detection switched off (the baseline: recovery waits for Kubernetes) and
 * with it on, in two modes: corroborated (the default: a Lease one renewal late plus a JobManager
 * that stopped answering is a lost node, {@code nodeSuspectAfter} 12 s) and on the Lease alone
 * ({@code nodeSuspectAfter} 0, {@code nodeLostAfter} 20 s). Each node is killed right after its
 * kubelet renewed the Lease, the worst case for detection. Prints a table; the last line is one
 * JSON object, the summary of the JobManager node scenario with corroborated detection plus {@code
 * baselineRecoverySeconds} and {@code ratio}.
 *
 * <p>Both runs use the same job spec; its {@code stuckRestartingAfter} is set beyond the baseline's
 * eviction so that the operator's own redeploy for a job that is not running does not cut the
 * baseline short: the baseline measures Kubernetes and Flink HA alone.
 *
 * <p>The JobManager's node is also killed with a standby JobManager ({@code jobManager.replicas:
 * 2}, corroborated detection, Kubernetes HA): the leader's node, found by the REST leader entry in
 * Flink's HA ConfigMap.
 *
 * <p>Options: {@code --ha kubernetes|zookeeper} (default kubernetes); {@code --no-baseline} skips
 * the Kubernetes-only runs (about 6 minutes each), and the JSON line then has no ratio; {@code
 * --no-standby} skips the standby runs; {@code --only MODE[,MODE]} runs only those modes
 * (corroborated, standby, standby-fast, lease-only, baseline).
 */
public final class NodeLossBaseline {
  private static final Duration STUCK_AFTER = Duration.ofMinutes(15);
  private static final Duration BASELINE_TIMEOUT = Duration.ofMinutes(12);

  private NodeLossBaseline() {}

  /** The victim: the pod whose node is killed once the job runs. */
  @FunctionalInterface
  private interface Victim {
    Pod of(ScenarioRun run) throws InterruptedException;
  }

  /** One node-loss scenario: which node to kill once the job runs. */
  private record Scenario(String name, Victim victim, boolean jobManager) {}

  /** How the node loss is detected, and how many JobManagers the job runs. */
  enum Mode {
    CORROBORATED("operator", true, Duration.ofSeconds(12), 1, null),
    /** Flink's default retry period: the standby tries to lead every 5 to 11 s. */
    STANDBY("standby JM", true, Duration.ofSeconds(12), 2, null),
    /** {@code highAvailability.kubernetes.retryPeriod: 1s}: every 1 to 2.2 s. */
    STANDBY_FAST("standby JM, retry 1s", true, Duration.ofSeconds(12), 2, Duration.ofSeconds(1)),
    LEASE_ONLY("lease only", true, Duration.ZERO, 1, null),
    BASELINE("baseline", false, Duration.ZERO, 1, null);

    final String label;
    final boolean detection;
    final Duration suspectAfter;
    final int jobManagers;
    final Duration leaderRetry;

    Mode(
        String label,
        boolean detection,
        Duration suspectAfter,
        int jobManagers,
        Duration leaderRetry) {
      this.label = label;
      this.detection = detection;
      this.suspectAfter = suspectAfter;
      this.jobManagers = jobManagers;
      this.leaderRetry = leaderRetry;
    }
  }

  private record Row(String scenario, Mode mode, ScenarioRun.Result result) {}

  public static void main(String[] args) throws Exception {
    SampleJob.Ha ha = SampleJob.Ha.KUBERNETES;
    boolean baseline = true;
    boolean standby = true;
    java.util.Set<Mode> only = null;
    for (int i = 0; i < args.length; i++) {
      if ("--no-baseline".equals(args[i])) {
        baseline = false;
      } else if ("--no-standby".equals(args[i])) {
        standby = false;
      } else if ("--only".equals(args[i]) && i + 1 < args.length) {
        only = new java.util.HashSet<>();
        for (String m : args[++i].split(",")) {
          only.add(Mode.valueOf(m.trim().toUpperCase(Locale.ROOT).replace('-', '_')));
        }
      } else if ("--ha".equals(args[i]) && i + 1 < args.length) {
        ha = SampleJob.Ha.valueOf(args[++i].toUpperCase(Locale.ROOT));
      } else {
        throw new IllegalArgumentException("unknown option " + args[i]);
      }
    }
    if (only != null && !only.contains(Mode.BASELINE)) {
      baseline = false;
    }
    if (ha == SampleJob.Ha.NONE) {
      throw new IllegalArgumentException(
          "--ha: kubernetes or zookeeper (the targets are for HA on)");
    }
    if (!RealControlPlane.available()) {
      System.err.println(
          "the baseline needs the real controller-manager (its node lifecycle):"
              + " run local/controlplane/build.sh first");
      System.exit(2);
    }
    PrintStream out = System.out;
    List<Scenario> scenarios =
        List.of(
            new Scenario("kill-jobmanager-node", ScenarioRun::jobManagerPod, true),
            new Scenario(
                "kill-taskmanager-node", ScenarioRun::taskManagerPodApartFromJobManager, false));
    List<Row> rows = new ArrayList<>();
    LocalCluster.Settings settings =
        LocalCluster.Settings.defaults().withControlPlane(ControlPlane.Kind.REAL);
    try (LocalCluster cluster = LocalCluster.start(settings)) {
      out.println("== " + cluster.controlPlane().describe());
      for (Scenario scenario : scenarios) {
        for (Mode mode : Mode.values()) {
          if (mode == Mode.BASELINE && !baseline
              || only != null && !only.contains(mode)
              || mode.jobManagers > 1
                  && (!scenario.jobManager() || !standby || ha != SampleJob.Ha.KUBERNETES)) {
            continue;
          }
          rows.add(
              new Row(
                  scenario.name(),
                  mode,
                  run(cluster, settings, scenario, mode, ha, rows.size() + 1, out)));
        }
      }
    }
    table(rows, ha, out);
    // The JobManager's node last: the last line is the headline.
    for (int i = scenarios.size() - 1; i >= 0; i--) {
      out.println(summary(rows, scenarios.get(i).name(), baseline));
    }
  }

  private static ScenarioRun.Result run(
      LocalCluster cluster,
      LocalCluster.Settings settings,
      Scenario scenario,
      Mode mode,
      SampleJob.Ha ha,
      int n,
      PrintStream out)
      throws Exception {
    out.println("== " + scenario.name() + " (" + mode.label + ")");
    String namespace = "bench-" + n;
    SampleJob job =
        SampleJob.of(namespace, "sequence", cluster.state().resolve("jobs/" + namespace))
            .ha(ha, cluster.zookeeperQuorum())
            .checkpointInterval(Duration.ofSeconds(3))
            .nodeSuspectAfter(mode.suspectAfter)
            .jobManagerReplicas(mode.jobManagers)
            .leaderRetryPeriod(mode.leaderRetry)
            .stuckRestartingAfter(STUCK_AFTER);
    OperatorSettings operatorSettings =
        OperatorSettings.allNamespaces().withNodeDetection(mode.detection);
    try (LocalOperator operator = LocalOperator.start(cluster, settings.repo(), operatorSettings)) {
      ScenarioRun run = new ScenarioRun(cluster, job, line -> out.println("   " + line));
      try {
        run.deployAndAwaitCheckpoints(2, Duration.ofMinutes(3));
        // With a standby, the leader's node: killing the standby's would interrupt nothing.
        Pod victim = mode.jobManagers > 1 ? run.leadingJobManagerPod() : scenario.victim().of(run);
        String node = victim.getSpec().getNodeName();
        if (mode.jobManagers > 1) {
          out.println(
              "   JobManager pods: "
                  + run.pods().stream()
                      .filter(
                          p -> "jobmanager".equals(p.getMetadata().getLabels().get("component")))
                      .map(p -> p.getMetadata().getName() + " on " + p.getSpec().getNodeName())
                      .toList()
                  + "; killing the leader's node "
                  + node);
        }
        long before =
            run.inject(
                node + " killed right after a Lease renewal",
                () -> cluster.killNodeRightAfterRenewal(node));
        ScenarioRun.Result r = run.awaitRecovery(scenario.name(), before, BASELINE_TIMEOUT);
        out.println("   " + r.json());
        return r;
      } finally {
        run.remove();
        awaitSchedulable(cluster);
      }
    }
  }

  /**
   * Every node schedulable again (the node lifecycle controller lifts its unreachable taints once
   * the revived node reports Ready), so the next run starts alike.
   */
  private static void awaitSchedulable(LocalCluster cluster) throws InterruptedException {
    long deadline = System.nanoTime() + Duration.ofMinutes(2).toNanos();
    while (System.nanoTime() < deadline) {
      if (cluster.client().nodes().list().getItems().stream()
          .allMatch(NodeLossBaseline::untainted)) {
        return;
      }
      Thread.sleep(500);
    }
    throw new IllegalStateException("a revived node is still tainted two minutes later");
  }

  private static boolean untainted(Node node) {
    return node.getSpec().getTaints() == null
        || node.getSpec().getTaints().stream()
            .noneMatch(t -> t.getKey().startsWith("node.kubernetes.io/"));
  }

  private static void table(List<Row> rows, SampleJob.Ha ha, PrintStream out) {
    out.println();
    out.println(
        "== node loss, HA "
            + ha.name().toLowerCase(Locale.ROOT)
            + ", nodeLostAfter 20s, nodeSuspectAfter 12s (operator) or 0 (lease only); killed right"
            + " after a Lease renewal; controller-manager defaults: NotReady after 40 s, eviction"
            + " after 300 s");
    String format = "%-22s %-10s %10s %10s %12s %9s %5s %5s %6s%n";
    out.printf(
        Locale.ROOT,
        format,
        "scenario",
        "detection",
        "detected s",
        "RUNNING s",
        "checkpoint s",
        "restored",
        "lost",
        "dup",
        "state");
    for (Row row : rows) {
      ScenarioRun.Result r = row.result();
      out.printf(
          Locale.ROOT,
          format,
          row.scenario(),
          row.mode().label,
          String.format(Locale.ROOT, "%.1f", r.detectionSeconds()),
          String.format(Locale.ROOT, "%.1f", r.recoverySeconds()),
          String.format(Locale.ROOT, "%.1f", r.firstCheckpointSeconds()),
          r.restoredCheckpointId() + "/" + r.latestCheckpointBeforeFailure(),
          r.recordsLost(),
          r.recordsDuplicated(),
          r.stateErrors());
    }
    for (String scenario : rows.stream().map(Row::scenario).distinct().toList()) {
      compare(rows, scenario, Mode.CORROBORATED, Mode.LEASE_ONLY, out);
      compare(rows, scenario, Mode.STANDBY, Mode.CORROBORATED, out);
      compare(rows, scenario, Mode.STANDBY_FAST, Mode.STANDBY, out);
      if (find(rows, scenario, Mode.BASELINE).isPresent()
          && find(rows, scenario, Mode.CORROBORATED).isPresent()) {
        out.printf(
            Locale.ROOT,
            "%s: RUNNING again %.1f s with the operator vs %.1f s baseline, ratio %.1f%n",
            scenario,
            result(rows, scenario, Mode.CORROBORATED).recoverySeconds(),
            result(rows, scenario, Mode.BASELINE).recoverySeconds(),
            ratio(rows, scenario));
      }
    }
    out.println("(restored: the checkpoint restored / the latest completed before the failure)");
  }

  /** The scenario's JSON summary with detection on, plus the baseline and the ratio. */
  private static String summary(List<Row> rows, String scenario, boolean baseline) {
    var corroborated = find(rows, scenario, Mode.CORROBORATED);
    if (corroborated.isEmpty()) {
      // --only without it: the scenario's first run.
      return rows.stream()
          .filter(r -> r.scenario().equals(scenario))
          .findFirst()
          .map(r -> r.result().json())
          .orElse("{}");
    }
    String json = corroborated.get().json();
    if (!baseline) {
      return json;
    }
    return json.substring(0, json.length() - 1)
        + String.format(
            Locale.ROOT,
            ",\"baselineDetectionSeconds\":%.2f,\"baselineRecoverySeconds\":%.2f,\"ratio\":%.2f}",
            result(rows, scenario, Mode.BASELINE).detectionSeconds(),
            result(rows, scenario, Mode.BASELINE).recoverySeconds(),
            ratio(rows, scenario));
  }

  private static double ratio(List<Row> rows, String scenario) {
    return result(rows, scenario, Mode.BASELINE).recoverySeconds()
        / result(rows, scenario, Mode.CORROBORATED).recoverySeconds();
  }

  /**
   * One line comparing two modes of a scenario, when both ran ({@code --only} may leave one out).
   */
  private static void compare(
      List<Row> rows, String scenario, Mode mode, Mode against, PrintStream out) {
    if (find(rows, scenario, mode).isEmpty() || find(rows, scenario, against).isEmpty()) {
      return;
    }
    out.printf(
        Locale.ROOT,
        "%s: RUNNING again %.1f s (%s) vs %.1f s (%s)%n",
        scenario,
        result(rows, scenario, mode).recoverySeconds(),
        mode.label,
        result(rows, scenario, against).recoverySeconds(),
        against.label);
  }

  private static java.util.Optional<ScenarioRun.Result> find(
      List<Row> rows, String scenario, Mode mode) {
    return rows.stream()
        .filter(r -> r.scenario().equals(scenario) && r.mode() == mode)
        .findFirst()
        .map(Row::result);
  }

  private static ScenarioRun.Result result(List<Row> rows, String scenario, Mode mode) {
    return find(rows, scenario, mode).orElseThrow();
  }
}
