package dev.flinkresilience.operator.observe.ha;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.flinkresilience.operator.decide.FlinkCheckpoint;
import dev.flinkresilience.operator.decide.HaStoreView;
import dev.flinkresilience.operator.render.ClusterIdentity;
import io.fabric8.kubernetes.api.model.ConfigMap;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.server.mock.EnableKubernetesMockClient;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Comparator;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.apache.flink.api.common.JobID;
import org.apache.flink.configuration.Configuration;
import org.apache.flink.runtime.minicluster.MiniCluster;
import org.apache.flink.runtime.minicluster.MiniClusterConfiguration;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * The Kubernetes HA reader against what a real Flink writes: a MiniCluster with Flink's own
 * Kubernetes HA services (ConfigMap leader election, leader and checkpoint ConfigMaps) on the
 * in-process API server runs a small stateful job; checkpoints are triggered through REST (the
 * interval is an hour, so nothing else checkpoints), and the reader, given the ConfigMaps as our
 * client lists them, must agree with REST on the latest checkpoint, its path and the REST leader.
 */
@EnableKubernetesMockClient(crud = true)
class KubernetesHaStoreMiniClusterTest {
  private static final ClusterIdentity CLUSTER = new ClusterIdentity("streaming", "orders");
  private final ManualCheckpoints checkpoints = new ManualCheckpoints();

  KubernetesClient client;

  @TempDir Path temp;

  @Test
  @Timeout(value = 120, unit = TimeUnit.SECONDS)
  void readsWhatFlinkWrote() throws Exception {
    String checkpointDir = temp.resolve("checkpoints").toUri().toString();
    JobID jobId = JobID.fromHexString("00000000000000000000000000000042");
    MiniCluster flink = new MiniCluster(miniCluster(checkpointDir));
    try {
      flink.start();
      String rest = flink.getRestAddress().get().toString();
      flink.submitJob(ManualCheckpoints.statefulJob(jobId)).get(60, TimeUnit.SECONDS);

      checkpoints.triggerCheckpoint(rest, jobId);
      long latest = checkpoints.triggerCheckpoint(rest, jobId);
      JsonNode completed = checkpoints.latestCompleted(rest, jobId, latest);

      List<ConfigMap> configMaps =
          client
              .configMaps()
              .inNamespace(CLUSTER.namespace())
              .withLabels(KubernetesHaLayout.labels(CLUSTER.name()))
              .list()
              .getItems();
      HaStoreView view =
          KubernetesHaStoreReader.read(configMaps, CLUSTER, jobId.toString(), checkpointDir);
      assertThat(view.state()).isEqualTo(HaStoreView.State.READ);
      FlinkCheckpoint newest =
          view.checkpoints().stream().max(Comparator.comparingLong(FlinkCheckpoint::id)).get();
      assertThat(newest.id()).isEqualTo(latest);
      assertThat(newest.path()).isEqualTo(completed.get("external_path").asText());
      assertThat(view.leaderRestAddress()).isEqualTo(rest);
    } finally {
      flink.closeAsyncWithoutCleaningHighAvailabilityData().get(60, TimeUnit.SECONDS);
    }
  }

  /** A kubeconfig for the in-process API server, whose certificate no one signed. */
  private Path kubeconfig() throws Exception {
    Path file = temp.resolve("kubeconfig");
    Files.writeString(
        file,
        """
        apiVersion: v1
        kind: Config
        clusters:
        - name: mock
          cluster:
            server: %s
            insecure-skip-tls-verify: true
        users:
        - name: flink
          user:
            token: mock
        contexts:
        - name: mock
          context:
            cluster: mock
            user: flink
            namespace: %s
        current-context: mock
        """
            .formatted(client.getMasterUrl(), CLUSTER.namespace()));
    return file;
  }

  private MiniClusterConfiguration miniCluster(String checkpointDir) throws Exception {
    Configuration conf =
        ManualCheckpoints.miniClusterBase(checkpointDir, temp.resolve("ha").toUri().toString());
    conf.setString("high-availability.type", "kubernetes");
    conf.setString("kubernetes.cluster-id", CLUSTER.name());
    conf.setString("kubernetes.namespace", CLUSTER.namespace());
    conf.setString("kubernetes.config.file", kubeconfig().toString());
    return new MiniClusterConfiguration.Builder()
        .setConfiguration(conf)
        .setNumTaskManagers(1)
        .setNumSlotsPerTaskManager(1)
        .build();
  }
}
