package dev.flinkresilience.operator.act;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.flinkresilience.operator.testing.ZooKeeperTrees;
import org.apache.curator.framework.CuratorFramework;
import org.apache.curator.framework.CuratorFrameworkFactory;
import org.apache.curator.retry.RetryOneTime;
import org.apache.curator.test.TestingServer;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** HA cleanup on deletion, against a real embedded ZooKeeper. */
class HaMetadataCleanerZooKeeperTest {
  private TestingServer zookeeper;
  private CuratorFramework zk;

  @BeforeEach
  void start() throws Exception {
    zookeeper = new TestingServer(true);
    zk = CuratorFrameworkFactory.newClient(zookeeper.getConnectString(), new RetryOneTime(100));
    zk.start();
  }

  @AfterEach
  void stop() throws Exception {
    zk.close();
    zookeeper.close();
  }

  @Test
  void deletesOnlyThisClustersSubtree() throws Exception {
    zk.create()
        .creatingParentsIfNeeded()
        .forPath("/flink/streaming/orders/leader/rest", new byte[] {1});
    zk.create()
        .creatingParentsIfNeeded()
        .forPath("/flink/streaming/orders/jobs/j1/checkpoints/0001");
    zk.create().creatingParentsIfNeeded().forPath("/flink/streaming/orders-2/leader");
    zk.create().creatingParentsIfNeeded().forPath("/flink/analytics/orders/leader");

    new HaMetadataCleaner(null)
        .deleteZooKeeperHa(zookeeper.getConnectString(), "/flink", "/streaming/orders");

    assertThat(zk.checkExists().forPath("/flink/streaming/orders")).isNull();
    assertThat(zk.checkExists().forPath("/flink/streaming/orders-2/leader")).isNotNull();
    assertThat(zk.checkExists().forPath("/flink/analytics/orders/leader")).isNotNull();
  }

  @Test
  void beforeANewJobKeepsOnlyTheStoppedJobsCheckpointPointers() throws Exception {
    // As Flink 2.3 lays it out: the old job's plan and application would be recovered by the
    // new JobManager and fail the new job.
    zk.create().creatingParentsIfNeeded().forPath("/flink/streaming/orders/execution-plans/j1");
    zk.create().creatingParentsIfNeeded().forPath("/flink/streaming/orders/applications/j1");
    zk.create().creatingParentsIfNeeded().forPath("/flink/streaming/orders/leader/rest");
    zk.create()
        .creatingParentsIfNeeded()
        .forPath("/flink/streaming/orders/jobs/j1/checkpoints/0000000000000000007");
    zk.create().creatingParentsIfNeeded().forPath("/flink/streaming/orders/jobs/j0/checkpoints");
    zk.create().creatingParentsIfNeeded().forPath("/flink/streaming/orders-2/execution-plans/x");

    new HaMetadataCleaner(null)
        .clearZooKeeperHaForNewJob(
            zookeeper.getConnectString(), "/flink", "/streaming/orders", "j1");

    assertThat(zk.getChildren().forPath("/flink/streaming/orders")).containsExactly("jobs");
    assertThat(zk.getChildren().forPath("/flink/streaming/orders/jobs")).containsExactly("j1");
    assertThat(
            zk.checkExists()
                .forPath("/flink/streaming/orders/jobs/j1/checkpoints/0000000000000000007"))
        .isNotNull();
    assertThat(zk.checkExists().forPath("/flink/streaming/orders-2/execution-plans/x"))
        .as("another cluster's data")
        .isNotNull();
  }

  @Test
  void absentDataIsFineAndTheRootIsNeverDeleted() throws Exception {
    var cleaner = new HaMetadataCleaner(null);
    cleaner.deleteZooKeeperHa(zookeeper.getConnectString(), "/flink", "/streaming/none");
    assertThatThrownBy(() -> cleaner.deleteZooKeeperHa(zookeeper.getConnectString(), "/", "/"))
        .isInstanceOf(IllegalArgumentException.class);
  }

  @Test
  void aTreeTheOperatorMayNotTouchIsReportedAsNotPermitted() throws Exception {
    ZooKeeperTrees.createWithAclCreator(
        zookeeper.getConnectString(), "/flink/streaming/orders/leader/rest_server");

    assertThatThrownBy(
            () ->
                new HaMetadataCleaner(null)
                    .deleteZooKeeperHa(zookeeper.getConnectString(), "/flink", "/streaming/orders"))
        .isInstanceOf(HaMetadataCleaner.NotPermitted.class)
        .hasMessageContaining("NoAuth");
    assertThat(
            ZooKeeperTrees.existsAsCreator(
                zookeeper.getConnectString(), "/flink/streaming/orders/leader/rest_server"))
        .isTrue();
  }
}
