package dev.flinkresilience.operator.observe.ha;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.flinkresilience.operator.decide.FlinkCheckpoint;
import dev.flinkresilience.operator.decide.HaStoreView;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Comparator;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.TimeUnit;
import org.apache.curator.framework.CuratorFramework;
import org.apache.curator.framework.CuratorFrameworkFactory;
import org.apache.curator.retry.RetryOneTime;
import org.apache.curator.test.TestingServer;
import org.apache.flink.api.common.JobID;
import org.apache.flink.configuration.Configuration;
import org.apache.flink.runtime.minicluster.MiniCluster;
import org.apache.flink.runtime.minicluster.MiniClusterConfiguration;
import org.apache.zookeeper.data.Stat;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * The ZooKeeper HA reader against what a real Flink writes: a MiniCluster with ZooKeeper HA on an
 * embedded ZooKeeper runs a small stateful job; checkpoints are triggered through REST (the
 * interval is an hour, so nothing else checkpoints), and the reader must agree with REST on the
 * latest checkpoint, its path and the REST leader, then read the same after the JobManager is gone
 * without changing a single znode.
 */
class ZooKeeperHaStoreMiniClusterTest {
  private static final String ROOT = "/flink";
  private static final String HA_CLUSTER_ID = "/streaming/orders";
  private final ManualCheckpoints checkpoints = new ManualCheckpoints();

  @TempDir Path temp;

  @Test
  @Timeout(value = 120, unit = TimeUnit.SECONDS)
  void readsWhatFlinkWroteAndWritesNothing() throws Exception {
    try (TestingServer zookeeper = new TestingServer(true);
        ZooKeeperHaStoreReader reader = new ZooKeeperHaStoreReader(Duration.ofSeconds(2))) {
      String checkpointDir = temp.resolve("checkpoints").toUri().toString();
      JobID jobId = JobID.fromHexString("00000000000000000000000000000042");
      MiniCluster flink = new MiniCluster(miniCluster(zookeeper, checkpointDir));
      flink.start();
      String rest = flink.getRestAddress().get().toString();
      flink.submitJob(ManualCheckpoints.statefulJob(jobId)).get(60, TimeUnit.SECONDS);

      checkpoints.triggerCheckpoint(rest, jobId);
      long latest = checkpoints.triggerCheckpoint(rest, jobId);
      JsonNode completed = checkpoints.latestCompleted(rest, jobId, latest);

      HaStoreView running =
          reader.read(
              zookeeper.getConnectString(), ROOT, HA_CLUSTER_ID, jobId.toString(), checkpointDir);
      assertThat(running.state()).isEqualTo(HaStoreView.State.READ);
      FlinkCheckpoint newest =
          running.checkpoints().stream().max(Comparator.comparingLong(FlinkCheckpoint::id)).get();
      assertThat(newest.id()).isEqualTo(latest);
      assertThat(newest.path()).isEqualTo(completed.get("external_path").asText());
      assertThat(newest.completedAt()).isNotNull();
      assertThat(running.leaderRestAddress()).isEqualTo(rest);

      // The JobManager goes away as in a crash: Flink's HA data stays.
      flink.closeAsyncWithoutCleaningHighAvailabilityData().get(60, TimeUnit.SECONDS);
      try (CuratorFramework zk =
              CuratorFrameworkFactory.newClient(
                  zookeeper.getConnectString(), new RetryOneTime(100));
          ZooKeeperHaStoreReader fresh = new ZooKeeperHaStoreReader(Duration.ofSeconds(2))) {
        zk.start();
        Map<String, String> before = tree(zk, ROOT);
        HaStoreView afterCrash =
            fresh.read(
                zookeeper.getConnectString(), ROOT, HA_CLUSTER_ID, jobId.toString(), checkpointDir);
        System.out.println("znodes after the JobManager is gone: " + before);
        assertThat(tree(zk, ROOT)).isEqualTo(before);
        assertThat(afterCrash.checkpoints()).contains(newest);
      }
    }
  }

  private Configuration miniClusterConfig(TestingServer zookeeper, String checkpointDir) {
    Configuration conf =
        ManualCheckpoints.miniClusterBase(checkpointDir, temp.resolve("ha").toUri().toString());
    conf.setString("high-availability.type", "zookeeper");
    conf.setString("high-availability.zookeeper.quorum", zookeeper.getConnectString());
    conf.setString("high-availability.zookeeper.path.root", ROOT);
    conf.setString("high-availability.cluster-id", HA_CLUSTER_ID);
    return conf;
  }

  private MiniClusterConfiguration miniCluster(TestingServer zookeeper, String checkpointDir) {
    return new MiniClusterConfiguration.Builder()
        .setConfiguration(miniClusterConfig(zookeeper, checkpointDir))
        .setNumTaskManagers(1)
        .setNumSlotsPerTaskManager(1)
        .build();
  }

  /** Every znode below {@code path} with the counters any write would move. */
  private static Map<String, String> tree(CuratorFramework zk, String path) throws Exception {
    Map<String, String> nodes = new TreeMap<>();
    Stat stat = zk.checkExists().forPath(path);
    if (stat == null) {
      return nodes;
    }
    nodes.put(
        path,
        "v"
            + stat.getVersion()
            + " cv"
            + stat.getCversion()
            + " av"
            + stat.getAversion()
            + " m"
            + stat.getMzxid()
            + " p"
            + stat.getPzxid());
    for (String child : zk.getChildren().forPath(path)) {
      nodes.putAll(tree(zk, path.equals("/") ? "/" + child : path + "/" + child));
    }
    return nodes;
  }
}
