package dev.flinkresilience.operator.observe.ha;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.flinkresilience.operator.decide.FlinkCheckpoint;
import dev.flinkresilience.operator.decide.HaStoreView;
import dev.flinkresilience.operator.render.ClusterIdentity;
import io.fabric8.kubernetes.api.model.ConfigMap;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.server.mock.EnableKubernetesMockClient;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Comparator;
import java.util.List;
import java.util.concurrent.TimeUnit;
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
import org.apache.flink.runtime.jobgraph.JobGraph;
import org.apache.flink.runtime.minicluster.MiniCluster;
import org.apache.flink.runtime.minicluster.MiniClusterConfiguration;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;
import org.apache.flink.streaming.api.functions.sink.v2.DiscardingSink;
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
  private static final ObjectMapper JSON = new ObjectMapper();
  private final HttpClient http = HttpClient.newHttpClient();

  KubernetesClient client;

  @TempDir Path temp;

  @Test
  @Timeout(value = 120, unit = TimeUnit.SECONDS)
  void readsWhatFlinkWrote() throws Exception {
    String checkpointDir = temp.resolve("checkpoints").toUri().toString();
    JobID jobId = JobID.fromHexString("00000000000000000000000000000042");
    try (MiniCluster flink = new MiniCluster(miniCluster(checkpointDir))) {
      flink.start();
      String rest = flink.getRestAddress().get().toString();
      flink.submitJob(statefulJob(jobId)).get();

      triggerCheckpoint(rest, jobId);
      long latest = triggerCheckpoint(rest, jobId);
      JsonNode completed = latestCompleted(rest, jobId, latest);

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
    Configuration conf = new Configuration();
    conf.setString("high-availability.type", "kubernetes");
    conf.setString("kubernetes.cluster-id", CLUSTER.name());
    conf.setString("kubernetes.namespace", CLUSTER.namespace());
    conf.setString("kubernetes.config.file", kubeconfig().toString());
    conf.setString("high-availability.storageDir", temp.resolve("ha").toUri().toString());
    conf.setString("execution.checkpointing.dir", checkpointDir);
    conf.setString("execution.checkpointing.interval", "1 h");
    conf.setString(
        "execution.checkpointing.externalized-checkpoint-retention", "RETAIN_ON_CANCELLATION");
    conf.setString("execution.checkpointing.num-retained", "3");
    conf.setString("state.backend.type", "hashmap");
    conf.setString("rest.port", "0");
    conf.setString("rest.address", "localhost");
    conf.setString("rest.bind-address", "localhost");
    conf.setString("web.refresh-interval", "100 ms");
    return new MiniClusterConfiguration.Builder()
        .setConfiguration(conf)
        .setNumTaskManagers(1)
        .setNumSlotsPerTaskManager(1)
        .build();
  }

  private static JobGraph statefulJob(JobID jobId) {
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
        .getJobGraph(KubernetesHaStoreMiniClusterTest.class.getClassLoader(), jobId);
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
}
