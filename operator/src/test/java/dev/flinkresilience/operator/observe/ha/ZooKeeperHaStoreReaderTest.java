package dev.flinkresilience.operator.observe.ha;

import static org.assertj.core.api.Assertions.assertThat;

import dev.flinkresilience.operator.decide.FlinkCheckpoint;
import dev.flinkresilience.operator.decide.HaStoreView;
import java.io.ByteArrayOutputStream;
import java.io.ObjectOutputStream;
import java.net.ServerSocket;
import java.time.Duration;
import java.util.UUID;
import org.apache.curator.framework.CuratorFramework;
import org.apache.curator.framework.CuratorFrameworkFactory;
import org.apache.curator.retry.RetryOneTime;
import org.apache.curator.test.TestingServer;
import org.apache.flink.runtime.checkpoint.ZooKeeperCheckpointStoreUtil;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** The ZooKeeper HA reader against an embedded ZooKeeper, with znodes laid out as Flink does. */
@Timeout(30)
class ZooKeeperHaStoreReaderTest {
  private static final String JOB = "00000000000000000000000000000042";
  private static final String CHECKPOINTS = "/flink/streaming/orders/jobs/" + JOB + "/checkpoints";
  private TestingServer zookeeper;
  private CuratorFramework zk;
  private ZooKeeperHaStoreReader reader;

  @BeforeEach
  void start() throws Exception {
    zookeeper = new TestingServer(true);
    zk = CuratorFrameworkFactory.newClient(zookeeper.getConnectString(), new RetryOneTime(100));
    zk.start();
    reader = new ZooKeeperHaStoreReader(Duration.ofSeconds(2));
  }

  @AfterEach
  void stop() throws Exception {
    reader.close();
    zk.close();
    zookeeper.close();
  }

  @Test
  void readsRetainedCheckpointsAndSkipsForeignOrDeletedNodes() throws Exception {
    checkpoint(5, true);
    checkpoint(6, true);
    checkpoint(7, false); // locks node gone: Flink marked it for deletion
    zk.create().forPath(CHECKPOINTS + "/not-a-checkpoint");
    zk.create().forPath(CHECKPOINTS + "/-000000000000000001");
    zk.create()
        .creatingParentsIfNeeded()
        .forPath(
            "/flink/streaming/orders/leader/rest_server/connection_info",
            flinkLeader("http://10.0.0.7:8081"));

    HaStoreView view = read();

    assertThat(view.state()).isEqualTo(HaStoreView.State.READ);
    assertThat(view.checkpoints())
        .extracting(FlinkCheckpoint::id, FlinkCheckpoint::path)
        .containsExactlyInAnyOrder(
            org.assertj.core.groups.Tuple.tuple(5L, "s3://b/cp/" + JOB + "/chk-5"),
            org.assertj.core.groups.Tuple.tuple(6L, "s3://b/cp/" + JOB + "/chk-6"));
    assertThat(view.checkpoints()).allSatisfy(c -> assertThat(c.completedAt()).isNotNull());
    assertThat(view.leaderRestAddress()).isEqualTo("http://10.0.0.7:8081");
  }

  @Test
  void missingNodesReadAsAnEmptyStore() {
    assertThat(read())
        .isEqualTo(new HaStoreView(HaStoreView.State.READ, java.util.List.of(), null, null));
  }

  @Test
  void malformedLeaderDataIsNoLeader() throws Exception {
    String leader = "/flink/streaming/orders/leader/rest_server/connection_info";
    zk.create().creatingParentsIfNeeded().forPath(leader, new byte[0]);
    assertThat(read().leaderRestAddress()).isNull();
    zk.setData().forPath(leader, "http://x:1".getBytes(java.nio.charset.StandardCharsets.UTF_8));
    assertThat(read().leaderRestAddress()).isNull();
  }

  @Test
  void unreachableQuorumIsUnavailableWithinTheBound() throws Exception {
    String nobody;
    try (ServerSocket free = new ServerSocket(0)) {
      nobody = "127.0.0.1:" + free.getLocalPort();
    }
    long start = System.nanoTime();
    HaStoreView view = reader.read(nobody, "/flink", "/streaming/orders", JOB, "s3://b/cp");
    Duration took = Duration.ofNanos(System.nanoTime() - start);

    assertThat(view.state()).isEqualTo(HaStoreView.State.UNAVAILABLE);
    assertThat(view.problem()).contains(nobody);
    assertThat(took).isLessThan(Duration.ofSeconds(3));
  }

  @Test
  void anEnsembleThatGoesAwayCostsNoThreadPerReadAndIsReadAgainWhenBack() throws Exception {
    checkpoint(5, true);
    assertThat(read().state()).isEqualTo(HaStoreView.State.READ);
    int before = threadsNamed("zookeeper-ha-read");

    zookeeper.stop();
    // 64 jobs' polls at once while the ensemble is away: once each read waited out its bound on a
    // thread of its own (64 threads here, 2,000 at 5,000 jobs polled every 5 s).
    var polls = java.util.concurrent.Executors.newFixedThreadPool(64);
    try {
      var reads = new java.util.ArrayList<java.util.concurrent.Future<HaStoreView>>();
      for (int i = 0; i < 64; i++) {
        reads.add(polls.submit(this::read));
      }
      int peak = 0;
      for (var r : reads) {
        peak = Math.max(peak, threadsNamed("zookeeper-ha-read") - before);
        HaStoreView view = r.get();
        assertThat(view.state()).isEqualTo(HaStoreView.State.UNAVAILABLE);
        assertThat(view.problem()).contains(zookeeper.getConnectString());
      }
      assertThat(peak)
          .as("the reader's threads while 64 reads of an ensemble away were out")
          .isLessThanOrEqualTo(ZooKeeperHaStoreReader.READ_THREADS);
    } finally {
      polls.shutdownNow();
    }
    assertThat(read().problem()).as("answered at once, without waiting").contains("not connected");

    zookeeper.restart();
    long deadline = System.nanoTime() + Duration.ofSeconds(20).toNanos();
    HaStoreView view = read();
    while (view.state() != HaStoreView.State.READ && System.nanoTime() < deadline) {
      Thread.sleep(100);
      view = read();
    }
    assertThat(view.state())
        .as("read again once the ensemble is back")
        .isEqualTo(HaStoreView.State.READ);
    assertThat(view.checkpoints()).extracting(FlinkCheckpoint::id).containsExactly(5L);
  }

  private static int threadsNamed(String name) {
    return (int)
        Thread.getAllStackTraces().keySet().stream()
            .filter(t -> t.isAlive() && name.equals(t.getName()))
            .count();
  }

  @Test
  void aTreeWithAclCreatorIsReportedAsUnavailableNamingNoAuth() throws Exception {
    dev.flinkresilience.operator.testing.ZooKeeperTrees.createWithAclCreator(
        zookeeper.getConnectString(), CHECKPOINTS + "/" + flinkName(5));

    HaStoreView view = read();

    assertThat(view.state()).isEqualTo(HaStoreView.State.UNAVAILABLE);
    assertThat(view.problem()).contains("NoAuth").contains(zookeeper.getConnectString());
  }

  @Test
  void nodeNamesAreFlinks() {
    assertThat(ZooKeeperHaLayout.checkpointId(flinkName(42))).hasValue(42);
    assertThat(ZooKeeperHaLayout.checkpointId(flinkName(Long.MAX_VALUE))).hasValue(Long.MAX_VALUE);
    assertThat(ZooKeeperHaLayout.clusterPath("/flink/", "//streaming/orders/"))
        .isEqualTo("/flink/streaming/orders");
  }

  private HaStoreView read() {
    return reader.read(
        zookeeper.getConnectString(), "/flink", "/streaming/orders", JOB, "s3://b/cp");
  }

  /** As ZooKeeperStateHandleStore.addAndLock leaves it: the node, its locks node, one lock. */
  private void checkpoint(long id, boolean locked) throws Exception {
    String node = CHECKPOINTS + "/" + flinkName(id);
    zk.create().creatingParentsIfNeeded().forPath(node, new byte[] {1});
    if (locked) {
      zk.create().forPath(node + "/locks");
      zk.create().forPath(node + "/locks/" + UUID.randomUUID());
    }
  }

  /** ZooKeeperCheckpointStoreUtil names nodes "/%019d"; children are listed without the slash. */
  private static String flinkName(long id) {
    return ZooKeeperCheckpointStoreUtil.INSTANCE.checkpointIDToName(id).substring(1);
  }

  /** ZooKeeperUtils.writeLeaderInformationToZooKeeper's encoding. */
  private static byte[] flinkLeader(String address) throws Exception {
    var bytes = new ByteArrayOutputStream();
    try (var out = new ObjectOutputStream(bytes)) {
      out.writeUTF(address);
      out.writeObject(UUID.randomUUID());
    }
    return bytes.toByteArray();
  }
}
