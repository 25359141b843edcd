package dev.flinkresilience.local.bench;

import dev.flinkresilience.local.LocalCluster;
import dev.flinkresilience.local.LocalOperator;
import dev.flinkresilience.local.controlplane.ControlPlane;
import dev.flinkresilience.local.controlplane.RealControlPlane;
import dev.flinkresilience.operator.api.v1alpha1.FlinkResilientJob;
import io.fabric8.kubernetes.api.model.ConfigMapBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientException;
import io.fabric8.kubernetes.client.utils.Serialization;
import java.io.IOException;
import java.io.InputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;

/**
 * The scale benchmark of issue 14: N {@code FlinkResilientJob}s across namespaces under one
 * operator, on the real Kubernetes 1.20 control plane (Service range widened to a /16), three nodes
 * whose Leases and pods are kept by stand-in kubelets (no Flink runs), and one loopback fake of
 * Flink's REST API answering for every job ({@link FakeFlinkFleet}). The operator runs as its own
 * process with a fixed heap ({@link OperatorProcess}), so what it costs is its own.
 *
 * <p>Phases: deploy all jobs; a steady window (CPU, threads, RSS, Flink REST and API server request
 * rates); the live heap after a full GC; canary spec changes under load (the reaction time until
 * {@code status.observedGeneration} catches up); a node loss under load (the node with a third of
 * the jobs stops renewing its Lease right after a renewal and its fake JobManagers hang): detection
 * ({@code detectedAt} of each job's incident), release (its JobManager pod force-deleted) and each
 * affected job Running again. Prints the figures as a table; the last line is one JSON object.
 *
 * <p>Usage: {@code ScaleBenchmark N [--namespaces K] [--heap 1g] [--no-node-loss]
 * [--flink-ha-writes]}; the last adds the writes Flink's Kubernetes HA services make while the jobs
 * run ({@link FlinkHaWrites}), left out by default. The operator jar is {@code
 * operator/target/flink-resilience-operator.jar} of {@code -Drepo.dir}, or {@code
 * -Dfro.operator.jar}.
 */
public final class ScaleBenchmark {
  static final Duration CHECKPOINT_EVERY = Duration.ofSeconds(10);

  /**
   * How long the steady phase settles and then measures, and whether the node loss runs.
   *
   * @param settle from all Running to the start of the steady window
   * @param window the steady window
   * @param nodeLoss whether to kill a node at the end
   */
  public record Phases(Duration settle, Duration window, boolean nodeLoss) {
    /** 20 s settling, a minute's window, and the node loss. */
    public static final Phases FULL =
        new Phases(Duration.ofSeconds(20), Duration.ofSeconds(60), true);
  }

  static final int CANARIES = 10;

  /** How long the affected jobs get to run again: 3 minutes, 72 ms per job above 2,500 jobs. */
  static Duration nodeLossTimeout(int n) {
    return Duration.ofMillis(Math.max(180_000L, n * 72L));
  }

  /** A kubeconfig with the operator's ServiceAccount token (OperatorIdentity). */
  private static Path operatorKubeconfig(LocalCluster cluster) throws Exception {
    cluster.ensureNamespace(OperatorIdentity.NAMESPACE);
    return OperatorIdentity.kubeconfig(cluster.client(), cluster.state(), Duration.ofSeconds(60));
  }

  /**
   * The controller-manager's own client is raised from 20 requests/s (its default) so that the time
   * to all Running measures the operator, not the Deployment and ReplicaSet controllers.
   */
  static final String CONTROLLER_MANAGER_ARGS = "--kube-api-qps 200 --kube-api-burst 400";

  private ScaleBenchmark() {}

  public static void main(String[] args) throws Exception {
    if (args.length < 1) {
      System.err.println(
          "usage: ScaleBenchmark N [--namespaces K] [--memory-limit 1Gi | --heap 1g]"
              + " [--no-node-loss]"
              + " [--admin-certificate] [--flink-ha-writes]");
      System.exit(2);
    }
    int n = Integer.parseInt(args[0]);
    int namespaces = Math.max(3, (n + 249) / 250);
    Path repo = LocalCluster.Settings.defaults().repo();
    String limit = OperatorJvm.chartLimit(repo);
    String heap = null;
    Phases phases = Phases.FULL;
    boolean adminCertificate = false;
    boolean flinkHaWrites = false;
    for (int i = 1; i < args.length; i++) {
      switch (args[i]) {
        case "--namespaces" -> namespaces = Integer.parseInt(args[++i]);
        case "--heap" -> heap = args[++i];
        case "--memory-limit" -> limit = args[++i];
        case "--no-node-loss" -> phases = new Phases(phases.settle(), phases.window(), false);
        case "--admin-certificate" -> adminCertificate = true;
        case "--flink-ha-writes" -> flinkHaWrites = true;
        default -> throw new IllegalArgumentException("unknown option " + args[i]);
      }
    }
    if (!RealControlPlane.available()) {
      System.err.println(
          "the scale benchmark needs the real control plane: run local/controlplane/build.sh");
      System.exit(2);
    }
    OperatorJvm jvm =
        heap == null ? OperatorJvm.asTheChart(repo, limit) : OperatorJvm.fixedHeap(heap);
    Result result = run(n, namespaces, jvm, phases, adminCertificate, flinkHaWrites, System.out);
    result.print(System.out);
    System.out.println(result.json());
    System.exit(0);
  }

  /** Runs the whole benchmark on a cluster of its own and returns the figures. */
  public static Result run(
      int n, int namespaceCount, OperatorJvm jvm, Phases phases, PrintStream out) throws Exception {
    return run(n, namespaceCount, jvm, phases, false, false, out);
  }

  /**
   * @param adminCertificate the operator uses the control plane's admin client certificate instead
   *     of a ServiceAccount token (OperatorIdentity), as before 2026-12-07
   * @param flinkHaWrites the jobs' Flink HA services write their ConfigMaps as they would ({@link
   *     FlinkHaWrites}): leader renewals and checkpoints
   */
  public static Result run(
      int n,
      int namespaceCount,
      OperatorJvm jvm,
      Phases phases,
      boolean adminCertificate,
      boolean flinkHaWrites,
      PrintStream out)
      throws Exception {
    Result r = new Result(n, namespaceCount);
    r.jvm = jvm;
    LocalCluster.Settings settings =
        LocalCluster.Settings.defaults()
            .withControlPlane(ControlPlane.Kind.REAL)
            .withControllerManagerArgs(CONTROLLER_MANAGER_ARGS)
            .withStandInKubelets("10.0.0.0/16");
    Path jar =
        Path.of(
            System.getProperty(
                "fro.operator.jar",
                settings
                    .repo()
                    .resolve("operator/target/flink-resilience-operator.jar")
                    .toString()));
    ScheduledExecutorService sampler = Executors.newSingleThreadScheduledExecutor();
    ExecutorService writers = Executors.newFixedThreadPool(4);
    try (LocalCluster cluster = LocalCluster.start(settings)) {
      out.println("== " + cluster.controlPlane().describe());
      KubernetesClient client = cluster.client();
      LocalOperator.installCrd(client, settings.repo());
      List<String> namespaces = new ArrayList<>();
      for (int i = 1; i <= namespaceCount; i++) {
        namespaces.add("scale-" + i);
        cluster.ensureNamespace("scale-" + i);
      }
      Path state = cluster.state();
      try (FakeFlinkFleet fleet =
              new FakeFlinkFleet(CHECKPOINT_EVERY, key -> checkpoints(state, key));
          FlinkHaWrites haWrites = new FlinkHaWrites(client, fleet, CHECKPOINT_EVERY);
          JobWatch watch = new JobWatch(client);
          OperatorProcess operator =
              OperatorProcess.start(
                  jar,
                  adminCertificate ? cluster.kubeconfig() : operatorKubeconfig(cluster),
                  jvm,
                  fleet.urlTemplate(),
                  state.resolve("operator.log"),
                  Duration.ofMinutes(2))) {
        out.println("== operator pid " + operator.pid() + ", log " + operator.log());
        Samples samples = new Samples(operator);
        sampler.scheduleAtFixedRate(samples::take, 0, 1, TimeUnit.SECONDS);
        Set<String> haWritten = ConcurrentHashMap.newKeySet();
        JobWatch.Listener haStore =
            new JobWatch.Listener() {
              @Override
              public void job(FlinkResilientJob job) {
                String id = job.getStatus() == null ? null : job.getStatus().getJobId();
                if (id != null && haWritten.add(JobWatch.key(job))) {
                  writers.execute(() -> writeHaStore(client, job, id));
                  if (flinkHaWrites) {
                    haWrites.track(
                        job.getMetadata().getNamespace(), job.getMetadata().getName(), id);
                  }
                }
              }
            };
        watch.listen(haStore);

        Deploy.run(client, namespaces, n, state, watch, writers, r, out);
        Steady.run(client, fleet, operator, samples, phases, r, out);
        if (flinkHaWrites) {
          long[] c = haWrites.counts();
          out.printf(
              "   Flink's HA writes so far: %d written, %d skipped (the API server behind), %d"
                  + " failed%n",
              c[0], c[1], c[2]);
        }
        Canary.run(client, watch, haStore, r, out);
        if (phases.nodeLoss()) {
          ReleaseWindow window =
              new ReleaseWindow(
                  ReleaseWindow.processes(
                      cluster.controlPlane() instanceof RealControlPlane real
                          ? real.state()
                          : cluster.state(),
                      operator.pid()),
                  client);
          NodeLoss.run(cluster, watch, fleet, haStore, window, r, out);
        }
        r.threadsPeak = samples.peakThreads();
        r.rssPeakMb = operator.peakRssKb() / 1024.0;
      }
    } finally {
      sampler.shutdownNow();
      writers.shutdownNow();
    }
    return r;
  }

  static String checkpoints(Path state, String key) {
    return "file://" + state.resolve("checkpoints").resolve(key);
  }

  /** The job's YAML: {@code local/scale-job.yaml} filled in. */
  static FlinkResilientJob job(String namespace, String name, Path state) {
    try (InputStream in = ScaleBenchmark.class.getResourceAsStream("/local/scale-job.yaml")) {
      String text = new String(in.readAllBytes(), StandardCharsets.UTF_8);
      text =
          text.replace("${NAMESPACE}", namespace)
              .replace("${NAME}", name)
              .replace("${CHECKPOINTS}", checkpoints(state, namespace + "/" + name))
              .replace("${HA_DIR}", "file://" + state.resolve("ha"));
      return Serialization.unmarshal(text, FlinkResilientJob.class);
    } catch (IOException e) {
      throw new java.io.UncheckedIOException(e);
    }
  }

  /**
   * What Flink's Kubernetes HA services keep for a running job: the ConfigMap {@code <cluster>-<job
   * id>-config-map} holding a checkpoint. Without it the operator would judge, rightly, that a lost
   * JobManager cannot be recovered by Flink and redeploy instead.
   */
  static void writeHaStore(KubernetesClient client, FlinkResilientJob job, String jobId) {
    String name = job.getMetadata().getName();
    try {
      client
          .configMaps()
          .inNamespace(job.getMetadata().getNamespace())
          .resource(
              new ConfigMapBuilder()
                  .withNewMetadata()
                  .withName(name + "-" + jobId + "-config-map")
                  .withLabels(Map.of("app", name, "type", "flink-native-kubernetes"))
                  .endMetadata()
                  .withData(Map.of("checkpointID-0000000000000000001", "stand-in"))
                  .build())
          .create();
    } catch (KubernetesClientException e) {
      if (e.getCode() != 409) {
        System.err.println("HA ConfigMap of " + JobWatch.key(job) + ": " + e.getMessage());
      }
    }
  }

  static double seconds(long fromMillis, long toMillis) {
    return (toMillis - fromMillis) / 1000.0;
  }

  static String f1(double v) {
    return Double.isNaN(v) ? "-" : String.format(Locale.ROOT, "%.1f", v);
  }
}
