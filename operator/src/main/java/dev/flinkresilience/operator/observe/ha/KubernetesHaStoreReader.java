package dev.flinkresilience.operator.observe.ha;

import dev.flinkresilience.operator.decide.CheckpointPaths;
import dev.flinkresilience.operator.decide.FlinkCheckpoint;
import dev.flinkresilience.operator.decide.HaStoreView;
import dev.flinkresilience.operator.render.ClusterIdentity;
import io.fabric8.kubernetes.api.model.ConfigMap;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.OptionalLong;

/**
 * Reads one job's view of Flink's Kubernetes HA store from ConfigMaps already in hand (an
 * informer's cache, selected by {@link KubernetesHaLayout#labels}); no API calls.
 *
 * <p>Checkpoint ids come from the keys of the job's ConfigMap. Their values (Java-serialized state
 * handles pointing into the HA storage dir) are deliberately not decoded: deserializing what a
 * job's service account can write would hand it the operator's privileges. The path follows from
 * the id because the operator owns the checkpoint directory and the job id. Kubernetes HA keeps no
 * time per entry, so {@code completedAt} is null. An entry Flink is about to remove (marked inside
 * the serialized value) is still listed; it is never the newest one.
 */
public final class KubernetesHaStoreReader {
  private KubernetesHaStoreReader() {}

  /**
   * @param configMaps ConfigMaps of any namespace and cluster; only this cluster's HA ones count
   * @param cluster the cluster; its name is Flink's {@code kubernetes.cluster-id}
   * @param jobId the job id the operator fixed for the job
   * @param checkpointDirectory the job's {@code execution.checkpointing.dir}
   */
  public static HaStoreView read(
      Collection<ConfigMap> configMaps,
      ClusterIdentity cluster,
      String jobId,
      String checkpointDirectory) {
    Map<String, String> jobEntries =
        data(configMaps, cluster, KubernetesHaLayout.jobConfigMap(cluster.name(), jobId));
    List<FlinkCheckpoint> checkpoints = new ArrayList<>();
    for (String key : jobEntries.keySet()) {
      OptionalLong id = KubernetesHaLayout.checkpointId(key);
      if (id.isPresent()) {
        long value = id.getAsLong();
        checkpoints.add(
            FlinkCheckpoint.at(value, CheckpointPaths.of(checkpointDirectory, jobId, value), null));
      }
    }
    String leader =
        KubernetesHaLayout.leaderAddress(
            data(configMaps, cluster, KubernetesHaLayout.clusterConfigMap(cluster.name()))
                .get(KubernetesHaLayout.REST_SERVER_LEADER_KEY));
    return new HaStoreView(HaStoreView.State.READ, checkpoints, leader, null);
  }

  /** The data of the named ConfigMap in the cluster's namespace; empty when it is not there. */
  private static Map<String, String> data(
      Collection<ConfigMap> configMaps, ClusterIdentity cluster, String name) {
    for (ConfigMap cm : configMaps) {
      var meta = cm == null ? null : cm.getMetadata();
      if (meta != null
          && name.equals(meta.getName())
          && cluster.namespace().equals(meta.getNamespace())) {
        return cm.getData() == null ? Map.of() : cm.getData();
      }
    }
    return Map.of();
  }
}
