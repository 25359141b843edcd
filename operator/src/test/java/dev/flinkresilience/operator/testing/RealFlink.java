package dev.flinkresilience.operator.testing;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentLinkedQueue;
import org.apache.flink.api.common.JobID;
import org.apache.flink.api.common.JobStatus;
import org.apache.flink.api.common.eventtime.WatermarkStrategy;
import org.apache.flink.api.common.functions.MapFunction;
import org.apache.flink.api.common.functions.OpenContext;
import org.apache.flink.api.common.functions.RichMapFunction;
import org.apache.flink.api.common.state.ValueState;
import org.apache.flink.api.common.state.ValueStateDescriptor;
import org.apache.flink.api.common.typeinfo.Types;
import org.apache.flink.api.connector.source.util.ratelimit.RateLimiterStrategy;
import org.apache.flink.configuration.Configuration;
import org.apache.flink.connector.datagen.source.DataGeneratorSource;
import org.apache.flink.runtime.jobgraph.JobGraph;
import org.apache.flink.runtime.jobgraph.SavepointRestoreSettings;
import org.apache.flink.runtime.minicluster.MiniCluster;
import org.apache.flink.runtime.minicluster.MiniClusterConfiguration;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;
import org.apache.flink.streaming.api.functions.sink.v2.DiscardingSink;

/**
 * A real Flink for tests: a MiniCluster with its REST endpoint, the jobs the tests run on it, and a
 * raw look at its REST API (not through the operator's client, which is what is under test).
 */
public final class RealFlink implements AutoCloseable {
  private static final ObjectMapper JSON = new ObjectMapper();

  /** What each run of {@link Count} saw: (number, count) pairs, by run label. */
  private static final Map<String, ConcurrentLinkedQueue<long[]>> SEEN = new ConcurrentHashMap<>();

  private final MiniCluster cluster;
  private final Configuration jobConfig;
  private final URI rest;
  private final HttpClient http = HttpClient.newHttpClient();

  private RealFlink(MiniCluster cluster, Configuration jobConfig) throws Exception {
    this.cluster = cluster;
    this.jobConfig = jobConfig;
    this.rest = cluster.getRestAddress().get();
  }

  /**
   * Starts a MiniCluster: checkpoints every {@code checkpointInterval} into {@code checkpointDir},
   * retained on cancellation as the operator renders it, and a bounded fixed-delay restart
   * strategy. REST statistics and metrics refresh every 100 ms (Flink's defaults are seconds).
   */
  public static RealFlink start(
      String checkpointDir, String checkpointInterval, int restartAttempts, String restartDelay)
      throws Exception {
    Configuration conf = new Configuration();
    conf.setString("execution.checkpointing.dir", checkpointDir);
    conf.setString("execution.checkpointing.interval", checkpointInterval);
    conf.setString(
        "execution.checkpointing.externalized-checkpoint-retention", "RETAIN_ON_CANCELLATION");
    conf.setString("execution.checkpointing.num-retained", "3");
    conf.setString("state.backend.type", "hashmap");
    conf.setString("restart-strategy.type", "fixed-delay");
    conf.setString("restart-strategy.fixed-delay.attempts", Integer.toString(restartAttempts));
    conf.setString("restart-strategy.fixed-delay.delay", restartDelay);
    conf.setString("rest.port", "0");
    conf.setString("rest.address", "127.0.0.1");
    conf.setString("rest.bind-address", "127.0.0.1");
    conf.setString("web.refresh-interval", "100 ms");
    conf.setString("metrics.fetcher.update-interval", "100 ms");
    MiniCluster cluster =
        new MiniCluster(
            new MiniClusterConfiguration.Builder()
                .setConfiguration(conf)
                .setNumTaskManagers(1)
                .setNumSlotsPerTaskManager(4)
                .build());
    cluster.start();
    // Checkpointing is part of the job graph, made from the job's environment, as a job's main
    // method would get it from the cluster's configuration.
    return new RealFlink(cluster, conf);
  }

  public URI rest() {
    return rest;
  }

  public int restPort() {
    return rest.getPort();
  }

  /**
   * Submits a stateful job: numbers 0, 1, 2, ... from a checkpointed source, keyed by {@code n %
   * 4}, each key counting its numbers in keyed state. With intact state, every number {@code n} is
   * counted as {@code n / 4 + 1}: lost state restarts the count, replayed state repeats it.
   */
  public void submitCounter(JobID id, String run, String restorePath) throws Exception {
    SEEN.put(run, new ConcurrentLinkedQueue<>());
    StreamExecutionEnvironment env = StreamExecutionEnvironment.getExecutionEnvironment(jobConfig);
    env.setParallelism(1);
    env.fromSource(
            new DataGeneratorSource<>(
                n -> n, Long.MAX_VALUE, RateLimiterStrategy.perSecond(200), Types.LONG),
            WatermarkStrategy.noWatermarks(),
            "numbers")
        .keyBy(n -> n % 4)
        .map(new Count(run))
        .sinkTo(new DiscardingSink<>());
    JobGraph graph = env.getStreamGraph().getJobGraph(RealFlink.class.getClassLoader(), id);
    if (restorePath != null) {
      graph.setSavepointRestoreSettings(SavepointRestoreSettings.forPath(restorePath, false));
    }
    cluster.submitJob(graph).get();
  }

  /** Submits a job whose every record throws: Flink restarts it until the strategy gives up. */
  public void submitFailing(JobID id) throws Exception {
    StreamExecutionEnvironment env = StreamExecutionEnvironment.getExecutionEnvironment(jobConfig);
    env.setParallelism(1);
    env.fromSource(
            new DataGeneratorSource<>(
                n -> n, Long.MAX_VALUE, RateLimiterStrategy.perSecond(10), Types.LONG),
            WatermarkStrategy.noWatermarks(),
            "numbers")
        .map(new AlwaysFails())
        .sinkTo(new DiscardingSink<>());
    cluster.submitJob(env.getStreamGraph().getJobGraph(RealFlink.class.getClassLoader(), id)).get();
  }

  public void cancel(JobID id) throws Exception {
    cluster.cancelJob(id).get();
    awaitStatus(id, JobStatus.CANCELED, Duration.ofSeconds(30));
  }

  public void awaitStatus(JobID id, JobStatus status, Duration within) throws Exception {
    long deadline = System.nanoTime() + within.toNanos();
    while (cluster.getJobStatus(id).get() != status) {
      if (System.nanoTime() > deadline) {
        throw new AssertionError("job " + id + " not " + status + " within " + within);
      }
      Thread.sleep(20);
    }
  }

  /** The (number, count) pairs {@code run} has processed so far. */
  /**
   * Waits until the counter job of {@code run} has processed {@code atLeast} records: its tasks
   * run. A job is RUNNING before its tasks are, and a savepoint triggered in between fails ("not
   * being executed at the moment").
   */
  public static List<long[]> awaitSeen(String run, int atLeast) throws InterruptedException {
    long deadline = System.nanoTime() + Duration.ofSeconds(30).toNanos();
    while (seen(run).size() < atLeast) {
      if (System.nanoTime() > deadline) {
        throw new AssertionError(run + " processed only " + seen(run).size());
      }
      Thread.sleep(20);
    }
    return seen(run);
  }

  public static List<long[]> seen(String run) {
    return List.copyOf(SEEN.getOrDefault(run, new ConcurrentLinkedQueue<>()));
  }

  /** GET on the REST API; null unless it answers 200. */
  public JsonNode get(String path) throws Exception {
    HttpResponse<String> response =
        http.send(
            HttpRequest.newBuilder(rest.resolve(path)).GET().timeout(Duration.ofSeconds(5)).build(),
            HttpResponse.BodyHandlers.ofString());
    return response.statusCode() == 200 ? JSON.readTree(response.body()) : null;
  }

  @Override
  public void close() throws Exception {
    cluster.close();
  }

  static final class AlwaysFails implements MapFunction<Long, Long> {
    @Override
    public Long map(Long n) {
      throw new IllegalStateException("this job always fails (test)");
    }
  }

  /** Counts per key in keyed state and records what it saw. */
  static final class Count extends RichMapFunction<Long, Long> {
    private final String run;
    private transient ValueState<Long> count;

    Count(String run) {
      this.run = run;
    }

    @Override
    public void open(OpenContext context) {
      count = getRuntimeContext().getState(new ValueStateDescriptor<>("count", Long.class));
    }

    @Override
    public Long map(Long n) throws Exception {
      long next = (count.value() == null ? 0 : count.value()) + 1;
      count.update(next);
      SEEN.computeIfAbsent(run, r -> new ConcurrentLinkedQueue<>()).add(new long[] {n, next});
      return next;
    }
  }
}
