package dev.flinkresilience.operator.render;

import dev.flinkresilience.operator.api.v1alpha1.CheckpointingMode;
import dev.flinkresilience.operator.api.v1alpha1.CheckpointingSpec;
import dev.flinkresilience.operator.api.v1alpha1.FailoverStrategy;
import dev.flinkresilience.operator.api.v1alpha1.FlinkResilientJobSpec;
import dev.flinkresilience.operator.api.v1alpha1.FlinkVersion;
import dev.flinkresilience.operator.api.v1alpha1.HighAvailabilityType;
import dev.flinkresilience.operator.api.v1alpha1.JobSpec;
import dev.flinkresilience.operator.api.v1alpha1.ResourcesSpec;
import dev.flinkresilience.operator.api.v1alpha1.RestartStrategyType;
import dev.flinkresilience.operator.api.v1alpha1.StateBackend;
import dev.flinkresilience.operator.api.v1alpha1.ZooKeeperSpec;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/** Specs and inputs shared by the render tests. */
final class TestSpecs {
  static final ClusterIdentity ID = new ClusterIdentity("streaming", "orders");
  static final String JOB_ID = "2f5c0c3ea1b94a6c8f0d3b2a1c4e5f60";
  static final DeploymentInputs FRESH = DeploymentInputs.fresh(JOB_ID, "orders-flink");
  static final String RESTORE_PATH = "s3://bucket/checkpoints/2f5c/chk-1042";
  static final DeploymentInputs RESTORE =
      new DeploymentInputs(JOB_ID, RESTORE_PATH, "orders-flink");

  private TestSpecs() {}

  /** Only the fields validation requires; everything else at its default. */
  static FlinkResilientJobSpec minimal(FlinkVersion version) {
    FlinkResilientJobSpec spec = new FlinkResilientJobSpec();
    spec.setImage("flink:2.2.1-java17");
    spec.setFlinkVersion(version);
    JobSpec job = new JobSpec();
    job.setJarURI("local:///opt/flink/usrlib/orders.jar");
    spec.setJob(job);
    CheckpointingSpec checkpointing = new CheckpointingSpec();
    checkpointing.setDirectory("s3://bucket/checkpoints");
    spec.setCheckpointing(checkpointing);
    return spec;
  }

  /** Every optional field set away from its default, with ZooKeeper HA and failure-rate. */
  static FlinkResilientJobSpec full(FlinkVersion version) {
    FlinkResilientJobSpec spec = minimal(version);
    JobSpec job = spec.getJob();
    job.setEntryClass("com.example.Orders");
    job.setArgs(new ArrayList<>(List.of("--window", "5 min", "a,b;c", "it's \"quoted\"")));
    job.setParallelism(4);
    job.setAllowNonRestoredState(true);
    spec.getJobManager().setReplicas(2);
    spec.getJobManager().setResources(ResourcesSpec.of("500m", "2Gi"));
    spec.getTaskManager().setTaskSlots(2);
    spec.getTaskManager().setResources(ResourcesSpec.of("2", "1500M"));
    CheckpointingSpec cp = spec.getCheckpointing();
    cp.setInterval("1m30s");
    cp.setSavepointDirectory("s3://bucket/savepoints");
    cp.setMode(CheckpointingMode.AT_LEAST_ONCE);
    cp.setTimeout("20m");
    cp.setMinPause("500ms");
    cp.setMaxConcurrent(2);
    cp.setTolerableFailures(5);
    cp.setStateBackend(StateBackend.ROCKSDB);
    cp.setIncremental(true);
    withHa(spec, HighAvailabilityType.ZOOKEEPER);
    spec.getRestartStrategy().setType(RestartStrategyType.FAILURE_RATE);
    spec.setFailoverStrategy(FailoverStrategy.FULL);
    return spec;
  }

  static FlinkResilientJobSpec withHa(FlinkResilientJobSpec spec, HighAvailabilityType type) {
    spec.getHighAvailability().setType(type);
    if (type != HighAvailabilityType.NONE) {
      spec.getHighAvailability().setStorageDir("s3://bucket/ha");
    }
    if (type == HighAvailabilityType.ZOOKEEPER) {
      ZooKeeperSpec zk = new ZooKeeperSpec();
      zk.setQuorum("zk-0.zk:2181,zk-1.zk:2181,zk-2.zk:2181");
      spec.getHighAvailability().setZookeeper(zk);
    }
    return spec;
  }

  static FlinkResilientJobSpec withRestart(FlinkResilientJobSpec spec, RestartStrategyType type) {
    spec.getRestartStrategy().setType(type);
    return spec;
  }

  static FlinkResilientJobSpec withPassThrough(
      FlinkResilientJobSpec spec, Map<String, String> entries) {
    spec.getFlinkConfiguration().putAll(entries);
    return spec;
  }

  /**
   * Specs that together make the renderer emit every setting it has: each HA kind and restart
   * strategy, on top of the full spec, restored and fresh.
   */
  static List<Rendering> coveringAllSettings(FlinkVersion version) {
    List<Rendering> renderings = new ArrayList<>();
    for (HighAvailabilityType ha : HighAvailabilityType.values()) {
      for (RestartStrategyType restart : RestartStrategyType.values()) {
        FlinkResilientJobSpec spec = withRestart(withHa(full(version), ha), restart);
        renderings.add(new Rendering(spec, RESTORE));
      }
    }
    renderings.add(new Rendering(minimal(version), FRESH));
    FlinkResilientJobSpec election = withHa(full(version), HighAvailabilityType.KUBERNETES);
    election
        .getHighAvailability()
        .setKubernetes(new dev.flinkresilience.operator.api.v1alpha1.KubernetesHaSpec());
    renderings.add(new Rendering(election, RESTORE));
    return renderings;
  }

  record Rendering(FlinkResilientJobSpec spec, DeploymentInputs inputs) {
    Map<String, String> render() {
      return FlinkConfigRenderer.render(spec, ID, inputs);
    }
  }
}
