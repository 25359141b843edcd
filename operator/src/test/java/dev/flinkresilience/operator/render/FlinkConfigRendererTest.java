package dev.flinkresilience.operator.render;

import static dev.flinkresilience.operator.render.TestSpecs.FRESH;
import static dev.flinkresilience.operator.render.TestSpecs.ID;
import static dev.flinkresilience.operator.render.TestSpecs.JOB_ID;
import static dev.flinkresilience.operator.render.TestSpecs.RESTORE;
import static dev.flinkresilience.operator.render.TestSpecs.RESTORE_PATH;
import static dev.flinkresilience.operator.render.TestSpecs.full;
import static dev.flinkresilience.operator.render.TestSpecs.minimal;
import static dev.flinkresilience.operator.render.TestSpecs.withHa;
import static dev.flinkresilience.operator.render.TestSpecs.withPassThrough;
import static dev.flinkresilience.operator.render.TestSpecs.withRestart;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.entry;

import dev.flinkresilience.operator.api.v1alpha1.CheckpointingMode;
import dev.flinkresilience.operator.api.v1alpha1.CheckpointingSpec;
import dev.flinkresilience.operator.api.v1alpha1.FailoverStrategy;
import dev.flinkresilience.operator.api.v1alpha1.FlinkResilientJobSpec;
import dev.flinkresilience.operator.api.v1alpha1.FlinkVersion;
import dev.flinkresilience.operator.api.v1alpha1.HighAvailabilityType;
import dev.flinkresilience.operator.api.v1alpha1.RestartStrategyType;
import dev.flinkresilience.operator.api.v1alpha1.StateBackend;
import java.util.List;
import java.util.Map;
import java.util.SortedMap;
import java.util.TreeMap;
import java.util.function.Consumer;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.EnumSource;
import org.junit.jupiter.params.provider.MethodSource;

class FlinkConfigRendererTest {

  private static SortedMap<String, String> render(FlinkResilientJobSpec spec) {
    return FlinkConfigRenderer.render(spec, ID, FRESH);
  }

  private static Map<String, String> withPrefix(Map<String, String> config, String prefix) {
    return config.entrySet().stream()
        .filter(e -> e.getKey().startsWith(prefix))
        .collect(
            Collectors.toMap(Map.Entry::getKey, Map.Entry::getValue, (a, b) -> a, TreeMap::new));
  }

  @ParameterizedTest
  @EnumSource(FlinkVersion.class)
  void minimalSpecRendersItsDefaults(FlinkVersion version) {
    SortedMap<String, String> config = render(minimal(version));

    assertThat(config.values()).doesNotContainNull();
    assertThat(config)
        .contains(
            entry("execution.target", "kubernetes-application"),
            entry("kubernetes.cluster-id", "orders"),
            entry("kubernetes.namespace", "streaming"),
            entry("kubernetes.container.image.ref", "flink:2.2.1-java17"),
            entry("kubernetes.service-account", "orders-flink"),
            entry("kubernetes.jobmanager.replicas", "1"),
            entry("kubernetes.jobmanager.cpu.amount", "1"),
            entry("kubernetes.taskmanager.cpu.amount", "1"),
            entry("jobmanager.memory.process.size", "1600m"),
            entry("taskmanager.memory.process.size", "1728m"),
            entry("taskmanager.numberOfTaskSlots", "1"),
            entry("parallelism.default", "1"),
            entry("pipeline.jars", "[\"local:///opt/flink/usrlib/orders.jar\"]"),
            entry("$internal.pipeline.job-id", JOB_ID),
            entry("high-availability.type", "none"),
            entry("restart-strategy.type", "exponential-delay"),
            entry("jobmanager.execution.failover-strategy", "region"),
            entry("execution.checkpointing.interval", "30 s"),
            entry("execution.checkpointing.dir", "s3://bucket/checkpoints"),
            entry("execution.checkpointing.mode", "EXACTLY_ONCE"),
            entry("execution.checkpointing.timeout", "10 min"),
            entry("execution.checkpointing.min-pause", "0 ms"),
            entry("execution.checkpointing.max-concurrent-checkpoints", "1"),
            entry("execution.checkpointing.tolerable-failed-checkpoints", "3"),
            entry(
                "execution.checkpointing.externalized-checkpoint-retention",
                "RETAIN_ON_CANCELLATION"),
            entry("execution.checkpointing.num-retained", "3"),
            entry("state.backend.type", "hashmap"),
            entry("execution.checkpointing.incremental", "false"));
    // No entry class, no args, no savepoint directory, no HA, no restore: nothing invented.
    assertThat(config)
        .doesNotContainKeys(
            "$internal.application.main",
            "$internal.application.program-args",
            "execution.checkpointing.savepoint-dir",
            "high-availability.storageDir",
            "high-availability.cluster-id",
            "execution.state-recovery.path");
  }

  @ParameterizedTest
  @EnumSource(FlinkVersion.class)
  void survivesNullOptionalObjects(FlinkVersion version) {
    FlinkResilientJobSpec spec = minimal(version);
    spec.setJobManager(null);
    spec.setTaskManager(null);
    spec.setHighAvailability(null);
    spec.setRestartStrategy(null);
    spec.setFailoverStrategy(null);
    spec.setFlinkConfiguration(null);
    spec.getJob().setArgs(null);
    spec.getJob().setEntryClass(null);
    spec.getCheckpointing().setSavepointDirectory(null);

    assertThat(render(spec)).isEqualTo(render(minimal(version)));
  }

  @ParameterizedTest
  @EnumSource(FlinkVersion.class)
  void theJobManagerStaysAfterTheApplicationEndsToReportIt(FlinkVersion version) {
    // A stop with a savepoint ends the application; the operator must still read its location.
    assertThat(render(minimal(version)))
        .containsEntry("execution.shutdown-on-application-finish", "false")
        .containsEntry("execution.submit-failed-job-on-application-error", "true");
  }

  @Test
  void missingRequiredFieldNamesTheField() {
    FlinkResilientJobSpec spec = minimal(FlinkVersion.V2_3);
    spec.getCheckpointing().setDirectory(null);
    assertThatThrownBy(() -> render(spec)).hasMessageContaining("spec.checkpointing.directory");

    FlinkResilientJobSpec badDuration = minimal(FlinkVersion.V2_3);
    badDuration.getCheckpointing().setTimeout("ten minutes");
    assertThatThrownBy(() -> render(badDuration))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("spec.checkpointing.timeout");
  }

  @ParameterizedTest
  @EnumSource(FlinkVersion.class)
  void fullSpecRendersClusterSettings(FlinkVersion version) {
    assertThat(render(full(version)))
        .contains(
            entry("kubernetes.jobmanager.replicas", "2"),
            entry("kubernetes.jobmanager.cpu.amount", "0.5"),
            entry("kubernetes.taskmanager.cpu.amount", "2"),
            entry("jobmanager.memory.process.size", "2g"),
            entry("taskmanager.memory.process.size", "1500000000b"),
            entry("taskmanager.numberOfTaskSlots", "2"),
            entry("parallelism.default", "4"),
            entry("$internal.application.main", "com.example.Orders"),
            entry(
                "$internal.application.program-args",
                "[\"--window\", \"5 min\", \"a,b;c\", \"it's \\\"quoted\\\"\"]"),
            entry("kubernetes.jobmanager.labels", "{\"flinkresilience.dev/job\": \"orders\"}"),
            entry("kubernetes.taskmanager.labels", "{\"flinkresilience.dev/job\": \"orders\"}"));
  }

  static Stream<Arguments> jobAndApplicationIds() {
    return Stream.of(
        Arguments.of(FlinkVersion.V1_20, false),
        Arguments.of(FlinkVersion.V2_0, false),
        Arguments.of(FlinkVersion.V2_1, false),
        Arguments.of(FlinkVersion.V2_2, false),
        Arguments.of(FlinkVersion.V2_3, true));
  }

  @ParameterizedTest
  @MethodSource("jobAndApplicationIds")
  void fixesTheJobIdAndFrom23TheApplicationId(FlinkVersion version, boolean hasApplicationId) {
    SortedMap<String, String> config = render(minimal(version));

    assertThat(config).containsEntry("$internal.pipeline.job-id", JOB_ID);
    if (hasApplicationId) {
      assertThat(config).containsEntry("$internal.application.id", JOB_ID);
    } else {
      assertThat(config).doesNotContainKey("$internal.application.id");
    }
  }

  static Stream<Arguments> highAvailability() {
    return Stream.of(
        Arguments.of(HighAvailabilityType.NONE, Map.of("high-availability.type", "none")),
        Arguments.of(
            HighAvailabilityType.KUBERNETES,
            Map.of(
                "high-availability.type", "kubernetes",
                "high-availability.storageDir", "s3://bucket/ha",
                "high-availability.cluster-id", "/streaming/orders")),
        Arguments.of(
            HighAvailabilityType.ZOOKEEPER,
            Map.of(
                "high-availability.type", "zookeeper",
                "high-availability.storageDir", "s3://bucket/ha",
                "high-availability.cluster-id", "/streaming/orders",
                "high-availability.zookeeper.quorum", "zk-0.zk:2181,zk-1.zk:2181,zk-2.zk:2181",
                "high-availability.zookeeper.path.root", "/flink",
                "high-availability.zookeeper.client.acl", "open")));
  }

  @ParameterizedTest
  @MethodSource("highAvailability")
  void rendersExactlyTheSettingsOfEachHaKind(HighAvailabilityType type, Map<String, String> ha) {
    for (FlinkVersion version : FlinkVersion.values()) {
      // From the full spec, whose ZooKeeper settings must not leak into the other kinds.
      assertThat(withPrefix(render(withHa(full(version), type)), "high-availability"))
          .as("%s on %s", type, version)
          .isEqualTo(ha);
    }
  }

  static Stream<Arguments> resultStores() {
    String jrs = "job-result-store.storage-path";
    String ars = "application-result-store.storage-path";
    return Stream.of(
        // No HA: Flink keeps the stores in the JobManager's memory.
        Arguments.of(FlinkVersion.V2_3, HighAvailabilityType.NONE, JOB_ID, Map.of()),
        Arguments.of(
            FlinkVersion.V2_3,
            HighAvailabilityType.KUBERNETES,
            JOB_ID,
            Map.of(
                jrs, "s3://bucket/ha/job-result-store/streaming/orders/" + JOB_ID,
                ars, "s3://bucket/ha/application-result-store/streaming/orders/" + JOB_ID)),
        // A redeploy keeps the job id and gets stores of its own.
        Arguments.of(
            FlinkVersion.V2_3,
            HighAvailabilityType.ZOOKEEPER,
            JOB_ID + "-recovery-3-1",
            Map.of(
                jrs, "s3://bucket/ha/job-result-store/streaming/orders/" + JOB_ID + "-recovery-3-1",
                ars,
                    "s3://bucket/ha/application-result-store/streaming/orders/"
                        + JOB_ID
                        + "-recovery-3-1")),
        // Before 2.3 there are no applications.
        Arguments.of(
            FlinkVersion.V2_2,
            HighAvailabilityType.KUBERNETES,
            JOB_ID,
            Map.of(jrs, "s3://bucket/ha/job-result-store/streaming/orders/" + JOB_ID)));
  }

  @ParameterizedTest
  @MethodSource("resultStores")
  void eachDeploymentHasResultStoresOfItsOwn(
      FlinkVersion version, HighAvailabilityType type, String store, Map<String, String> paths) {
    var inputs = new DeploymentInputs(JOB_ID, null, "orders-flink", store);
    SortedMap<String, String> config =
        FlinkConfigRenderer.render(withHa(full(version), type), ID, inputs);

    SortedMap<String, String> rendered = new java.util.TreeMap<>(withPrefix(config, "job-result"));
    rendered.putAll(withPrefix(config, "application-result"));
    assertThat(rendered).isEqualTo(paths);
  }

  @Test
  void aStorageDirEndingInASlashGivesNoDoubleSlash() {
    FlinkResilientJobSpec spec = withHa(full(FlinkVersion.V2_3), HighAvailabilityType.KUBERNETES);
    spec.getHighAvailability().setStorageDir("s3://bucket/ha/");
    assertThat(FlinkConfigRenderer.render(spec, ID, FRESH))
        .containsEntry(
            "job-result-store.storage-path",
            "s3://bucket/ha/job-result-store/streaming/orders/" + JOB_ID);
  }

  @Test
  void aResultStoreNameMustBeOnePathSegment() {
    assertThatThrownBy(() -> new DeploymentInputs(JOB_ID, null, "sa", "../other"))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("resultStore");
  }

  @Test
  void zooKeeperAclCreatorIsRenderedInEveryVersion() {
    for (FlinkVersion version : FlinkVersion.values()) {
      FlinkResilientJobSpec spec = withHa(full(version), HighAvailabilityType.ZOOKEEPER);
      spec.getHighAvailability()
          .getZookeeper()
          .setAcl(dev.flinkresilience.operator.api.v1alpha1.ZooKeeperAcl.CREATOR);
      assertThat(render(spec))
          .as("%s", version)
          .containsEntry("high-availability.zookeeper.client.acl", "creator");
    }
  }

  @Test
  void leaderElectionIsRenderedOnlyWhenTheSpecSetsIt() {
    for (FlinkVersion version : FlinkVersion.values()) {
      FlinkResilientJobSpec spec = withHa(full(version), HighAvailabilityType.KUBERNETES);
      // Absent: Flink's defaults, and the same configuration as before the field existed.
      assertThat(render(spec).keySet())
          .as("%s", version)
          .noneMatch(k -> k.startsWith("high-availability.kubernetes."));

      var election = new dev.flinkresilience.operator.api.v1alpha1.KubernetesHaSpec();
      election.setLeaseDuration("10s");
      election.setRetryPeriod("1s");
      spec.getHighAvailability().setKubernetes(election);
      assertThat(render(spec))
          .as("%s", version)
          .containsEntry("high-availability.kubernetes.leader-election.lease-duration", "10 s")
          .containsEntry("high-availability.kubernetes.leader-election.renew-deadline", "10 s")
          .containsEntry("high-availability.kubernetes.leader-election.retry-period", "1 s");

      // Only Kubernetes HA has a leader ConfigMap to tune.
      spec.getHighAvailability().setType(HighAvailabilityType.ZOOKEEPER);
      spec.getHighAvailability()
          .setZookeeper(new dev.flinkresilience.operator.api.v1alpha1.ZooKeeperSpec());
      spec.getHighAvailability().getZookeeper().setQuorum("zk-0:2181");
      assertThat(render(spec).keySet())
          .as("%s", version)
          .noneMatch(k -> k.startsWith("high-availability.kubernetes."));
    }
  }

  @Test
  void sameNameInAnotherNamespaceGetsAnotherHaClusterId() {
    FlinkResilientJobSpec spec = withHa(minimal(FlinkVersion.V2_2), HighAvailabilityType.ZOOKEEPER);
    String a = FlinkConfigRenderer.render(spec, ID, FRESH).get("high-availability.cluster-id");
    String b =
        FlinkConfigRenderer.render(spec, new ClusterIdentity("payments", "orders"), FRESH)
            .get("high-availability.cluster-id");

    assertThat(a).isEqualTo("/streaming/orders");
    assertThat(b).isEqualTo("/payments/orders");
  }

  static Stream<Arguments> restartStrategies() {
    return Stream.of(
        Arguments.of(RestartStrategyType.NONE, Map.of("restart-strategy.type", "none")),
        Arguments.of(
            RestartStrategyType.FIXED_DELAY,
            Map.of(
                "restart-strategy.type", "fixed-delay",
                "restart-strategy.fixed-delay.attempts", "7",
                "restart-strategy.fixed-delay.delay", "90 s")),
        Arguments.of(
            RestartStrategyType.FAILURE_RATE,
            Map.of(
                "restart-strategy.type", "failure-rate",
                "restart-strategy.failure-rate.max-failures-per-interval", "4",
                "restart-strategy.failure-rate.failure-rate-interval", "1 h",
                "restart-strategy.failure-rate.delay", "250 ms")),
        Arguments.of(
            RestartStrategyType.EXPONENTIAL_DELAY,
            Map.of(
                "restart-strategy.type", "exponential-delay",
                "restart-strategy.exponential-delay.initial-backoff", "2 s",
                "restart-strategy.exponential-delay.max-backoff", "5 min",
                "restart-strategy.exponential-delay.backoff-multiplier", "2",
                "restart-strategy.exponential-delay.reset-backoff-threshold", "30 min",
                "restart-strategy.exponential-delay.jitter-factor", "0.25")));
  }

  @ParameterizedTest
  @MethodSource("restartStrategies")
  void rendersExactlyTheSettingsOfEachRestartStrategy(
      RestartStrategyType type, Map<String, String> expected) {
    for (FlinkVersion version : FlinkVersion.values()) {
      FlinkResilientJobSpec spec = withRestart(minimal(version), type);
      var restart = spec.getRestartStrategy();
      restart.getFixedDelay().setAttempts(7);
      restart.getFixedDelay().setDelay("1m30s");
      restart.getFailureRate().setMaxFailuresPerInterval(4);
      restart.getFailureRate().setInterval("1h");
      restart.getFailureRate().setDelay("250ms");
      restart.getExponentialDelay().setInitialBackoff("2s");
      restart.getExponentialDelay().setMaxBackoff("5m");
      restart.getExponentialDelay().setMultiplier(2.0);
      restart.getExponentialDelay().setResetThreshold("30m");
      restart.getExponentialDelay().setJitter(0.25);

      assertThat(withPrefix(render(spec), "restart-strategy"))
          .as("%s on %s", type, version)
          .isEqualTo(expected);
    }
  }

  @ParameterizedTest
  @EnumSource(FailoverStrategy.class)
  void rendersTheFailoverStrategy(FailoverStrategy failover) {
    FlinkResilientJobSpec spec = minimal(FlinkVersion.V2_0);
    spec.setFailoverStrategy(failover);
    assertThat(render(spec))
        .containsEntry(
            "jobmanager.execution.failover-strategy",
            failover == FailoverStrategy.FULL ? "full" : "region");
  }

  static Stream<Arguments> checkpointingFields() {
    return Stream.of(
        checkpointing(c -> c.setInterval("5s"), "execution.checkpointing.interval", "5 s"),
        checkpointing(c -> c.setInterval("1m30s"), "execution.checkpointing.interval", "90 s"),
        checkpointing(
            c -> c.setDirectory("hdfs:///cp"), "execution.checkpointing.dir", "hdfs:///cp"),
        checkpointing(
            c -> c.setSavepointDirectory("s3://b/sp"),
            "execution.checkpointing.savepoint-dir",
            "s3://b/sp"),
        checkpointing(
            c -> c.setMode(CheckpointingMode.AT_LEAST_ONCE),
            "execution.checkpointing.mode",
            "AT_LEAST_ONCE"),
        checkpointing(c -> c.setTimeout("1h"), "execution.checkpointing.timeout", "1 h"),
        checkpointing(c -> c.setMinPause("750ms"), "execution.checkpointing.min-pause", "750 ms"),
        checkpointing(
            c -> c.setMaxConcurrent(3), "execution.checkpointing.max-concurrent-checkpoints", "3"),
        checkpointing(
            c -> c.setTolerableFailures(0),
            "execution.checkpointing.tolerable-failed-checkpoints",
            "0"),
        checkpointing(
            c -> c.setStateBackend(StateBackend.ROCKSDB), "state.backend.type", "rocksdb"),
        checkpointing(c -> c.setIncremental(true), "execution.checkpointing.incremental", "true"),
        checkpointing(c -> {}, "execution.checkpointing.storage", "filesystem"),
        // Retained: 15 s worth of checkpoints (the record in status lags Flink), at least 3.
        checkpointing(c -> {}, "execution.checkpointing.num-retained", "3"),
        checkpointing(c -> c.setInterval("5s"), "execution.checkpointing.num-retained", "3"),
        checkpointing(c -> c.setInterval("2s"), "execution.checkpointing.num-retained", "8"),
        checkpointing(c -> c.setInterval("500ms"), "execution.checkpointing.num-retained", "30"),
        checkpointing(c -> c.setInterval("1ms"), "execution.checkpointing.num-retained", "100"),
        checkpointing(c -> c.setRetained(1), "execution.checkpointing.num-retained", "1"),
        checkpointing(
            c -> {
              c.setInterval("2s");
              c.setRetained(5);
            },
            "execution.checkpointing.num-retained",
            "5"),
        checkpointing(
            c -> {},
            "execution.checkpointing.externalized-checkpoint-retention",
            "RETAIN_ON_CANCELLATION"));
  }

  private static Arguments checkpointing(
      Consumer<CheckpointingSpec> change, String key, String value) {
    return Arguments.of(change, key, value);
  }

  @ParameterizedTest
  @MethodSource("checkpointingFields")
  void rendersEachCheckpointingField(Consumer<CheckpointingSpec> change, String key, String value) {
    for (FlinkVersion version : FlinkVersion.values()) {
      FlinkResilientJobSpec spec = minimal(version);
      change.accept(spec.getCheckpointing());
      assertThat(render(spec)).as("%s", version).containsEntry(key, value);
    }
  }

  @ParameterizedTest
  @EnumSource(FlinkVersion.class)
  void restoresOnlyWhenARestorePathIsGiven(FlinkVersion version) {
    FlinkResilientJobSpec spec = minimal(version);

    assertThat(withPrefix(render(spec), "execution.state-recovery")).isEmpty();
    assertThat(
            withPrefix(FlinkConfigRenderer.render(spec, ID, RESTORE), "execution.state-recovery"))
        .isEqualTo(
            Map.of(
                "execution.state-recovery.path", RESTORE_PATH,
                "execution.state-recovery.ignore-unclaimed-state", "false",
                "execution.state-recovery.claim-mode", "NO_CLAIM"));

    spec.getJob().setAllowNonRestoredState(true);
    assertThat(FlinkConfigRenderer.render(spec, ID, RESTORE))
        .containsEntry("execution.state-recovery.ignore-unclaimed-state", "true");
  }

  @Test
  void blankRestorePathMeansNoRestore() {
    DeploymentInputs blank = new DeploymentInputs(JOB_ID, " ", "sa");
    assertThat(FlinkConfigRenderer.render(minimal(FlinkVersion.V2_3), ID, blank))
        .doesNotContainKey("execution.state-recovery.path");
  }

  @ParameterizedTest
  @EnumSource(FlinkVersion.class)
  void mergesPassThroughKeys(FlinkVersion version) {
    FlinkResilientJobSpec spec =
        withPassThrough(
            minimal(version),
            Map.of("rest.port", "8082", "state.backend.rocksdb.memory.managed", "true"));

    SortedMap<String, String> config = render(spec);

    assertThat(config)
        .contains(
            entry("rest.port", "8082"), entry("state.backend.rocksdb.memory.managed", "true"));
    assertThat(config).hasSize(render(minimal(version)).size() + 2);
  }

  static Stream<Arguments> ownedPassThroughKeys() {
    return Stream.of(
        // Same key as a rendered one: the rendered value wins.
        Arguments.of("execution.checkpointing.interval", "1 h"),
        Arguments.of("kubernetes.cluster-id", "someone-else"),
        Arguments.of("high-availability.type", "zookeeper"),
        Arguments.of("$internal.pipeline.job-id", "00000000000000000000000000000000"),
        // Owned but not rendered here: dropped, or they would still steer Flink.
        Arguments.of("execution.savepoint.path", "s3://old/savepoint"),
        Arguments.of("execution.state-recovery.path", "s3://old/savepoint"),
        Arguments.of("state.checkpoints.dir", "file:///tmp/lost"),
        Arguments.of("restart-strategy.fixed-delay.attempts", "1000"),
        Arguments.of(" restart-strategy.type ", "none"));
  }

  @ParameterizedTest
  @MethodSource("ownedPassThroughKeys")
  void ownedPassThroughKeysNeverOverrideOrAdd(String key, String value) {
    for (FlinkVersion version : FlinkVersion.values()) {
      SortedMap<String, String> without = render(minimal(version));
      SortedMap<String, String> with =
          render(withPassThrough(minimal(version), Map.of(key, value)));
      assertThat(with).as("%s on %s", key, version).isEqualTo(without);
    }
  }

  @Test
  void resultIsSortedAndUnmodifiable() {
    SortedMap<String, String> config = render(full(FlinkVersion.V2_3));
    assertThat(List.copyOf(config.keySet())).isSorted();
    assertThatThrownBy(() -> config.put("x", "y"))
        .isInstanceOf(UnsupportedOperationException.class);
  }
}
