package dev.flinkresilience.operator.render;

import static dev.flinkresilience.operator.render.TestSpecs.FRESH;
import static dev.flinkresilience.operator.render.TestSpecs.ID;
import static dev.flinkresilience.operator.render.TestSpecs.JOB_ID;
import static dev.flinkresilience.operator.render.TestSpecs.RESTORE;
import static dev.flinkresilience.operator.render.TestSpecs.RESTORE_PATH;
import static dev.flinkresilience.operator.render.TestSpecs.full;
import static dev.flinkresilience.operator.render.TestSpecs.minimal;
import static dev.flinkresilience.operator.render.TestSpecs.withHa;
import static dev.flinkresilience.operator.render.TestSpecs.withRestart;
import static org.assertj.core.api.Assertions.assertThat;

import dev.flinkresilience.operator.api.v1alpha1.FlinkResilientJobSpec;
import dev.flinkresilience.operator.api.v1alpha1.FlinkVersion;
import dev.flinkresilience.operator.api.v1alpha1.HighAvailabilityType;
import dev.flinkresilience.operator.api.v1alpha1.RestartStrategyType;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.constraints.CharRange;
import net.jqwik.api.constraints.Chars;
import org.apache.flink.client.deployment.application.ApplicationConfiguration;
import org.apache.flink.configuration.ApplicationOptionsInternal;
import org.apache.flink.configuration.CheckpointingOptions;
import org.apache.flink.configuration.Configuration;
import org.apache.flink.configuration.CoreOptions;
import org.apache.flink.configuration.DeploymentOptions;
import org.apache.flink.configuration.ExternalizedCheckpointRetention;
import org.apache.flink.configuration.HighAvailabilityOptions;
import org.apache.flink.configuration.JobManagerOptions;
import org.apache.flink.configuration.MemorySize;
import org.apache.flink.configuration.PipelineOptions;
import org.apache.flink.configuration.PipelineOptionsInternal;
import org.apache.flink.configuration.RestartStrategyOptions;
import org.apache.flink.configuration.StateBackendOptions;
import org.apache.flink.configuration.StateRecoveryOptions;
import org.apache.flink.configuration.TaskManagerOptions;
import org.apache.flink.core.execution.CheckpointingMode;
import org.apache.flink.core.execution.RecoveryClaimMode;
import org.apache.flink.core.fs.Path;
import org.apache.flink.kubernetes.configuration.KubernetesConfigOptions;
import org.apache.flink.runtime.executiongraph.failover.ExponentialDelayRestartBackoffTimeStrategy;
import org.apache.flink.runtime.executiongraph.failover.FailoverStrategyFactoryLoader;
import org.apache.flink.runtime.executiongraph.failover.FailureRateRestartBackoffTimeStrategy;
import org.apache.flink.runtime.executiongraph.failover.FixedDelayRestartBackoffTimeStrategy;
import org.apache.flink.runtime.executiongraph.failover.NoRestartBackoffTimeStrategy;
import org.apache.flink.runtime.executiongraph.failover.RestartAllFailoverStrategy;
import org.apache.flink.runtime.executiongraph.failover.RestartBackoffTimeStrategy;
import org.apache.flink.runtime.executiongraph.failover.RestartBackoffTimeStrategyFactoryLoader;
import org.apache.flink.runtime.executiongraph.failover.RestartPipelinedRegionFailoverStrategy;
import org.apache.flink.runtime.highavailability.HighAvailabilityServicesUtils;
import org.apache.flink.runtime.jobgraph.SavepointRestoreSettings;
import org.apache.flink.runtime.jobmanager.HighAvailabilityMode;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * Renders for Flink 2.3 (the version on our classpath), loads the result into Flink's own
 * Configuration and reads the typed options back: what Flink understands must be what the spec
 * says.
 */
class FlinkConfigRoundTripTest {

  private static Configuration flink(FlinkResilientJobSpec spec, DeploymentInputs inputs) {
    return Configuration.fromMap(FlinkConfigRenderer.render(spec, ID, inputs));
  }

  @Test
  void clusterSettings() {
    Configuration conf = flink(full(FlinkVersion.V2_3), FRESH);

    assertThat(conf.get(DeploymentOptions.TARGET)).isEqualTo("kubernetes-application");
    assertThat(conf.get(KubernetesConfigOptions.CLUSTER_ID)).isEqualTo("orders");
    assertThat(conf.get(KubernetesConfigOptions.NAMESPACE)).isEqualTo("streaming");
    assertThat(conf.get(KubernetesConfigOptions.CONTAINER_IMAGE)).isEqualTo("flink:2.2.1-java17");
    // Both pod kinds take the service account through their fallback key.
    assertThat(conf.get(KubernetesConfigOptions.JOB_MANAGER_SERVICE_ACCOUNT))
        .isEqualTo("orders-flink");
    assertThat(conf.get(KubernetesConfigOptions.TASK_MANAGER_SERVICE_ACCOUNT))
        .isEqualTo("orders-flink");
    assertThat(conf.get(KubernetesConfigOptions.KUBERNETES_JOBMANAGER_REPLICAS)).isEqualTo(2);
    assertThat(conf.get(KubernetesConfigOptions.JOB_MANAGER_CPU)).isEqualTo(0.5);
    assertThat(conf.get(KubernetesConfigOptions.TASK_MANAGER_CPU)).isEqualTo(2.0);
    assertThat(conf.get(JobManagerOptions.TOTAL_PROCESS_MEMORY))
        .isEqualTo(MemorySize.ofMebiBytes(2048));
    assertThat(conf.get(TaskManagerOptions.TOTAL_PROCESS_MEMORY))
        .isEqualTo(new MemorySize(1_500_000_000L));
    assertThat(conf.get(TaskManagerOptions.NUM_TASK_SLOTS)).isEqualTo(2);
    assertThat(conf.get(CoreOptions.DEFAULT_PARALLELISM)).isEqualTo(4);
    assertThat(conf.get(PipelineOptions.JARS))
        .containsExactly("local:///opt/flink/usrlib/orders.jar");
    assertThat(conf.get(ApplicationConfiguration.APPLICATION_MAIN_CLASS))
        .isEqualTo("com.example.Orders");
    assertThat(conf.get(ApplicationConfiguration.APPLICATION_ARGS))
        .containsExactly("--window", "5 min", "a,b;c", "it's \"quoted\"");
    assertThat(conf.get(KubernetesConfigOptions.JOB_MANAGER_LABELS))
        .isEqualTo(Map.of("flinkresilience.dev/job", "orders"));
    assertThat(conf.get(KubernetesConfigOptions.TASK_MANAGER_LABELS))
        .isEqualTo(Map.of("flinkresilience.dev/job", "orders"));
    assertThat(conf.get(PipelineOptionsInternal.PIPELINE_FIXED_JOB_ID)).isEqualTo(JOB_ID);
    assertThat(conf.get(ApplicationOptionsInternal.FIXED_APPLICATION_ID)).isEqualTo(JOB_ID);
  }

  @Test
  void argumentsSurviveWhateverTheyContain() {
    List<String> args =
        List.of(
            "plain",
            "with space",
            " leading and trailing ",
            "comma,separated",
            "semi;colon",
            "'single'",
            "\"double\"",
            "it's",
            "back\\slash",
            "key: value",
            "- dash",
            "[bracketed]",
            "{braced}",
            "#hash",
            "&anchor",
            "*alias",
            "!tag",
            "%percent",
            "@at",
            "`tick`",
            "|pipe",
            ">gt",
            "null",
            "~",
            "true",
            "0x1F",
            "1e3",
            "",
            "line\nbreak",
            "tab\there",
            "crlf\r\n",
            "\u0001control",
            "unicode é ß 東京 🎉",
            "nel\u0085ls\u2028ps\u2029");
    FlinkResilientJobSpec spec = minimal(FlinkVersion.V2_3);
    spec.getJob().setArgs(new ArrayList<>(args));

    assertThat(flink(spec, FRESH).get(ApplicationConfiguration.APPLICATION_ARGS))
        .containsExactlyElementsOf(args);
  }

  @Property(tries = 300)
  void anyPrintableArgumentsSurvive(
      @ForAll List<@CharRange(from = ' ', to = '~') @Chars({'\n', '\t', 'é', '東'}) String> args) {
    FlinkResilientJobSpec spec = minimal(FlinkVersion.V2_3);
    spec.getJob().setArgs(new ArrayList<>(args));

    List<String> read = flink(spec, FRESH).get(ApplicationConfiguration.APPLICATION_ARGS);
    // No arguments render no key at all; Flink's default is then "no arguments".
    assertThat(read == null ? List.of() : read).containsExactlyElementsOf(args);
  }

  @ParameterizedTest
  @EnumSource(HighAvailabilityType.class)
  void highAvailability(HighAvailabilityType type) {
    Configuration conf = flink(withHa(minimal(FlinkVersion.V2_3), type), FRESH);

    HighAvailabilityMode expected =
        switch (type) {
          case KUBERNETES -> HighAvailabilityMode.KUBERNETES;
          case ZOOKEEPER -> HighAvailabilityMode.ZOOKEEPER;
          case NONE -> HighAvailabilityMode.NONE;
        };
    assertThat(HighAvailabilityMode.fromConfig(conf)).isEqualTo(expected);
    if (type == HighAvailabilityType.NONE) {
      return;
    }
    assertThat(conf.get(HighAvailabilityOptions.HA_STORAGE_PATH)).isEqualTo("s3://bucket/ha");
    assertThat(conf.get(HighAvailabilityOptions.HA_CLUSTER_ID)).isEqualTo("/streaming/orders");
    // The HA files of this job land in their own directory under storageDir.
    assertThat(HighAvailabilityServicesUtils.getClusterHighAvailableStoragePath(conf))
        .isEqualTo(new Path("s3://bucket/ha/streaming/orders"));
    if (type == HighAvailabilityType.ZOOKEEPER) {
      assertThat(conf.get(HighAvailabilityOptions.HA_ZOOKEEPER_QUORUM))
          .isEqualTo("zk-0.zk:2181,zk-1.zk:2181,zk-2.zk:2181");
      assertThat(conf.get(HighAvailabilityOptions.HA_ZOOKEEPER_ROOT)).isEqualTo("/flink");
    }
  }

  @Test
  void fixedDelayRestarts() {
    FlinkResilientJobSpec spec =
        withRestart(minimal(FlinkVersion.V2_3), RestartStrategyType.FIXED_DELAY);
    spec.getRestartStrategy().getFixedDelay().setAttempts(7);
    spec.getRestartStrategy().getFixedDelay().setDelay("1m30s");
    Configuration conf = flink(spec, FRESH);

    assertThat(conf.get(RestartStrategyOptions.RESTART_STRATEGY_FIXED_DELAY_ATTEMPTS)).isEqualTo(7);
    assertThat(conf.get(RestartStrategyOptions.RESTART_STRATEGY_FIXED_DELAY_DELAY))
        .isEqualTo(Duration.ofSeconds(90));
    RestartBackoffTimeStrategy strategy = restartStrategy(conf);
    assertThat(strategy).isInstanceOf(FixedDelayRestartBackoffTimeStrategy.class);
    assertThat(strategy.getBackoffTime()).isEqualTo(90_000L);
  }

  @Test
  void failureRateRestarts() {
    FlinkResilientJobSpec spec =
        withRestart(minimal(FlinkVersion.V2_3), RestartStrategyType.FAILURE_RATE);
    spec.getRestartStrategy().getFailureRate().setMaxFailuresPerInterval(4);
    spec.getRestartStrategy().getFailureRate().setInterval("1h");
    spec.getRestartStrategy().getFailureRate().setDelay("250ms");
    Configuration conf = flink(spec, FRESH);

    assertThat(
            conf.get(
                RestartStrategyOptions.RESTART_STRATEGY_FAILURE_RATE_MAX_FAILURES_PER_INTERVAL))
        .isEqualTo(4);
    assertThat(conf.get(RestartStrategyOptions.RESTART_STRATEGY_FAILURE_RATE_FAILURE_RATE_INTERVAL))
        .isEqualTo(Duration.ofHours(1));
    assertThat(conf.get(RestartStrategyOptions.RESTART_STRATEGY_FAILURE_RATE_DELAY))
        .isEqualTo(Duration.ofMillis(250));
    RestartBackoffTimeStrategy strategy = restartStrategy(conf);
    assertThat(strategy).isInstanceOf(FailureRateRestartBackoffTimeStrategy.class);
    assertThat(strategy.getBackoffTime()).isEqualTo(250L);
  }

  @Test
  void exponentialDelayRestarts() {
    FlinkResilientJobSpec spec = minimal(FlinkVersion.V2_3);
    var exponential = spec.getRestartStrategy().getExponentialDelay();
    exponential.setInitialBackoff("2s");
    exponential.setMaxBackoff("5m");
    exponential.setMultiplier(2.5);
    exponential.setResetThreshold("30m");
    exponential.setJitter(0.25);
    Configuration conf = flink(spec, FRESH);

    assertThat(conf.get(RestartStrategyOptions.RESTART_STRATEGY_EXPONENTIAL_DELAY_INITIAL_BACKOFF))
        .isEqualTo(Duration.ofSeconds(2));
    assertThat(conf.get(RestartStrategyOptions.RESTART_STRATEGY_EXPONENTIAL_DELAY_MAX_BACKOFF))
        .isEqualTo(Duration.ofMinutes(5));
    assertThat(
            conf.get(RestartStrategyOptions.RESTART_STRATEGY_EXPONENTIAL_DELAY_BACKOFF_MULTIPLIER))
        .isEqualTo(2.5);
    assertThat(
            conf.get(
                RestartStrategyOptions.RESTART_STRATEGY_EXPONENTIAL_DELAY_RESET_BACKOFF_THRESHOLD))
        .isEqualTo(Duration.ofMinutes(30));
    assertThat(conf.get(RestartStrategyOptions.RESTART_STRATEGY_EXPONENTIAL_DELAY_JITTER_FACTOR))
        .isEqualTo(0.25);
    assertThat(restartStrategy(conf))
        .isInstanceOf(ExponentialDelayRestartBackoffTimeStrategy.class);
  }

  @Test
  void noRestarts() {
    Configuration conf =
        flink(withRestart(minimal(FlinkVersion.V2_3), RestartStrategyType.NONE), FRESH);

    assertThat(restartStrategy(conf)).isInstanceOf(NoRestartBackoffTimeStrategy.class);
  }

  private static RestartBackoffTimeStrategy restartStrategy(Configuration conf) {
    // Checkpointing is on, so Flink would otherwise pick its own default strategy.
    return RestartBackoffTimeStrategyFactoryLoader.createRestartBackoffTimeStrategyFactory(
            conf, conf, true)
        .create();
  }

  @Test
  void failoverStrategies() {
    FlinkResilientJobSpec spec = minimal(FlinkVersion.V2_3);
    assertThat(FailoverStrategyFactoryLoader.loadFailoverStrategyFactory(flink(spec, FRESH)))
        .isInstanceOf(RestartPipelinedRegionFailoverStrategy.Factory.class);

    spec.setFailoverStrategy(dev.flinkresilience.operator.api.v1alpha1.FailoverStrategy.FULL);
    assertThat(FailoverStrategyFactoryLoader.loadFailoverStrategyFactory(flink(spec, FRESH)))
        .isInstanceOf(RestartAllFailoverStrategy.Factory.class);
  }

  @Test
  void checkpointing() {
    Configuration conf = flink(full(FlinkVersion.V2_3), FRESH);

    assertThat(conf.get(CheckpointingOptions.CHECKPOINTING_INTERVAL))
        .isEqualTo(Duration.ofSeconds(90));
    assertThat(conf.get(CheckpointingOptions.CHECKPOINTS_DIRECTORY))
        .isEqualTo("s3://bucket/checkpoints");
    assertThat(conf.get(CheckpointingOptions.SAVEPOINT_DIRECTORY))
        .isEqualTo("s3://bucket/savepoints");
    assertThat(conf.get(CheckpointingOptions.CHECKPOINT_STORAGE)).isEqualTo("filesystem");
    assertThat(conf.get(CheckpointingOptions.CHECKPOINTING_CONSISTENCY_MODE))
        .isEqualTo(CheckpointingMode.AT_LEAST_ONCE);
    assertThat(conf.get(CheckpointingOptions.CHECKPOINTING_TIMEOUT))
        .isEqualTo(Duration.ofMinutes(20));
    assertThat(conf.get(CheckpointingOptions.MIN_PAUSE_BETWEEN_CHECKPOINTS))
        .isEqualTo(Duration.ofMillis(500));
    assertThat(conf.get(CheckpointingOptions.MAX_CONCURRENT_CHECKPOINTS)).isEqualTo(2);
    assertThat(conf.get(CheckpointingOptions.TOLERABLE_FAILURE_NUMBER)).isEqualTo(5);
    assertThat(conf.get(CheckpointingOptions.EXTERNALIZED_CHECKPOINT_RETENTION))
        .isEqualTo(ExternalizedCheckpointRetention.RETAIN_ON_CANCELLATION);
    assertThat(conf.get(StateBackendOptions.STATE_BACKEND)).isEqualTo("rocksdb");
    assertThat(conf.get(CheckpointingOptions.INCREMENTAL_CHECKPOINTS)).isTrue();
  }

  @Test
  void defaultCheckpointingMode() {
    Configuration conf = flink(minimal(FlinkVersion.V2_3), FRESH);

    assertThat(conf.get(CheckpointingOptions.CHECKPOINTING_CONSISTENCY_MODE))
        .isEqualTo(CheckpointingMode.EXACTLY_ONCE);
    assertThat(conf.get(CheckpointingOptions.MIN_PAUSE_BETWEEN_CHECKPOINTS))
        .isEqualTo(Duration.ZERO);
    assertThat(conf.get(StateBackendOptions.STATE_BACKEND)).isEqualTo("hashmap");
  }

  @Test
  void restore() {
    FlinkResilientJobSpec spec = full(FlinkVersion.V2_3);

    Configuration restored = flink(spec, RESTORE);
    assertThat(restored.get(StateRecoveryOptions.SAVEPOINT_PATH)).isEqualTo(RESTORE_PATH);
    assertThat(restored.get(StateRecoveryOptions.SAVEPOINT_IGNORE_UNCLAIMED_STATE)).isTrue();
    assertThat(SavepointRestoreSettings.fromConfiguration(restored))
        .isEqualTo(
            SavepointRestoreSettings.forPath(RESTORE_PATH, true, RecoveryClaimMode.NO_CLAIM));

    assertThat(SavepointRestoreSettings.fromConfiguration(flink(spec, FRESH)))
        .isEqualTo(SavepointRestoreSettings.none());
  }
}
