package dev.flinkresilience.operator.bench;

import dev.flinkresilience.operator.api.v1alpha1.FlinkResilientJob;
import dev.flinkresilience.operator.api.v1alpha1.HighAvailabilityType;
import dev.flinkresilience.operator.api.v1alpha1.Incident;
import dev.flinkresilience.operator.app.OperatorSettings;
import dev.flinkresilience.operator.observe.ha.KubernetesHaLayout;
import dev.flinkresilience.operator.reconcile.PollPacing;
import dev.flinkresilience.operator.testing.FakeFlinkRest;
import dev.flinkresilience.operator.testing.FakeFlinkRest.Checkpoint;
import dev.flinkresilience.operator.testing.FakeFlinkRest.Failure;
import dev.flinkresilience.operator.testing.Jobs;
import dev.flinkresilience.operator.testing.Kubelet;
import dev.flinkresilience.operator.testing.OperatorHarness;
import dev.flinkresilience.operator.validate.TenantPolicy;
import io.fabric8.kubernetes.api.model.ConfigMapBuilder;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.apps.Deployment;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.Watch;
import io.fabric8.kubernetes.client.Watcher;
import io.fabric8.kubernetes.client.WatcherException;
import io.fabric8.kubernetes.client.server.mock.KubernetesMockServer;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.Predicate;
import java.util.function.Supplier;

/**
 * Detection latency of the whole operator (JOSDK, informers, node watch, poller, planner, actions)
 * against the in-process API server, for the two losses of DESIGN.md §5.1 that must be seen in
 * seconds:
 *
 * <ul>
 *   <li><b>Pod loss</b>: a job without HA whose ready JobManager pod is deleted at t0. Decision:
 *       the incident appears in {@code status.recovery.current}; action: the JobManager Deployment
 *       is deleted ({@code TearDownForRecovery}, the first destructive step of the redeploy).
 *   <li><b>Node loss</b>: a job with Kubernetes HA whose JobManager's node stops renewing its
 *       Lease; t0 is the last renewal, so the figures include {@code nodeLostAfter}. Decision: the
 *       {@code NodeLost} incident; action: the JobManager pod force-deleted ({@code PodsReleased}).
 * </ul>
 *
 * <p>"Decision" is when a watch of this program sees the incident in status (the status write
 * included); the operator's own {@code detectedAt} stamp, taken at the start of the deciding pass,
 * is shown beside it. "Action" is when a watch sees the DELETED event. Between events this program
 * plays the kubelet and Flink so the job recovers (a new JobManager pod, RUNNING, restored from the
 * recorded checkpoint) and the operator closes the incident; the next loss waits for that.
 *
 * <p>Run from the repository root (exec:java does not resolve offline):
 *
 * <pre>
 * mvn -o -q test-compile -pl operator
 * mvn -o -q -pl operator dependency:build-classpath -Dmdep.includeScope=test -Dmdep.outputFile=/tmp/cp.txt
 * java -cp operator/target/test-classes:operator/target/classes:$(cat /tmp/cp.txt) \
 *     dev.flinkresilience.operator.bench.DetectionLatency 50 2
 * </pre>
 *
 * (events per kind, nodeLostAfter seconds). The last line is one JSON object.
 */
public final class DetectionLatency {
  private static final String CHECKPOINTS = "file:///tmp/bench-checkpoints";
  private static final long CHECKPOINT = 7;
  private static final Duration RENEW_EVERY = Duration.ofMillis(200);

  /** Live nodes beside the scenarios' own, so that each loss is a minority of the cluster. */
  private static final int BYSTANDERS = 8;

  private static final Duration STEP_TIMEOUT = Duration.ofSeconds(30);

  /**
   * A random pause before each loss, longer than the node watch's 1 s tick. Without it each loss
   * starts a near-constant time after the previous recovery, which was paced by that tick, so every
   * loss met the timer at the same phase: node loss measured 2.09 s at p50 instead of about 2.5 s.
   */
  private static final int MAX_JITTER_MILLIS = 1_300;

  /** One loss, in seconds from t0: seen decided, stamped decided, and the action seen. */
  public record Sample(double decision, double stamped, double action) {}

  /** The figures of both kinds of loss. */
  public record Result(List<Sample> podLoss, List<Sample> nodeLoss, Duration nodeLostAfter) {
    static double p(List<Sample> samples, double q, java.util.function.ToDoubleFunction<Sample> f) {
      List<Double> xs = new ArrayList<>();
      samples.forEach(s -> xs.add(f.applyAsDouble(s)));
      xs.sort(Double::compare);
      int rank = (int) Math.ceil(q * xs.size()); // nearest rank: p99 of 50 is the maximum
      return xs.get(Math.max(0, rank - 1));
    }

    public String table() {
      StringBuilder b = new StringBuilder();
      b.append(
          String.format(
              Locale.ROOT,
              "%-38s %8s %8s %8s%n",
              "seconds from t0 (" + podLoss.size() + "+" + nodeLoss.size() + " events)",
              "p50",
              "p99",
              "max"));
      row(b, "pod loss  -> decision (status seen)", podLoss, Sample::decision);
      row(b, "pod loss  -> decision (detectedAt)", podLoss, Sample::stamped);
      row(b, "pod loss  -> action (JM Deployment del)", podLoss, Sample::action);
      row(b, "node loss -> decision (status seen)", nodeLoss, Sample::decision);
      row(b, "node loss -> decision (detectedAt)", nodeLoss, Sample::stamped);
      row(b, "node loss -> action (JM pod released)", nodeLoss, Sample::action);
      b.append(
          String.format(
              Locale.ROOT,
              "node loss is timed from the last Lease renewal; nodeLostAfter = %.1f s%n",
              seconds(nodeLostAfter)));
      return b.toString();
    }

    private static void row(
        StringBuilder b,
        String what,
        List<Sample> samples,
        java.util.function.ToDoubleFunction<Sample> f) {
      b.append(
          String.format(
              Locale.ROOT,
              "%-38s %8.3f %8.3f %8.3f%n",
              what,
              p(samples, 0.5, f),
              p(samples, 0.99, f),
              p(samples, 1.0, f)));
    }

    public String json() {
      return String.format(
          Locale.ROOT,
          "{\"podLossP50Seconds\":%.3f,\"podLossP99Seconds\":%.3f,"
              + "\"nodeLossP50Seconds\":%.3f,\"nodeLossP99Seconds\":%.3f,"
              + "\"nodeLostAfterSeconds\":%.3f,\"events\":%d}",
          p(podLoss, 0.5, Sample::decision),
          p(podLoss, 0.99, Sample::decision),
          p(nodeLoss, 0.5, Sample::decision),
          p(nodeLoss, 0.99, Sample::decision),
          seconds(nodeLostAfter),
          Math.min(podLoss.size(), nodeLoss.size()));
    }
  }

  public static void main(String[] args) throws Exception {
    int events = args.length > 0 ? Integer.parseInt(args[0]) : 50;
    Duration lostAfter =
        Duration.ofMillis(Math.round((args.length > 1 ? Double.parseDouble(args[1]) : 2.0) * 1000));
    if (System.getProperty("org.slf4j.simpleLogger.defaultLogLevel") == null) {
      System.setProperty("org.slf4j.simpleLogger.defaultLogLevel", "warn"); // before any logger
    }
    if (System.getProperty("crds.dir") == null
        && java.nio.file.Files.isDirectory(Path.of("crds"))) {
      System.setProperty("crds.dir", "crds"); // run from the repository root, not the module
    }
    Result r = run(events, lostAfter, msg -> System.err.println(msg));
    System.out.print(r.table());
    System.out.println(r.json());
    System.exit(0); // the mock server's and the operator's threads are not all daemons
  }

  /** Starts an API server and the operator, measures {@code events} losses of each kind. */
  public static Result run(
      int events, Duration nodeLostAfter, java.util.function.Consumer<String> progress)
      throws Exception {
    KubernetesMockServer server = CrudMockServer.start();
    try (KubernetesClient client = server.createClient();
        OperatorHarness operator =
            OperatorHarness.start(
                client,
                OperatorSettings.allNamespaces()
                    .withPolling(new PollPacing(Duration.ofMillis(500), Duration.ofMillis(100)))
                    // The emulated kubelets renew every 200 ms: a 1 s nodeLostAfter is valid here.
                    .withTenantPolicy(TenantPolicy.DEFAULT.withLeaseRenewal(RENEW_EVERY)));
        Kubelet bystanders = new Kubelet(client, "bench-bystanders", RENEW_EVERY.toMillis())) {
      // A cluster is more than the nodes the scenarios kill, and the dead ones stay registered:
      // without live bystanders, the second node loss would be two of three nodes lost at once,
      // which the mass-loss guard rightly holds back (docs/recovery.md).
      for (int i = 1; i <= BYSTANDERS; i++) {
        bystanders.registerNode("bench-bystander-" + i);
      }
      List<Sample> pod;
      try (Scenario s = new Scenario(client, operator, "bench-pod", "podloss", false, null)) {
        pod = s.podLosses(events, progress);
      }
      List<Sample> node;
      try (Scenario s =
          new Scenario(client, operator, "bench-node", "nodeloss", true, nodeLostAfter)) {
        node = s.nodeLosses(events, progress);
      }
      return new Result(pod, node, nodeLostAfter);
    } finally {
      server.destroy();
    }
  }

  /** One job, its kubelet, its Flink fake and the watches that time it. */
  private static final class Scenario implements AutoCloseable {
    private final KubernetesClient client;
    private final OperatorHarness operator;
    private final String ns;
    private final String name;
    private final Kubelet kubelet;
    private final FakeFlinkRest flink;
    private final AtomicReference<FlinkResilientJob> latest = new AtomicReference<>();
    private final Map<Long, Instant> incidentSeen = new ConcurrentHashMap<>();
    private final Map<Long, Incident> incidents = new ConcurrentHashMap<>();
    private final Map<String, Instant> podDeleted = new ConcurrentHashMap<>();
    private final List<Instant> deploymentDeleted =
        new java.util.concurrent.CopyOnWriteArrayList<>();
    private final List<Watch> watches = new ArrayList<>();
    private final java.util.Random random = new java.util.Random(20261121);
    private int nodes;
    private int pods;

    Scenario(
        KubernetesClient client,
        OperatorHarness operator,
        String ns,
        String name,
        boolean ha,
        Duration nodeLostAfter)
        throws java.io.IOException {
      this.client = client;
      this.operator = operator;
      this.ns = ns;
      this.name = name;
      this.kubelet = new Kubelet(client, ns, RENEW_EVERY.toMillis());
      watch();
      FlinkResilientJob job = Jobs.job(ns, name);
      job.getSpec().getCheckpointing().setDirectory(CHECKPOINTS);
      // A budget the losses never spend: the most redeploys the spec allows, in a one-second
      // window (a bench run loses far fewer than 100 a second).
      job.getSpec().getRecovery().getBudget().setMaxRedeploys(100);
      job.getSpec().getRecovery().getBudget().setWindow("1s");
      if (ha) {
        job.getSpec().getHighAvailability().setType(HighAvailabilityType.KUBERNETES);
        job.getSpec().getHighAvailability().setStorageDir("file:///tmp/bench-ha");
      }
      if (nodeLostAfter != null) {
        job.getSpec().getRecovery().setNodeLostAfter(nodeLostAfter.toMillis() + "ms");
        // The Lease path is what this times (the fake JobManager keeps no REST silence).
        job.getSpec().getRecovery().setNodeSuspectAfter("0s");
      }
      client.resources(FlinkResilientJob.class).inNamespace(ns).resource(job).create();
      String jobId =
          await("a job id", j -> j.getStatus() != null && j.getStatus().getJobId() != null)
              .getStatus()
              .getJobId();
      Checkpoint recorded = Checkpoint.at(CHECKPOINTS, jobId, CHECKPOINT);
      // What Flink would have written: the operator confirms the restore point's _metadata in the
      // checkpoint storage before it redeploys from it.
      java.nio.file.Path metadata =
          java.nio.file.Path.of(java.net.URI.create(recorded.path() + "/_metadata"));
      java.nio.file.Files.createDirectories(metadata.getParent());
      java.nio.file.Files.writeString(metadata, "metadata");
      flink = FakeFlinkRest.start(jobId).latestCompleted(recorded).restored(recorded);
      if (ha) {
        // What Flink's HA services keep: the checkpoint a new JobManager will restore.
        client
            .configMaps()
            .inNamespace(ns)
            .resource(
                new ConfigMapBuilder()
                    .withNewMetadata()
                    .withName(KubernetesHaLayout.jobConfigMap(name, jobId))
                    .withLabels(KubernetesHaLayout.labels(name))
                    .endMetadata()
                    .addToData(String.format("checkpointID-%019d", CHECKPOINT), "handle")
                    .build())
            .create();
      }
      awaitTrue("the JobManager Deployment", () -> kubelet.jobManagerDeploymentExists(name));
      startJobManager(true);
      awaitSteady(currentJobManager());
    }

    List<Sample> podLosses(int events, java.util.function.Consumer<String> progress) {
      List<Sample> samples = new ArrayList<>();
      for (int i = 0; i < events; i++) {
        jitter();
        String jm = currentJobManager();
        long id = nextIncident();
        String oldDeployment = deploymentUid();
        int deletionsBefore = deploymentDeleted.size();
        Instant t0 = Instant.now();
        kubelet.deletePod(jm);
        flink.down(); // the JobManager process went with its pod
        Incident incident = awaitIncident(id);
        awaitTrue(
            "the JobManager Deployment deleted", () -> deploymentDeleted.size() > deletionsBefore);
        Sample s =
            new Sample(
                since(t0, incidentSeen.get(id)),
                since(t0, Instant.parse(incident.getDetectedAt())),
                since(t0, deploymentDeleted.get(deletionsBefore)));
        samples.add(s);
        progress.accept(
            String.format(Locale.ROOT, "pod loss %d: %s (%s)", i + 1, s, incident.getReason()));
        // The operator redeploys; play the Deployment controller and the new JobManager.
        awaitTrue(
            "the redeployed JobManager Deployment",
            () -> {
              String uid = deploymentUid();
              return uid != null && !uid.equals(oldDeployment);
            });
        startJobManager(false); // the node is fine: same node
        awaitSteady(currentJobManager());
      }
      return samples;
    }

    List<Sample> nodeLosses(int events, java.util.function.Consumer<String> progress)
        throws InterruptedException {
      List<Sample> samples = new ArrayList<>();
      for (int i = 0; i < events; i++) {
        jitter();
        String jm = currentJobManager();
        String node = nodeName();
        long id = nextIncident();
        kubelet.stopRenewing(node);
        // A dead node answers nothing: calls to its JobManager hang until they time out (a
        // refused connection would wake the operator at once and flatter the figures).
        flink.fail(Failure.HANG);
        // A renewal already under way when the node "died" still lands: read the last one.
        Thread.sleep(RENEW_EVERY.toMillis());
        Instant t0 =
            client
                .leases()
                .inNamespace(Kubelet.LEASE_NAMESPACE)
                .withName(node)
                .get()
                .getSpec()
                .getRenewTime()
                .toInstant();
        Incident incident = awaitIncident(id);
        awaitTrue("the JobManager pod released", () -> podDeleted.containsKey(jm));
        Sample s =
            new Sample(
                since(t0, incidentSeen.get(id)),
                since(t0, Instant.parse(incident.getDetectedAt())),
                since(t0, podDeleted.get(jm)));
        samples.add(s);
        progress.accept(
            String.format(Locale.ROOT, "node loss %d: %s (%s)", i + 1, s, incident.getReason()));
        // The Deployment controller replaces the released pod on a healthy node; HA restores.
        startJobManager(true);
        awaitSteady(currentJobManager());
      }
      return samples;
    }

    /**
     * A JobManager pod at the fake's address (on a fresh Ready node, or the last one), its
     * Deployment ready, Flink RUNNING. A dead node is never renewed again: its Lease stays stale.
     */
    private void startJobManager(boolean freshNode) {
      if (freshNode) {
        nodes++;
        kubelet.registerNode(nodeName());
      }
      pods++;
      kubelet.runJobManager(name, currentJobManager(), nodeName(), flink.port());
      kubelet.markJobManagerReady(name);
      flink.up();
      flink.fail(Failure.NONE);
    }

    private String nodeName() {
      return ns + "-node-" + nodes;
    }

    private String currentJobManager() {
      return name + "-jobmanager-" + pods;
    }

    /** No incident open, RUNNING, and the operator counts {@code jm} as the serving JobManager. */
    private void awaitSteady(String jm) {
      await(
          "steady with JobManager " + jm,
          j ->
              j.getStatus() != null
                  && j.getStatus().getRecovery().getCurrent() == null
                  && "RUNNING".equals(j.getStatus().getJobState())
                  && j.getStatus().getLatestCheckpoint() != null
                  && j.getStatus().getDeployment() != null
                  && jm.equals(j.getStatus().getDeployment().getJobManagerPod()));
    }

    private void jitter() {
      try {
        Thread.sleep(random.nextInt(MAX_JITTER_MILLIS));
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        throw new IllegalStateException(e);
      }
    }

    private long nextIncident() {
      return latest.get().getStatus().getRecovery().getTotal() + 1L;
    }

    private Incident awaitIncident(long id) {
      awaitTrue("incident " + id, () -> incidents.containsKey(id));
      return incidents.get(id);
    }

    private String deploymentUid() {
      Deployment d = client.apps().deployments().inNamespace(ns).withName(name).get();
      return d == null ? null : d.getMetadata().getUid();
    }

    private void watch() {
      watches.add(
          client
              .resources(FlinkResilientJob.class)
              .inNamespace(ns)
              .watch(
                  new Recorder<>(
                      (action, job) -> {
                        Instant at = Instant.now();
                        latest.set(job);
                        var status = job.getStatus();
                        Incident current =
                            status == null ? null : status.getRecovery().getCurrent();
                        if (current != null && current.getId() != null) {
                          incidentSeen.putIfAbsent(current.getId(), at);
                          incidents.putIfAbsent(current.getId(), current);
                        }
                      })));
      watches.add(
          client
              .pods()
              .inNamespace(ns)
              .watch(
                  new Recorder<Pod>(
                      (action, pod) -> {
                        if (action == Watcher.Action.DELETED) {
                          podDeleted.putIfAbsent(pod.getMetadata().getName(), Instant.now());
                        }
                      })));
      watches.add(
          client
              .apps()
              .deployments()
              .inNamespace(ns)
              .watch(
                  new Recorder<Deployment>(
                      (action, d) -> {
                        if (action == Watcher.Action.DELETED
                            && name.equals(d.getMetadata().getName())) {
                          deploymentDeleted.add(Instant.now());
                        }
                      })));
    }

    private FlinkResilientJob await(String what, Predicate<FlinkResilientJob> condition) {
      awaitTrue(
          what,
          () -> {
            FlinkResilientJob j = latest.get();
            return j != null && condition.test(j);
          });
      return latest.get();
    }

    private void awaitTrue(String what, Supplier<Boolean> condition) {
      long deadline = System.nanoTime() + STEP_TIMEOUT.toNanos();
      while (!condition.get()) {
        if (System.nanoTime() > deadline) {
          throw new IllegalStateException(
              "timed out waiting for " + what + "\n" + operator.describe(ns, name));
        }
        try {
          Thread.sleep(5);
        } catch (InterruptedException e) {
          Thread.currentThread().interrupt();
          throw new IllegalStateException(e);
        }
      }
    }

    @Override
    public void close() {
      watches.forEach(Watch::close);
      kubelet.close();
      flink.close();
    }
  }

  /** A watcher that hands each event to a callback and ignores the close. */
  private static final class Recorder<T> implements Watcher<T> {
    private final java.util.function.BiConsumer<Action, T> onEvent;

    Recorder(java.util.function.BiConsumer<Action, T> onEvent) {
      this.onEvent = onEvent;
    }

    @Override
    public void eventReceived(Action action, T resource) {
      onEvent.accept(action, Objects.requireNonNull(resource));
    }

    @Override
    public void onClose(WatcherException cause) {}
  }

  private static double since(Instant t0, Instant t) {
    return Duration.between(t0, t).toNanos() / 1e9;
  }

  private static double seconds(Duration d) {
    return d.toMillis() / 1000.0;
  }

  private DetectionLatency() {}
}
