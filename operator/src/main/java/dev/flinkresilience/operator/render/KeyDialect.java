package dev.flinkresilience.operator.render;

import dev.flinkresilience.operator.api.v1alpha1.FlinkVersion;
import java.util.Objects;
import java.util.Optional;

/**
 * The Flink configuration key of each setting the operator renders, per Flink version.
 *
 * <p>Flink 1.20 introduced the current names: {@code state.checkpoints.dir} became {@code
 * execution.checkpointing.dir}, {@code state.savepoints.dir} {@code
 * execution.checkpointing.savepoint-dir}, {@code execution.savepoint.path} {@code
 * execution.state-recovery.path}, {@code high-availability} {@code high-availability.type}, {@code
 * restart-strategy} {@code restart-strategy.type}, {@code state.backend.incremental} {@code
 * execution.checkpointing.incremental}. From 1.20 to 2.3 the old names survive only as deprecated
 * fallback keys of the new options, so 1.20, the oldest version we support, already takes the
 * current name of every setting here. What differs between supported versions is which settings
 * exist at all ({@link Setting#FIXED_APPLICATION_ID}, new in 2.3). KeyDialectCatalogTest checks
 * every name against the ConfigOptions compiled into each version's jars, so a version whose names
 * differ fails the build instead of rendering a key its JobManager ignores.
 */
public final class KeyDialect {

  /** A setting the renderer emits, with its key and the first version that knows it. */
  public enum Setting {
    EXECUTION_TARGET("execution.target"),
    CLUSTER_ID("kubernetes.cluster-id"),
    NAMESPACE("kubernetes.namespace"),
    // kubernetes.container.image is only a deprecated fallback, from 1.20 to 2.3.
    IMAGE("kubernetes.container.image.ref"),
    // The JobManager and TaskManager service-account keys fall back to this one.
    SERVICE_ACCOUNT("kubernetes.service-account"),
    JOB_MANAGER_REPLICAS("kubernetes.jobmanager.replicas"),
    // kubernetes.jobmanager.cpu and kubernetes.taskmanager.cpu are only deprecated fallbacks.
    JOB_MANAGER_CPU("kubernetes.jobmanager.cpu.amount"),
    TASK_MANAGER_CPU("kubernetes.taskmanager.cpu.amount"),
    JOB_MANAGER_MEMORY("jobmanager.memory.process.size"),
    TASK_MANAGER_MEMORY("taskmanager.memory.process.size"),
    TASK_SLOTS("taskmanager.numberOfTaskSlots"),
    PARALLELISM("parallelism.default"),
    JARS("pipeline.jars"),
    MAIN_CLASS("$internal.application.main"),
    PROGRAM_ARGS("$internal.application.program-args"),
    JOB_MANAGER_LABELS("kubernetes.jobmanager.labels"),
    TASK_MANAGER_LABELS("kubernetes.taskmanager.labels"),
    FIXED_JOB_ID("$internal.pipeline.job-id"),
    /**
     * 2.3 added applications as a unit above jobs (ApplicationOptionsInternal.FIXED_APPLICATION_ID,
     * absent from the 2.2 jars). With HA on and no fixed id, 2.3's ApplicationJobUtils.maybeFixIds
     * derives the application id from the HA cluster id, the same for every deployment of this job;
     * its HA stores then remember a terminated application under that id. Pinning it to the
     * generation's job id gives each deployment generation its own application, as it gets its own
     * job.
     */
    FIXED_APPLICATION_ID("$internal.application.id", FlinkVersion.V2_3),
    /**
     * Flink's Kerberos and Hadoop decorators run where the objects are built, which here is the
     * operator's own JVM: they would read the krb5.conf and keytab paths, and the directory of
     * HADOOP_CONF_DIR or HADOOP_HOME, from the operator's filesystem and ship the files to the
     * job's namespace. Always off; a job mounts such files through its pod templates.
     */
    KERBEROS_MOUNT_DECORATOR("kubernetes.decorator.kerberos-mount.enabled"),
    /**
     * Always false: after a stop with a savepoint the application finishes, and by default Flink
     * then removes its own cluster, possibly before the operator read where the savepoint went. The
     * JobManager stays to report; the operator deletes the cluster. A job that FAILED for good is
     * then seen FAILED through the REST API (a JobFailed signal) instead of as a vanished cluster.
     */
    SHUTDOWN_ON_APPLICATION_FINISH("execution.shutdown-on-application-finish"),
    /**
     * Always true, with the above: a main() that throws before submitting leaves a FAILED job under
     * the fixed job id for the REST API to report, rather than a JobManager without a job.
     */
    SUBMIT_FAILED_JOB_ON_APPLICATION_ERROR("execution.submit-failed-job-on-application-error"),
    HADOOP_CONF_MOUNT_DECORATOR("kubernetes.decorator.hadoop-conf-mount.enabled"),

    // "high-availability" is only a deprecated fallback of HighAvailabilityOptions.HA_MODE.
    HA_TYPE("high-availability.type"),
    HA_STORAGE_DIR("high-availability.storageDir"),
    HA_CLUSTER_ID("high-availability.cluster-id"),
    /**
     * Where Flink records the jobs that reached a terminal state until their cleanup ends. Its
     * default, storageDir/job-result-store/cluster-id, is shared by every deployment of the job;
     * the operator gives each deployment its own (DeploymentStamp.resultStore says why).
     */
    JOB_RESULT_STORE_PATH("job-result-store.storage-path"),
    /** The same for 2.3's applications. */
    APPLICATION_RESULT_STORE_PATH("application-result-store.storage-path", FlinkVersion.V2_3),
    ZOOKEEPER_QUORUM("high-availability.zookeeper.quorum"),
    ZOOKEEPER_ROOT("high-availability.zookeeper.path.root"),
    ZOOKEEPER_ACL("high-availability.zookeeper.client.acl"),
    LEADER_LEASE_DURATION("high-availability.kubernetes.leader-election.lease-duration"),
    LEADER_RENEW_DEADLINE("high-availability.kubernetes.leader-election.renew-deadline"),
    LEADER_RETRY_PERIOD("high-availability.kubernetes.leader-election.retry-period"),

    // "restart-strategy" is only a deprecated fallback of RestartStrategyOptions.RESTART_STRATEGY.
    RESTART_STRATEGY("restart-strategy.type"),
    FIXED_DELAY_ATTEMPTS("restart-strategy.fixed-delay.attempts"),
    FIXED_DELAY_DELAY("restart-strategy.fixed-delay.delay"),
    FAILURE_RATE_MAX_FAILURES("restart-strategy.failure-rate.max-failures-per-interval"),
    FAILURE_RATE_INTERVAL("restart-strategy.failure-rate.failure-rate-interval"),
    FAILURE_RATE_DELAY("restart-strategy.failure-rate.delay"),
    EXPONENTIAL_INITIAL_BACKOFF("restart-strategy.exponential-delay.initial-backoff"),
    EXPONENTIAL_MAX_BACKOFF("restart-strategy.exponential-delay.max-backoff"),
    EXPONENTIAL_MULTIPLIER("restart-strategy.exponential-delay.backoff-multiplier"),
    EXPONENTIAL_RESET_THRESHOLD("restart-strategy.exponential-delay.reset-backoff-threshold"),
    EXPONENTIAL_JITTER("restart-strategy.exponential-delay.jitter-factor"),
    FAILOVER_STRATEGY("jobmanager.execution.failover-strategy"),

    CHECKPOINT_INTERVAL("execution.checkpointing.interval"),
    // state.checkpoints.dir and state.savepoints.dir are only deprecated fallbacks.
    CHECKPOINT_DIR("execution.checkpointing.dir"),
    SAVEPOINT_DIR("execution.checkpointing.savepoint-dir"),
    CHECKPOINT_STORAGE("execution.checkpointing.storage"),
    CHECKPOINT_MODE("execution.checkpointing.mode"),
    CHECKPOINT_TIMEOUT("execution.checkpointing.timeout"),
    CHECKPOINT_MIN_PAUSE("execution.checkpointing.min-pause"),
    CHECKPOINT_MAX_CONCURRENT("execution.checkpointing.max-concurrent-checkpoints"),
    CHECKPOINT_TOLERABLE_FAILURES("execution.checkpointing.tolerable-failed-checkpoints"),
    CHECKPOINT_RETENTION("execution.checkpointing.externalized-checkpoint-retention"),
    // state.checkpoints.num-retained is only a deprecated fallback.
    CHECKPOINTS_RETAINED("execution.checkpointing.num-retained"),
    // state.backend is only a deprecated fallback. In 1.20 this key belongs to two options, the
    // deprecated CheckpointingOptions.STATE_BACKEND and StateBackendOptions.STATE_BACKEND.
    STATE_BACKEND("state.backend.type"),
    // state.backend.incremental is only a deprecated fallback.
    INCREMENTAL("execution.checkpointing.incremental"),

    /**
     * 1.20 still has execution.savepoint.path as the key of the deprecated
     * SavepointConfigOptions.SAVEPOINT_PATH (2.0 removed it), but 1.20's
     * SavepointRestoreSettings.fromConfiguration reads StateRecoveryOptions.SAVEPOINT_PATH, whose
     * key is this one. The same holds for the two settings below.
     */
    RESTORE_PATH("execution.state-recovery.path"),
    RESTORE_IGNORE_UNCLAIMED_STATE("execution.state-recovery.ignore-unclaimed-state"),
    RESTORE_CLAIM_MODE("execution.state-recovery.claim-mode");

    private final String key;
    private final FlinkVersion since;

    Setting(String key) {
      this(key, FlinkVersion.V1_20);
    }

    Setting(String key, FlinkVersion since) {
      this.key = key;
      this.since = since;
    }
  }

  private final FlinkVersion version;

  private KeyDialect(FlinkVersion version) {
    this.version = version;
  }

  /** The key names of {@code version}. */
  public static KeyDialect of(FlinkVersion version) {
    return new KeyDialect(Objects.requireNonNull(version, "flinkVersion"));
  }

  public FlinkVersion version() {
    return version;
  }

  /** The key of {@code setting} in this version, or empty when this version has no such setting. */
  public Optional<String> key(Setting setting) {
    return atLeast(version, setting.since) ? Optional.of(setting.key) : Optional.empty();
  }

  // Compares major.minor numerically rather than by enum order, so that reordering the enum
  // constants cannot change which keys a version gets.
  private static boolean atLeast(FlinkVersion version, FlinkVersion since) {
    int[] v = majorMinor(version);
    int[] s = majorMinor(since);
    return v[0] != s[0] ? v[0] > s[0] : v[1] >= s[1];
  }

  private static int[] majorMinor(FlinkVersion version) {
    String[] parts = version.value().split("\\.");
    return new int[] {Integer.parseInt(parts[0]), Integer.parseInt(parts[1])};
  }
}
