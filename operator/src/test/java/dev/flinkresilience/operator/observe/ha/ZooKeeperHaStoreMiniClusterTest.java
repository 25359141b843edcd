package dev.flinkresilience.operator.observe.ha;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.flinkresilience.operator.decide.FlinkCheckpoint;
import dev.flinkresilience.operator.decide.HaStoreView;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
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
import org.apache.flink.api.common.eventtime.WatermarkStrategy;
import org.apache.flink.api.common.functions.OpenContext;
import org.apache.flink.api.common.functions.RichMapFunction;
import org.apache.flink.api.common.state.ValueState;
import org.apache.flink.api.common.state.ValueStateDescriptor;
import org.apache.flink.api.common.typeinfo.Types;
import org.apache.flink.api.connector.source.util.ratelimit.RateLimiterStrategy;
import org.apache.flink.configuration.Configuration;
import org.apache.flink.connector.datagen.source.DataGeneratorSource;
import org.apache.flink.runtime.minicluster.MiniCluster;
import org.apache.flink.runtime.minicluster.MiniClusterConfiguration;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;
import org.apache.flink.streaming.api.functions.sink.v2.DiscardingSink;
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
  private static final ObjectMapper JSON = new ObjectMapper();
  private final HttpClient http = HttpClient.newHttpClient();

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
      flink.submitJob(statefulJob(jobId)).get();

      triggerCheckpoint(rest, jobId);
      long latest = triggerCheckpoint(rest, jobId);
      JsonNode completed = latestCompleted(rest, jobId, latest);

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
      flink.closeAsyncWithoutCleaningHighAvailabilityData().get();
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
    Configuration conf = new Configuration();
    conf.setString("high-availability.type", "zookeeper");
    conf.setString("high-availability.zookeeper.quorum", zookeeper.getConnectString());
    conf.setString("high-availability.zookeeper.path.root", ROOT);
    conf.setString("high-availability.cluster-id", HA_CLUSTER_ID);
    conf.setString("high-availability.storageDir", temp.resolve("ha").toUri().toString());
    conf.setString("execution.checkpointing.dir", checkpointDir);
    conf.setString("execution.checkpointing.interval", "1 h");
    conf.setString(
        "execution.checkpointing.externalized-checkpoint-retention", "RETAIN_ON_CANCELLATION");
    conf.setString("execution.checkpointing.num-retained", "3");
    conf.setString("state.backend.type", "hashmap");
    // Shutting the MiniCluster down stops its TaskManager first; without restarts that fails the
    // job, a terminal state in which Flink removes the job's HA data. Restarting, it is suspended
    // instead, and its HA data stays as after a JobManager crash.
    conf.setString("restart-strategy.type", "fixed-delay");
    conf.setString("restart-strategy.fixed-delay.attempts", "1000");
    conf.setString("restart-strategy.fixed-delay.delay", "1 min");
    conf.setString("rest.port", "0");
    conf.setString("rest.address", "localhost");
    conf.setString("rest.bind-address", "localhost");
    conf.setString("web.refresh-interval", "100 ms");
    return conf;
  }

  private MiniClusterConfiguration miniCluster(TestingServer zookeeper, String checkpointDir) {
    return new MiniClusterConfiguration.Builder()
        .setConfiguration(miniClusterConfig(zookeeper, checkpointDir))
        .setNumTaskManagers(1)
        .setNumSlotsPerTaskManager(1)
        .build();
  }

  private static org.apache.flink.runtime.jobgraph.JobGraph statefulJob(JobID jobId) {
    StreamExecutionEnvironment env = StreamExecutionEnvironment.getExecutionEnvironment();
    env.setParallelism(1);
    env.fromSource(
            new DataGeneratorSource<>(
                n -> n, Long.MAX_VALUE, RateLimiterStrategy.perSecond(100), Types.LONG),
            WatermarkStrategy.noWatermarks(),
            "numbers")
        .keyBy(n -> n % 4)
        .map(new Count())
        .sinkTo(new DiscardingSink<>());
    return env.getStreamGraph()
        .getJobGraph(ZooKeeperHaStoreMiniClusterTest.class.getClassLoader(), jobId);
  }

  /** Keyed state, so the checkpoints hold some. */
  static final class Count extends RichMapFunction<Long, Long> {
    private transient ValueState<Long> count;

    @Override
    public void open(OpenContext context) {
      count = getRuntimeContext().getState(new ValueStateDescriptor<>("count", Long.class));
    }

    @Override
    public Long map(Long value) throws Exception {
      long next = (count.value() == null ? 0 : count.value()) + 1;
      count.update(next);
      return next;
    }
  }

  /** Triggers a checkpoint (retried until every task runs) and waits for its id. */
  private long triggerCheckpoint(String rest, JobID jobId) throws Exception {
    while (true) {
      HttpResponse<String> trigger = post(rest + "/jobs/" + jobId + "/checkpoints", "{}");
      if (trigger.statusCode() / 100 == 2) {
        String requestId = JSON.readTree(trigger.body()).get("request-id").asText();
        while (true) {
          JsonNode status = get(rest + "/jobs/" + jobId + "/checkpoints/" + requestId);
          if (status != null && "COMPLETED".equals(status.at("/status/id").asText())) {
            JsonNode operation = status.get("operation");
            if (operation.has("checkpointId")) {
              return operation.get("checkpointId").asLong();
            }
            break; // failed, e.g. not all tasks running yet: trigger again
          }
          Thread.sleep(50);
        }
      }
      Thread.sleep(200);
    }
  }

  /** REST's latest completed checkpoint, once its statistics caught up with {@code id}. */
  private JsonNode latestCompleted(String rest, JobID jobId, long id) throws Exception {
    while (true) {
      JsonNode stats = get(rest + "/jobs/" + jobId + "/checkpoints");
      JsonNode completed = stats == null ? null : stats.at("/latest/completed");
      if (completed != null && completed.path("id").asLong(-1) == id) {
        return completed;
      }
      Thread.sleep(100);
    }
  }

  private JsonNode get(String url) throws Exception {
    HttpResponse<String> response =
        http.send(
            HttpRequest.newBuilder(URI.create(url)).GET().build(),
            HttpResponse.BodyHandlers.ofString());
    return response.statusCode() == 200 ? JSON.readTree(response.body()) : null;
  }

  private HttpResponse<String> post(String url, String body) throws Exception {
    return http.send(
        HttpRequest.newBuilder(URI.create(url))
            .header("Content-Type", "application/json")
            .POST(HttpRequest.BodyPublishers.ofString(body))
            .build(),
        HttpResponse.BodyHandlers.ofString());
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
