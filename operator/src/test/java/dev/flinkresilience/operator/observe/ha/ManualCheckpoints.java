package dev.flinkresilience.operator.observe.ha;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
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
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;
import org.apache.flink.streaming.api.functions.sink.v2.DiscardingSink;

/**
 * What both HA-store tests do to a MiniCluster: run a small job with keyed state and take
 * checkpoints by hand through REST ({@code POST /jobs/:id/checkpoints}), so the latest id is known
 * exactly when the store is read.
 */
final class ManualCheckpoints {
  private static final ObjectMapper JSON = new ObjectMapper();

  /** A checkpoint of this tiny job takes milliseconds; waiting longer means something broke. */
  private static final java.time.Duration BOUND = java.time.Duration.ofSeconds(45);

  private final HttpClient http = HttpClient.newHttpClient();

  /**
   * The MiniCluster configuration both HA-store tests share, HA aside: checkpoints only by hand
   * (the interval is an hour), retained, REST on a free port.
   *
   * <p>Restarts: closing a MiniCluster stops its TaskManager first. Without restarts that fails the
   * job, a terminal state in which Flink removes the job's HA data; and that cleanup races the
   * release of leadership (under CPU load its retry is dropped by an executor already shut down and
   * {@code close()} never returns). Restarting, the job is only suspended, and its HA data stays as
   * after a JobManager crash.
   */
  static Configuration miniClusterBase(String checkpointDir, String haStorageDir) {
    Configuration conf = new Configuration();
    conf.setString("high-availability.storageDir", haStorageDir);
    conf.setString("execution.checkpointing.dir", checkpointDir);
    conf.setString("execution.checkpointing.interval", "1 h");
    conf.setString(
        "execution.checkpointing.externalized-checkpoint-retention", "RETAIN_ON_CANCELLATION");
    conf.setString("execution.checkpointing.num-retained", "3");
    conf.setString("state.backend.type", "hashmap");
    conf.setString("restart-strategy.type", "fixed-delay");
    conf.setString("restart-strategy.fixed-delay.attempts", "1000");
    conf.setString("restart-strategy.fixed-delay.delay", "1 min");
    conf.setString("rest.port", "0");
    conf.setString("rest.address", "localhost");
    conf.setString("rest.bind-address", "localhost");
    conf.setString("web.refresh-interval", "100 ms");
    return conf;
  }

  static JobGraph statefulJob(JobID jobId) {
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
    return env.getStreamGraph().getJobGraph(ManualCheckpoints.class.getClassLoader(), jobId);
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
  long triggerCheckpoint(String rest, JobID jobId) throws Exception {
    long deadline = System.nanoTime() + BOUND.toNanos();
    while (true) {
      if (System.nanoTime() > deadline) {
        throw new AssertionError(
            "no checkpoint of "
                + jobId
                + " within "
                + BOUND
                + "; job: "
                + get(rest + "/jobs/" + jobId));
      }
      HttpResponse<String> trigger = post(rest + "/jobs/" + jobId + "/checkpoints", "{}");
      if (trigger.statusCode() / 100 == 2) {
        String requestId = JSON.readTree(trigger.body()).get("request-id").asText();
        while (System.nanoTime() < deadline) {
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
  JsonNode latestCompleted(String rest, JobID jobId, long id) throws Exception {
    long deadline = System.nanoTime() + BOUND.toNanos();
    while (true) {
      if (System.nanoTime() > deadline) {
        throw new AssertionError("REST statistics never showed checkpoint " + id);
      }
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
            HttpRequest.newBuilder(URI.create(url)).GET().timeout(BOUND).build(),
            HttpResponse.BodyHandlers.ofString());
    return response.statusCode() == 200 ? JSON.readTree(response.body()) : null;
  }

  private HttpResponse<String> post(String url, String body) throws Exception {
    return http.send(
        HttpRequest.newBuilder(URI.create(url))
            .header("Content-Type", "application/json")
            .POST(HttpRequest.BodyPublishers.ofString(body))
            .timeout(BOUND)
            .build(),
        HttpResponse.BodyHandlers.ofString());
  }
}
