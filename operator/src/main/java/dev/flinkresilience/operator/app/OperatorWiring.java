package dev.flinkresilience.operator.app;

import dev.flinkresilience.operator.act.ClusterActions;
import dev.flinkresilience.operator.act.EventEmitter;
import dev.flinkresilience.operator.act.HaMetadataCleaner;
import dev.flinkresilience.operator.act.LostNodeTaints;
import dev.flinkresilience.operator.decide.WatchHealth;
import dev.flinkresilience.operator.observe.FlinkPoller;
import dev.flinkresilience.operator.observe.LeanStore;
import dev.flinkresilience.operator.observe.NodeWatch;
import dev.flinkresilience.operator.observe.SavepointOperations;
import dev.flinkresilience.operator.observe.ha.KubernetesHaStoreReader;
import dev.flinkresilience.operator.observe.ha.ZooKeeperHaStoreReader;
import dev.flinkresilience.operator.observe.rest.FlinkJobReader;
import dev.flinkresilience.operator.observe.rest.HttpFlinkRestClient;
import dev.flinkresilience.operator.observe.rest.SavepointStatus;
import dev.flinkresilience.operator.observe.storage.CheckpointStorageReader;
import dev.flinkresilience.operator.observe.storage.CheckpointStorageReads;
import dev.flinkresilience.operator.observe.storage.FlinkFileSystems;
import dev.flinkresilience.operator.observe.storage.StorageAccess;
import dev.flinkresilience.operator.ops.ForgetDeletedJobs;
import dev.flinkresilience.operator.ops.HttpEndpoints;
import dev.flinkresilience.operator.ops.JobMetrics;
import dev.flinkresilience.operator.ops.NodeSightMetrics;
import dev.flinkresilience.operator.ops.OperatorHealth;
import dev.flinkresilience.operator.ops.RecoveryMetrics;
import dev.flinkresilience.operator.reconcile.FlinkResilientJobReconciler;
import dev.flinkresilience.operator.reconcile.FlinkWatch;
import dev.flinkresilience.operator.reconcile.ProgressBudget;
import dev.flinkresilience.operator.reconcile.ProgressWrites;
import dev.flinkresilience.operator.reconcile.StatusWriter;
import dev.flinkresilience.operator.reconcile.Teardown;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.extended.leaderelection.LeaderCallbacks;
import io.javaoperatorsdk.operator.Operator;
import io.javaoperatorsdk.operator.api.config.LeaderElectionConfiguration;
import io.javaoperatorsdk.operator.api.config.LeaderElectionConfigurationBuilder;
import io.javaoperatorsdk.operator.api.monitoring.AggregatedMetrics;
import io.javaoperatorsdk.operator.monitoring.micrometer.MicrometerMetrics;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.time.Clock;
import java.util.HashSet;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Executors;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;

/** The whole operator, wired by hand: settings → clients → components → reconciler → operator. */
public final class OperatorWiring {
  private static final org.slf4j.Logger LOG =
      org.slf4j.LoggerFactory.getLogger(OperatorWiring.class);

  /** A ZooKeeper read's hard bound: the poller's thread waits no longer than this. */
  private static final java.time.Duration ZOOKEEPER_TIMEOUT = java.time.Duration.ofSeconds(2);

  /**
   * A checkpoint storage read's bound (a listing and a few metadata lookups). Longer than the
   * ZooKeeper one: an object store lists slower, and a read happens once per redeploy, not per
   * poll. A read past it counts as the storage unreadable.
   */
  private static final java.time.Duration STORAGE_TIMEOUT = java.time.Duration.ofSeconds(10);

  /**
   * A lost-node taint goes once the node's Lease was renewed after it, within this: a kubelet
   * renews every 10 s, so a live node always has a renewal this recent.
   */
  private static final java.time.Duration LIFT_WITHIN = java.time.Duration.ofSeconds(15);

  /** How often the nodes carrying the taint are looked at (the informers' caches, no API call). */
  private static final java.time.Duration LIFT_EVERY = java.time.Duration.ofSeconds(2);

  /** How often a stop with a savepoint in progress is read; a savepoint takes seconds at least. */
  private static final java.time.Duration SAVEPOINT_READ_EVERY = java.time.Duration.ofSeconds(1);

  /** Storage reads at once; more wait in a bounded queue (each read is one job's redeploy). */
  private static final int STORAGE_THREADS = 4;

  private static final int STORAGE_QUEUE = 256;

  private OperatorWiring() {}

  /** Starts the operator; the caller stops it with {@link Operator#stop()}. */
  public static Operator start(KubernetesClient client, OperatorSettings settings, Clock clock) {
    return run(client, settings, clock).operator();
  }

  /**
   * Starts the operator with its HTTP endpoints (when {@code settings.healthPort()} asks for them)
   * and, when configured, leader election. Returns once the informers have synced.
   */
  public static RunningOperator run(
      KubernetesClient client, OperatorSettings settings, Clock clock) {
    if (!settings.storage().equals(StorageAccess.LOCAL_ONLY)) {
      // Process-wide, before anything reads storage: the storage reader's s3:// (and others).
      LOG.info("checkpoint storage: {}", FlinkFileSystems.initialize(settings.storage()));
    }
    var registry = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
    var jobMetrics = new JobMetrics(registry, clock);
    var recoveryMetrics = new RecoveryMetrics(registry);
    var stopping = new AtomicBoolean();
    var forgetDeleted = new ForgetDeletedJobs(jobMetrics, recoveryMetrics);
    Operator operator =
        new Operator(
            o -> {
              o.withKubernetesClient(client)
                  .withCloseClientOnStop(false)
                  // No server-side apply anywhere: the operator must behave the same on API
                  // servers without it (the in-process mock), and status is replaced whole.
                  .withUseSSAToPatchPrimaryResource(false)
                  .withSSABasedCreateUpdateMatchForDependentResources(false)
                  // JOSDK's reconcile metrics (not per resource: one series per job is ours).
                  .withMetrics(
                      new AggregatedMetrics(
                          List.of(
                              MicrometerMetrics.withoutPerResourceMetrics(registry),
                              forgetDeleted)));
              settings
                  .leaderElection()
                  .ifPresent(le -> o.withLeaderElectionConfiguration(leaderElection(le, stopping)));
            });
    var actions = new ClusterActions(client);
    var events = new EventEmitter(client, clock);
    var flinkRest = new HttpFlinkRestClient(settings.polling().callTimeout());
    var poller =
        new FlinkPoller(
            new FlinkJobReader(flinkRest, clock)::read,
            // One ZooKeeper client per quorum, closed with the poller.
            new ZooKeeperHaStoreReader(ZOOKEEPER_TIMEOUT),
            clock,
            (job, checkpoint) ->
                jobMetrics.checkpointed(
                    job.getNamespace().orElse(""),
                    job.getName(),
                    checkpoint.id(),
                    checkpoint.completedAt()),
            // Paced in real time like the progress writes, and at the same rate.
            new ProgressBudget(settings.checkpointStatusRate(), Clock.systemUTC())::take,
            settings.polling()::steadyFor);
    var watch =
        new FlinkWatch(
            poller,
            settings.polling(),
            settings.jobManagerAddress(),
            KubernetesHaStoreReader::read);
    Optional<NodeWatch> nodeWatch =
        settings.nodeDetection()
            ? Optional.of(
                new NodeWatch(
                    client,
                    clock,
                    NodeWatch.DEFAULT_CHECK_EVERY,
                    WatchHealth.DEFAULT_SILENCE,
                    settings.massLossFraction()))
            : Optional.empty();
    nodeWatch.ifPresent(n -> NodeSightMetrics.register(registry, n::sight));
    var taints =
        nodeWatch.isPresent()
            ? new LostNodeTaints(client, settings.taintLostNodes(), clock)
            : LostNodeTaints.disabled();
    nodeWatch.ifPresent(
        n -> taints.liftWhileRunning(() -> n.taintedButAlive(LIFT_WITHIN), LIFT_EVERY));
    var reconciler =
        new FlinkResilientJobReconciler(
            actions,
            events,
            new StatusWriter(
                (job, status) -> {
                  jobMetrics.update(job, status);
                  recoveryMetrics.update(job, status);
                },
                // Paced in real time whatever clock the passes use: it bounds the API server's
                // load.
                new ProgressWrites(settings.checkpointStatusRate(), Clock.systemUTC())),
            new Teardown(actions, new HaMetadataCleaner(client), events, new StatusWriter(), clock),
            watch,
            new CheckpointStorageReads(
                new CheckpointStorageReader()::read, storageExecutor(), STORAGE_TIMEOUT),
            new SavepointOperations(
                new SavepointOperations.Calls() {
                  @Override
                  public CompletableFuture<SavepointStatus> status(
                      URI rest, String jobId, String triggerId) {
                    return flinkRest.savepointStatus(rest, jobId, triggerId);
                  }

                  @Override
                  public CompletableFuture<String> stop(
                      URI rest, String jobId, String directory, String triggerId) {
                    return flinkRest.stopWithSavepoint(rest, jobId, directory, triggerId);
                  }

                  @Override
                  public CompletableFuture<String> savepoint(
                      URI rest, String jobId, String directory, String triggerId) {
                    return flinkRest.triggerSavepoint(rest, jobId, directory, triggerId);
                  }

                  @Override
                  public CompletableFuture<String> dispose(URI rest, String path) {
                    return flinkRest.disposeSavepoint(rest, path);
                  }

                  @Override
                  public CompletableFuture<SavepointStatus> disposalStatus(
                      URI rest, String triggerId) {
                    return flinkRest.disposalStatus(rest, triggerId);
                  }
                },
                savepointTimer(),
                SAVEPOINT_READ_EVERY),
            nodeWatch,
            taints,
            clock,
            settings.tenantPolicy());
    forgetDeleted.alsoForget(reconciler::forget);
    operator.register(
        reconciler,
        c -> {
          c.withItemStore(new LeanStore<>());
          c.withInformerListLimit(LeanStore.LIST_PAGE);
          if (!settings.namespaces().isEmpty()) {
            c.settingNamespaces(new HashSet<>(settings.namespaces()));
          }
          if (!settings.jobSelector().isEmpty()) {
            // The informer of FlinkResilientJobs lists and watches only these: a job outside the
            // selector is another shard's, never seen here, so never acted on.
            c.withLabelSelector(settings.jobSelector());
          }
        });
    // Before start(): it blocks until the informers have synced, and the probes ask meanwhile.
    Optional<HttpEndpoints> http = serve(settings.healthPort(), operator, registry);
    try {
      operator.start();
    } catch (RuntimeException e) {
      http.ifPresent(HttpEndpoints::close);
      taints.close();
      events.close();
      throw e;
    }
    return new RunningOperator(operator, http, registry, stopping, taints, events);
  }

  /**
   * Daemon threads that end when idle: a hung read (an object store that never answers) holds one
   * thread until its call returns, and at most {@link #STORAGE_THREADS} ever run.
   */
  /**
   * One daemon thread only schedules the reads of savepoint operations (stops, savepoints,
   * disposals); the calls themselves are asynchronous on the HTTP client.
   */
  private static ScheduledExecutorService savepointTimer() {
    return Executors.newSingleThreadScheduledExecutor(
        r -> {
          Thread t = new Thread(r, "savepoint-operations");
          t.setDaemon(true);
          return t;
        });
  }

  private static ThreadPoolExecutor storageExecutor() {
    var executor =
        new ThreadPoolExecutor(
            STORAGE_THREADS,
            STORAGE_THREADS,
            30,
            TimeUnit.SECONDS,
            new LinkedBlockingQueue<>(STORAGE_QUEUE),
            r -> {
              Thread t = new Thread(r, "checkpoint-storage-read");
              t.setDaemon(true);
              return t;
            });
    executor.allowCoreThreadTimeOut(true);
    return executor;
  }

  private static Optional<HttpEndpoints> serve(
      int port, Operator operator, PrometheusMeterRegistry registry) {
    if (port == OperatorSettings.NO_HTTP) {
      return Optional.empty();
    }
    try {
      return Optional.of(HttpEndpoints.start(port, new OperatorHealth(operator), registry));
    } catch (IOException e) {
      throw new UncheckedIOException("cannot serve /healthz, /readyz, /metrics on " + port, e);
    }
  }

  /**
   * JOSDK's Lease-based election. JOSDK would call System.exit on losing the Lease, also when we
   * stop on purpose (it does not release the Lease either, so a standby waits out the lease
   * duration): instead our callback decides, and does nothing when we are stopping.
   */
  private static LeaderElectionConfiguration leaderElection(
      LeaderElectionSettings le, AtomicBoolean stopping) {
    var builder =
        LeaderElectionConfigurationBuilder.aLeaderElectionConfiguration(le.leaseName())
            .withIdentity(le.identity())
            .withLeaseDuration(le.leaseDuration())
            .withRenewDeadline(le.renewDeadline())
            .withRetryPeriod(le.retryPeriod())
            .withExitOnStopLeading(false)
            .withLeaderCallbacks(
                new LeaderCallbacks(
                    () -> {},
                    () -> {
                      if (!stopping.get()) {
                        le.onLostLeadership().run();
                      }
                    },
                    leader -> {}));
    le.leaseNamespace().ifPresent(builder::withLeaseNamespace);
    return builder.build();
  }
}
