package dev.flinkresilience.operator.render;

import dev.flinkresilience.operator.api.v1alpha1.CheckpointingSpec;
import dev.flinkresilience.operator.api.v1alpha1.ExponentialDelaySpec;
import dev.flinkresilience.operator.api.v1alpha1.FailoverStrategy;
import dev.flinkresilience.operator.api.v1alpha1.FailureRateSpec;
import dev.flinkresilience.operator.api.v1alpha1.FixedDelaySpec;
import dev.flinkresilience.operator.api.v1alpha1.FlinkResilientJobSpec;
import dev.flinkresilience.operator.api.v1alpha1.HighAvailabilitySpec;
import dev.flinkresilience.operator.api.v1alpha1.HighAvailabilityType;
import dev.flinkresilience.operator.api.v1alpha1.JobManagerSpec;
import dev.flinkresilience.operator.api.v1alpha1.JobSpec;
import dev.flinkresilience.operator.api.v1alpha1.KubernetesHaSpec;
import dev.flinkresilience.operator.api.v1alpha1.ResourcesSpec;
import dev.flinkresilience.operator.api.v1alpha1.RestartStrategySpec;
import dev.flinkresilience.operator.api.v1alpha1.RestartStrategyType;
import dev.flinkresilience.operator.api.v1alpha1.TaskManagerSpec;
import dev.flinkresilience.operator.api.v1alpha1.ZooKeeperAcl;
import dev.flinkresilience.operator.api.v1alpha1.ZooKeeperSpec;
import dev.flinkresilience.operator.render.KeyDialect.Setting;
import dev.flinkresilience.operator.spec.Durations;
import java.time.Duration;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.SortedMap;
import java.util.TreeMap;
import java.util.function.Supplier;

/**
 * Renders the complete Flink configuration of a job (DESIGN.md section 4) in the key names of its
 * Flink version. Pure: the same spec and inputs always give the same map.
 *
 * <p>It expects a validated spec. Optional parts left out (null) take their defaults; a value that
 * validation should have rejected (a missing directory, a malformed duration or quantity) fails
 * with an IllegalArgumentException naming the spec field, never with a NullPointerException.
 */
public final class FlinkConfigRenderer {
  /** Label on every JobManager and TaskManager pod, naming the job; pod informers select on it. */
  public static final String JOB_LABEL = "flinkresilience.dev/job";

  /**
   * Keys the operator sets unless {@code flinkConfiguration} does: not owned, so a user may choose
   * otherwise.
   *
   * <p>{@code web.refresh-interval}: how long Flink's REST handlers cache a job's state and (by
   * fallback, {@code rest.cache.checkpoint-statistics.timeout}) its checkpoint statistics. Flink's
   * 3 s made every answer the operator reads up to 3 s old: the node-loss benchmark saw a standby
   * run the job 2.6 s before the operator could tell, and every recovery, checkpoint and stop is
   * observed that much later. 1 s matches the operator's fast poll; the JobManager rebuilds the
   * cached state at most once a second, and only when asked. Milliseconds, which Flink 1.20 (a
   * long) and 2.x (a duration) both read.
   */
  public static final Map<String, String> OVERRIDABLE_DEFAULTS =
      Map.of("web.refresh-interval", "1000");

  private FlinkConfigRenderer() {}

  /** The Flink configuration of {@code spec} deployed as {@code id} with {@code inputs}. */
  public static SortedMap<String, String> render(
      FlinkResilientJobSpec spec, ClusterIdentity id, DeploymentInputs inputs) {
    Objects.requireNonNull(spec, "spec");
    Objects.requireNonNull(id, "id");
    Objects.requireNonNull(inputs, "inputs");
    Config config =
        new Config(KeyDialect.of(required(spec.getFlinkVersion(), "spec.flinkVersion")));
    cluster(spec, id, inputs, config);
    highAvailability(or(spec.getHighAvailability(), HighAvailabilitySpec::new), id, inputs, config);
    restartStrategy(
        or(spec.getRestartStrategy(), RestartStrategySpec::new),
        or(spec.getFailoverStrategy(), () -> FailoverStrategy.REGION),
        config);
    checkpointing(required(spec.getCheckpointing(), "spec.checkpointing"), config);
    restore(inputs, required(spec.getJob(), "spec.job"), config);
    return Collections.unmodifiableSortedMap(
        withPassThrough(config.entries, spec.getFlinkConfiguration()));
  }

  private static void cluster(
      FlinkResilientJobSpec spec, ClusterIdentity id, DeploymentInputs inputs, Config config) {
    JobSpec job = required(spec.getJob(), "spec.job");
    JobManagerSpec jobManager = or(spec.getJobManager(), JobManagerSpec::new);
    TaskManagerSpec taskManager = or(spec.getTaskManager(), TaskManagerSpec::new);
    ResourcesSpec jmDefaults = new JobManagerSpec().getResources();
    ResourcesSpec tmDefaults = new TaskManagerSpec().getResources();
    ResourcesSpec jmResources = or(jobManager.getResources(), () -> jmDefaults);
    ResourcesSpec tmResources = or(taskManager.getResources(), () -> tmDefaults);

    config.put(Setting.EXECUTION_TARGET, "kubernetes-application");
    config.put(Setting.CLUSTER_ID, id.name());
    config.put(Setting.NAMESPACE, id.namespace());
    config.put(Setting.IMAGE, required(spec.getImage(), "spec.image"));
    config.put(Setting.SERVICE_ACCOUNT, inputs.serviceAccount());
    config.put(Setting.JOB_MANAGER_REPLICAS, Integer.toString(jobManager.getReplicas()));
    config.put(
        Setting.JOB_MANAGER_CPU,
        ResourceQuantities.cpu(
            or(jmResources.getCpu(), jmDefaults::getCpu), "spec.jobManager.resources.cpu"));
    config.put(
        Setting.TASK_MANAGER_CPU,
        ResourceQuantities.cpu(
            or(tmResources.getCpu(), tmDefaults::getCpu), "spec.taskManager.resources.cpu"));
    config.put(
        Setting.JOB_MANAGER_MEMORY,
        ResourceQuantities.memory(
            or(jmResources.getMemory(), jmDefaults::getMemory),
            "spec.jobManager.resources.memory"));
    config.put(
        Setting.TASK_MANAGER_MEMORY,
        ResourceQuantities.memory(
            or(tmResources.getMemory(), tmDefaults::getMemory),
            "spec.taskManager.resources.memory"));
    config.put(Setting.TASK_SLOTS, Integer.toString(taskManager.getTaskSlots()));
    config.put(Setting.PARALLELISM, Integer.toString(job.getParallelism()));
    config.put(
        Setting.JARS, FlinkValues.list(List.of(required(job.getJarURI(), "spec.job.jarURI"))));
    if (job.getEntryClass() != null && !job.getEntryClass().isBlank()) {
      config.put(Setting.MAIN_CLASS, job.getEntryClass().trim());
    }
    List<String> args = or(job.getArgs(), List::of);
    if (!args.isEmpty()) {
      config.put(
          Setting.PROGRAM_ARGS, FlinkValues.list(args.stream().map(a -> or(a, () -> "")).toList()));
    }
    String labels = FlinkValues.map(Map.of(JOB_LABEL, id.name()));
    config.put(Setting.JOB_MANAGER_LABELS, labels);
    config.put(Setting.TASK_MANAGER_LABELS, labels);
    config.put(Setting.FIXED_JOB_ID, inputs.jobId());
    config.put(Setting.FIXED_APPLICATION_ID, inputs.jobId());
    config.put(Setting.SHUTDOWN_ON_APPLICATION_FINISH, "false");
    config.put(Setting.SUBMIT_FAILED_JOB_ON_APPLICATION_ERROR, "true");
    config.put(Setting.KERBEROS_MOUNT_DECORATOR, "false");
    config.put(Setting.HADOOP_CONF_MOUNT_DECORATOR, "false");
  }

  private static void highAvailability(
      HighAvailabilitySpec ha, ClusterIdentity id, DeploymentInputs inputs, Config config) {
    HighAvailabilityType type = or(ha.getType(), () -> HighAvailabilityType.NONE);
    config.put(Setting.HA_TYPE, type.value());
    if (type == HighAvailabilityType.NONE) {
      return; // the result stores are then in the JobManager's memory, one per process
    }
    String storageDir = required(ha.getStorageDir(), "spec.highAvailability.storageDir");
    config.put(Setting.HA_STORAGE_DIR, storageDir);
    String base = storageDir.replaceAll("/+$", "");
    config.put(
        Setting.JOB_RESULT_STORE_PATH,
        base + "/job-result-store" + id.haClusterId() + "/" + inputs.resultStore());
    config.put(
        Setting.APPLICATION_RESULT_STORE_PATH,
        base + "/application-result-store" + id.haClusterId() + "/" + inputs.resultStore());
    // Flink keeps job graphs, blobs and the job result store under storageDir/<HA cluster id>, and
    // ZooKeeper HA its znodes under path.root/<HA cluster id>. Its default id is "/default" (and
    // Flink's Kubernetes client sets it to kubernetes.cluster-id, the bare name), so jobs of the
    // same name in two namespaces sharing one storageDir or ensemble would read each other's
    // state. The namespace makes the id unique across the cluster. Kubernetes HA's ConfigMaps are
    // named after kubernetes.cluster-id and are namespaced already.
    config.put(Setting.HA_CLUSTER_ID, id.haClusterId());
    if (type == HighAvailabilityType.ZOOKEEPER) {
      ZooKeeperSpec zk = required(ha.getZookeeper(), "spec.highAvailability.zookeeper");
      config.put(
          Setting.ZOOKEEPER_QUORUM,
          required(zk.getQuorum(), "spec.highAvailability.zookeeper.quorum"));
      config.put(
          Setting.ZOOKEEPER_ROOT, or(zk.getRootPath(), () -> new ZooKeeperSpec().getRootPath()));
      config.put(Setting.ZOOKEEPER_ACL, or(zk.getAcl(), () -> ZooKeeperAcl.OPEN).value());
    }
    KubernetesHaSpec election = ha.getKubernetes();
    if (type == HighAvailabilityType.KUBERNETES && election != null) {
      String lease = "spec.highAvailability.kubernetes.leaseDuration";
      config.putDuration(Setting.LEADER_LEASE_DURATION, election.getLeaseDuration(), lease);
      // The leader keeps trying to renew for the whole lease: a renew deadline past it would
      // let a leader act on a lease a standby may already have taken (fabric8's elector, which
      // Flink uses, takes them as given).
      config.putDuration(Setting.LEADER_RENEW_DEADLINE, election.getLeaseDuration(), lease);
      config.putDuration(
          Setting.LEADER_RETRY_PERIOD,
          election.getRetryPeriod(),
          "spec.highAvailability.kubernetes.retryPeriod");
    }
  }

  private static void restartStrategy(
      RestartStrategySpec restart, FailoverStrategy failover, Config config) {
    RestartStrategyType type = or(restart.getType(), () -> RestartStrategyType.EXPONENTIAL_DELAY);
    config.put(Setting.RESTART_STRATEGY, type.value());
    switch (type) {
      case FIXED_DELAY -> {
        FixedDelaySpec s = or(restart.getFixedDelay(), FixedDelaySpec::new);
        config.put(Setting.FIXED_DELAY_ATTEMPTS, Integer.toString(s.getAttempts()));
        config.putDuration(
            Setting.FIXED_DELAY_DELAY, s.getDelay(), "spec.restartStrategy.fixedDelay.delay");
      }
      case FAILURE_RATE -> {
        FailureRateSpec s = or(restart.getFailureRate(), FailureRateSpec::new);
        config.put(
            Setting.FAILURE_RATE_MAX_FAILURES, Integer.toString(s.getMaxFailuresPerInterval()));
        config.putDuration(
            Setting.FAILURE_RATE_INTERVAL,
            s.getInterval(),
            "spec.restartStrategy.failureRate.interval");
        config.putDuration(
            Setting.FAILURE_RATE_DELAY, s.getDelay(), "spec.restartStrategy.failureRate.delay");
      }
      case EXPONENTIAL_DELAY -> {
        ExponentialDelaySpec s = or(restart.getExponentialDelay(), ExponentialDelaySpec::new);
        config.putDuration(
            Setting.EXPONENTIAL_INITIAL_BACKOFF,
            s.getInitialBackoff(),
            "spec.restartStrategy.exponentialDelay.initialBackoff");
        config.putDuration(
            Setting.EXPONENTIAL_MAX_BACKOFF,
            s.getMaxBackoff(),
            "spec.restartStrategy.exponentialDelay.maxBackoff");
        config.put(Setting.EXPONENTIAL_MULTIPLIER, FlinkValues.decimal(s.getMultiplier()));
        config.putDuration(
            Setting.EXPONENTIAL_RESET_THRESHOLD,
            s.getResetThreshold(),
            "spec.restartStrategy.exponentialDelay.resetThreshold");
        config.put(Setting.EXPONENTIAL_JITTER, FlinkValues.decimal(s.getJitter()));
      }
      case NONE -> {}
    }
    config.put(Setting.FAILOVER_STRATEGY, failover.value());
  }

  private static void checkpointing(CheckpointingSpec cp, Config config) {
    CheckpointingSpec d = new CheckpointingSpec();
    config.putDuration(
        Setting.CHECKPOINT_INTERVAL, cp.getInterval(), "spec.checkpointing.interval");
    config.put(Setting.CHECKPOINT_DIR, required(cp.getDirectory(), "spec.checkpointing.directory"));
    // Stated, not left to the image: checkpoints kept in the JobManager's heap die with it.
    config.put(Setting.CHECKPOINT_STORAGE, "filesystem");
    if (cp.getSavepointDirectory() != null && !cp.getSavepointDirectory().isBlank()) {
      config.put(Setting.SAVEPOINT_DIR, cp.getSavepointDirectory());
    }
    config.put(Setting.CHECKPOINT_MODE, or(cp.getMode(), d::getMode).name());
    config.putDuration(Setting.CHECKPOINT_TIMEOUT, cp.getTimeout(), "spec.checkpointing.timeout");
    config.putDuration(
        Setting.CHECKPOINT_MIN_PAUSE, cp.getMinPause(), "spec.checkpointing.minPause");
    config.put(Setting.CHECKPOINT_MAX_CONCURRENT, Integer.toString(cp.getMaxConcurrent()));
    config.put(Setting.CHECKPOINT_TOLERABLE_FAILURES, Integer.toString(cp.getTolerableFailures()));
    // Always: a cancelled or torn-down job must leave its checkpoints for the next deployment.
    config.put(Setting.CHECKPOINT_RETENTION, "RETAIN_ON_CANCELLATION");
    config.put(Setting.CHECKPOINTS_RETAINED, Integer.toString(retained(cp)));
    config.put(Setting.STATE_BACKEND, or(cp.getStateBackend(), d::getStateBackend).value());
    config.put(Setting.INCREMENTAL, Boolean.toString(cp.isIncremental()));
  }

  /** Checkpoints covering this long are kept when spec.checkpointing.retained is not set. */
  static final Duration RETAINED_SPAN = Duration.ofSeconds(15);

  /**
   * Flink deletes a checkpoint once {@code num-retained} newer ones completed (1 by default). The
   * checkpoint recorded in status lags Flink's by up to a poll (5 s by default), and a redeploy
   * restores the recorded one: with one retained and checkpoints every 2 s it was often deleted
   * already, the restore failed, and the job could not start (chaos scenario 2 found it). So the
   * default keeps 15 s worth of checkpoints, and never fewer than 3.
   */
  static int retained(CheckpointingSpec cp) {
    if (cp.getRetained() != null) {
      return cp.getRetained();
    }
    long interval = Math.max(1, Durations.parse(cp.getInterval()).toMillis());
    long cover = (RETAINED_SPAN.toMillis() + interval - 1) / interval;
    return (int) Math.max(3, Math.min(cover, 100));
  }

  private static void restore(DeploymentInputs inputs, JobSpec job, Config config) {
    if (inputs.restorePath() == null) {
      return;
    }
    config.put(Setting.RESTORE_PATH, inputs.restorePath());
    config.put(
        Setting.RESTORE_IGNORE_UNCLAIMED_STATE, Boolean.toString(job.isAllowNonRestoredState()));
    // NO_CLAIM (Flink's default, stated so that no image default can change it): the new job
    // never deletes the checkpoint it restored from, which stays our fallback until it has
    // completed checkpoints of its own.
    config.put(Setting.RESTORE_CLAIM_MODE, "NO_CLAIM");
  }

  /**
   * Adds the user's pass-through entries. A key the operator owns is dropped even when this
   * rendering did not emit it: an old spelling (execution.savepoint.path) or an unrendered setting
   * of an owned group would otherwise still steer Flink. Validation rejects such keys; this is the
   * second line.
   */
  private static SortedMap<String, String> withPassThrough(
      SortedMap<String, String> rendered, Map<String, String> passThrough) {
    SortedMap<String, String> merged = new TreeMap<>(rendered);
    if (passThrough != null) {
      passThrough.forEach(
          (key, value) -> {
            if (key != null && value != null && OwnedKeys.ownerOf(key).isEmpty()) {
              merged.putIfAbsent(key, value);
            }
          });
    }
    OVERRIDABLE_DEFAULTS.forEach(merged::putIfAbsent);
    return merged;
  }

  private static <T> T or(T value, Supplier<T> fallback) {
    return value != null ? value : fallback.get();
  }

  private static <T> T required(T value, String field) {
    if (value == null || (value instanceof String s && s.isBlank())) {
      throw new IllegalArgumentException(field + " is required");
    }
    return value;
  }

  /** The entries rendered so far, keyed in the version's dialect. */
  private static final class Config {
    private final KeyDialect dialect;
    private final SortedMap<String, String> entries = new TreeMap<>();

    Config(KeyDialect dialect) {
      this.dialect = dialect;
    }

    /** Puts {@code value} under the setting's key; a version without that setting skips it. */
    void put(Setting setting, String value) {
      dialect.key(setting).ifPresent(key -> entries.put(key, value));
    }

    void putDuration(Setting setting, String value, String field) {
      try {
        put(setting, FlinkValues.duration(value));
      } catch (IllegalArgumentException e) {
        throw new IllegalArgumentException(field + ": " + e.getMessage(), e);
      }
    }
  }
}
