package dev.flinkresilience.operator.decide;

import dev.flinkresilience.operator.api.v1alpha1.CheckpointRef;
import dev.flinkresilience.operator.api.v1alpha1.DeploymentRecord;
import dev.flinkresilience.operator.api.v1alpha1.FlinkResilientJobSpec;
import dev.flinkresilience.operator.api.v1alpha1.FlinkResilientJobStatus;
import dev.flinkresilience.operator.api.v1alpha1.HighAvailabilityType;
import dev.flinkresilience.operator.decide.ObservedCluster.JobManagerDeployment;
import dev.flinkresilience.operator.testing.Jobs;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * A running job and its cluster, as the planner sees them, to be changed by each test: a JobManager
 * {@code orders-jm} on {@code node-a}, a TaskManager {@code orders-tm} on {@code node-b}, both
 * nodes renewing their Leases, checkpoint 12 recorded.
 */
final class RecoveryWorld {
  static final Instant NOW = Instant.parse("2026-11-21T12:00:00Z");
  static final String HASH = "hash-1";
  static final String JOB_ID = "0123456789abcdef0123456789abcdef";
  static final String DIR = "s3://b/cp";

  final FlinkResilientJobSpec spec = Jobs.validSpec();
  final FlinkResilientJobStatus status = new FlinkResilientJobStatus();
  final List<PodView> pods = new ArrayList<>();
  final Map<String, NodeView> nodes = new LinkedHashMap<>();
  JobManagerDeployment jobManager = new JobManagerDeployment(HASH, 1L, JOB_ID, 1, false);
  HaStoreView ha = HaStoreView.noHa();
  NodeSight sight = NodeSight.CLEAR;
  Instant now = NOW;
  String specHash = HASH;
  boolean mayTaintNodes;

  RecoveryWorld() {
    spec.getRestartStrategy();
    DeploymentRecord d = new DeploymentRecord();
    d.setSerial(1L);
    d.setSpecHash(HASH);
    d.setJobId(JOB_ID);
    d.setDeployedAt(NOW.minus(Duration.ofHours(1)).toString());
    d.setJobManagerPod("orders-jm");
    status.setDeployment(d);
    status.setJobId(JOB_ID);
    status.setJobState("RUNNING");
    status.setJobStateSince(NOW.minus(Duration.ofHours(1)).toString());
    status.setLatestCheckpoint(checkpoint(12));
    pods.add(pod("orders-jm", PodView.Role.JOB_MANAGER, "node-a"));
    pods.add(pod("orders-tm", PodView.Role.TASK_MANAGER, "node-b"));
    nodes.put("node-a", liveNode("node-a"));
    nodes.put("node-b", liveNode("node-b"));
  }

  RecoveryWorld ha() {
    spec.getHighAvailability().setType(HighAvailabilityType.KUBERNETES);
    spec.getHighAvailability().setStorageDir("s3://b/ha");
    ha = new HaStoreView(HaStoreView.State.READ, List.of(haCheckpoint(12)), null, null);
    return this;
  }

  PlanInput input() {
    return inputWith(status);
  }

  /** The input of a pass that reads {@code recorded} as the job's status. */
  PlanInput inputWith(FlinkResilientJobStatus recorded) {
    return StorageHolds.whatWasRecorded(
        new PlanInput(
            new DesiredJob(spec, specHash, 1, "uid"),
            List.of(),
            recorded,
            new ObservedCluster(Optional.ofNullable(jobManager), pods.size(), pods, nodes, sight)
                .withNodeTaints(mayTaintNodes),
            ha,
            now));
  }

  Decision decide() {
    return LifecyclePlanner.decide(input());
  }

  void replacePod(String name, PodView replacement) {
    pods.removeIf(p -> p.name().equals(name));
    if (replacement != null) {
      pods.add(replacement);
    }
  }

  static PodView pod(String name, PodView.Role role, String node) {
    return new PodView(
        name, role, node, "Running", true, null, null, null, NOW.minus(Duration.ofHours(1)));
  }

  /** Bound to {@code node} a second ago and never started there. */
  static PodView pending(String name, PodView.Role role, String node) {
    return new PodView(name, role, node, "Pending", false, null, null, null, NOW.minusSeconds(1));
  }

  static PodView failed(PodView p, String failure) {
    return new PodView(
        p.name(),
        p.role(),
        p.node(),
        "Running",
        false,
        null,
        failure,
        NOW.minusSeconds(1),
        p.createdAt());
  }

  static NodeView liveNode(String name) {
    return new NodeView(name, NOW.minusSeconds(3), "True", false, false);
  }

  /** Silent for {@code seconds} and marked not Ready by Kubernetes: no longer scheduled onto. */
  static NodeView notReadyNode(String name, long seconds) {
    return new NodeView(name, NOW.minusSeconds(seconds), "Unknown", false, false);
  }

  static NodeView silentNode(String name, long seconds) {
    return new NodeView(name, NOW.minusSeconds(seconds), "True", false, false);
  }

  static CheckpointRef checkpoint(long id) {
    var r = new CheckpointRef();
    r.setId(id);
    r.setPath(CheckpointPaths.of(DIR, JOB_ID, id));
    r.setCompletedAt(NOW.minusSeconds(30).toString());
    r.setSource("rest");
    return r;
  }

  static FlinkCheckpoint haCheckpoint(long id) {
    return FlinkCheckpoint.at(id, CheckpointPaths.of(DIR, JOB_ID, id), null);
  }
}
