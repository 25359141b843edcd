package dev.flinkresilience.recorder;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Predicate;
import org.apache.flink.api.common.functions.OpenContext;
import org.apache.flink.api.common.functions.RichMapFunction;
import org.apache.flink.api.common.state.ValueState;
import org.apache.flink.api.common.state.ValueStateDescriptor;
import org.apache.flink.configuration.Configuration;
import org.apache.flink.core.execution.JobClient;
import org.apache.flink.runtime.minicluster.MiniCluster;
import org.apache.flink.runtime.util.EnvironmentInformation;
import org.apache.flink.runtime.minicluster.MiniClusterConfiguration;
import org.apache.flink.runtime.state.FunctionInitializationContext;
import org.apache.flink.runtime.state.FunctionSnapshotContext;
import org.apache.flink.streaming.api.checkpoint.CheckpointedFunction;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;
import org.apache.flink.streaming.api.functions.sink.v2.DiscardingSink;

/**
 * Records real answers of Flink's REST API into JSON files, one per interesting moment of a job's
 * life, plus {@code index.tsv} naming the request and HTTP status of each. Uses only API that
 * Flink 1.20 and 2.x share, and string config keys, so one source compiles against both.
 */
public final class RecordFlinkRest {

  private static final ObjectMapper JSON = new ObjectMapper();
  private static final HttpClient HTTP =
      HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();

  private final Path out;
  private final List<String> index = new ArrayList<>();
  private URI rest;

  private RecordFlinkRest(Path out) {
    this.out = out;
  }

  public static void main(String[] args) throws Exception {
    // One folder per minor version (1.20, 2.3): patch releases do not change the REST answers.
    String version = EnvironmentInformation.getVersion();
    String minor = version.replaceAll("^(\\d+\\.\\d+).*", "$1");
    Path out = Path.of(args[0]).resolve(minor);
    Files.createDirectories(out);
    new RecordFlinkRest(out).run();
    System.out.println("Recorded into " + out.toAbsolutePath().normalize());
    // MiniCluster leaves non-daemon threads behind in some versions.
    System.exit(0);
  }

  private void run() throws Exception {
    index.add("# recorded from Flink " + EnvironmentInformation.getVersion() + " MiniCluster");
    index.add("# file\tstatus\tmethod\tpath");
    Path work = Files.createTempDirectory("flink-rest-recorder");
    String checkpoints = work.resolve("checkpoints").toUri().toString();
    String savepoints = work.resolve("savepoints").toUri().toString();

    Map<String, String> cluster = baseClusterConfig();
    cluster.put("execution.checkpointing.dir", checkpoints);
    try (MiniCluster mini = start(cluster)) {
      recordLifecycle(checkpoints, savepoints);
      recordFailingCheckpoints();
      recordFailingJob();
      recordUnknownJob();
      record("overview", "/jobs/overview");
      record("config", "/config");
    }

    // A cluster with no checkpoint directory keeps checkpoints in JobManager memory only: Flink
    // reports them with external_path "<checkpoint-not-externally-addressable>".
    index.add("# second MiniCluster: no checkpoint directory (jobmanager checkpoint storage)");
    Map<String, String> memoryOnly = baseClusterConfig();
    memoryOnly.put("execution.checkpointing.storage", "jobmanager");
    try (MiniCluster mini = start(memoryOnly)) {
      Map<String, String> job = new HashMap<>();
      job.put("execution.checkpointing.interval", "300 ms");
      String id = submit("memory-only-checkpoints", job, false);
      awaitJson("/jobs/" + id + "/checkpoints", n -> n.path("counts").path("completed").asInt() >= 1);
      record("checkpoints-not-addressable", "/jobs/" + id + "/checkpoints");
      cancel(id);
    }
    Files.write(out.resolve("index.tsv"), (String.join("\n", index) + "\n").getBytes(UTF8));
  }

  private static final java.nio.charset.Charset UTF8 = StandardCharsets.UTF_8;

  private static Map<String, String> baseClusterConfig() {
    Map<String, String> conf = new HashMap<>();
    conf.put("rest.bind-port", "0");
    conf.put("rest.address", "127.0.0.1");
    conf.put("rest.bind-address", "127.0.0.1");
    // Fresh answers quickly: the REST layer caches execution graphs and fetches metrics lazily.
    conf.put("web.refresh-interval", "100");
    conf.put("metrics.fetcher.update-interval", "100");
    conf.put("restart-strategy.type", "fixed-delay");
    conf.put("restart-strategy.fixed-delay.attempts", "2");
    conf.put("restart-strategy.fixed-delay.delay", "1 s");
    return conf;
  }

  private MiniCluster start(Map<String, String> conf) throws Exception {
    MiniCluster mini =
        new MiniCluster(
            new MiniClusterConfiguration.Builder()
                .setConfiguration(Configuration.fromMap(conf))
                .setNumTaskManagers(1)
                .setNumSlotsPerTaskManager(4)
                .build());
    mini.start();
    rest = mini.getRestAddress().get();
    index.add("# Flink REST at " + rest + " (host and port vary per run)");
    return mini;
  }

  /** Checkpointing job: before checkpoints, completed ones, a savepoint, cancel, restore. */
  private void recordLifecycle(String checkpointDir, String savepointDir) throws Exception {
    record("overview-empty", "/jobs/overview");
    Map<String, String> job = new HashMap<>();
    job.put("execution.checkpointing.interval", "1 s");
    job.put("execution.checkpointing.externalized-checkpoint-retention", "RETAIN_ON_CANCELLATION");
    job.put("execution.checkpointing.dir", checkpointDir);
    String id = submit("stateful-counter", job, false);

    // As soon as the job exists, before it runs and before its first checkpoint.
    record("job-at-submit", "/jobs/" + id);
    record("checkpoints-at-submit", "/jobs/" + id + "/checkpoints");
    record("metrics-numRestarts-unfetched", "/jobs/" + id + "/metrics?get=numRestarts");
    awaitJson("/jobs/" + id, n -> "RUNNING".equals(n.path("state").asText()));
    record("job-running", "/jobs/" + id);
    awaitJson("/jobs/" + id + "/metrics?get=numRestarts", n -> n.size() > 0);
    record("metrics-numRestarts", "/jobs/" + id + "/metrics?get=numRestarts");
    awaitJson("/jobs/" + id + "/checkpoints", n -> n.path("counts").path("completed").asInt() >= 2);
    record("checkpoints-completed", "/jobs/" + id + "/checkpoints");

    String trigger =
        "{\"target-directory\":\"" + savepointDir + "\",\"cancel-job\":false}";
    JsonNode triggered = post("savepoint-trigger", "/jobs/" + id + "/savepoints", trigger);
    String triggerId = triggered.path("request-id").asText();
    awaitJson(
        "/jobs/" + id + "/savepoints/" + triggerId,
        n -> "COMPLETED".equals(n.path("status").path("id").asText()));
    record("savepoint-status-completed", "/jobs/" + id + "/savepoints/" + triggerId);
    awaitJson(
        "/jobs/" + id + "/checkpoints", n -> !n.path("latest").path("savepoint").isNull());
    record("checkpoints-after-savepoint", "/jobs/" + id + "/checkpoints");

    // Restore from a checkpoint (not the savepoint): wait for one newer than the savepoint.
    long savepointId =
        get("/jobs/" + id + "/checkpoints").path("latest").path("savepoint").path("id").asLong();
    JsonNode later =
        awaitJson(
            "/jobs/" + id + "/checkpoints",
            n -> n.path("latest").path("completed").path("id").asLong() > savepointId);
    cancel(id);
    record("job-canceled", "/jobs/" + id);
    String path = later.path("latest").path("completed").path("external_path").asText();

    Map<String, String> restored = new HashMap<>(job);
    restored.put("execution.state-recovery.path", path);
    String second = submit("stateful-counter-restored", restored, false);
    awaitJson(
        "/jobs/" + second + "/checkpoints", n -> !n.path("latest").path("restored").isNull());
    record("checkpoints-restored", "/jobs/" + second + "/checkpoints");
    awaitJson(
        "/jobs/" + second + "/checkpoints",
        n -> n.path("counts").path("completed").asInt() >= 1);
    record("checkpoints-restored-then-completed", "/jobs/" + second + "/checkpoints");
    cancel(second);
  }

  /** A job whose operator refuses every snapshot: checkpoints fail, the job keeps running. */
  private void recordFailingCheckpoints() throws Exception {
    Map<String, String> job = new HashMap<>();
    job.put("execution.checkpointing.interval", "300 ms");
    job.put("execution.checkpointing.tolerable-failed-checkpoints", "1000");
    String id = submit("refuses-snapshots", job, false, true);
    awaitJson("/jobs/" + id + "/checkpoints", n -> !n.path("latest").path("failed").isNull());
    record("checkpoints-failed", "/jobs/" + id + "/checkpoints");
    cancel(id);
  }

  /** A job that throws: RESTARTING twice under fixed-delay(2 attempts), then FAILED. */
  private void recordFailingJob() throws Exception {
    String id = submit("always-failing", new HashMap<>(), true);
    awaitJson("/jobs/" + id, n -> "RESTARTING".equals(n.path("state").asText()));
    record("job-restarting", "/jobs/" + id);
    awaitJson("/jobs/" + id, n -> "FAILED".equals(n.path("state").asText()));
    record("job-failed", "/jobs/" + id);
    record("checkpoints-disabled", "/jobs/" + id + "/checkpoints");
    awaitJson(
        "/jobs/" + id + "/metrics?get=numRestarts",
        n -> n.size() > 0 && n.get(0).path("value").asInt() >= 2);
    record("metrics-numRestarts-failed", "/jobs/" + id + "/metrics?get=numRestarts");
  }

  private void recordUnknownJob() throws Exception {
    String unknown = "00000000000000000000000000000bad";
    record("job-unknown", "/jobs/" + unknown);
    record("checkpoints-unknown", "/jobs/" + unknown + "/checkpoints");
    record("metrics-unknown", "/jobs/" + unknown + "/metrics?get=numRestarts");
  }

  private String submit(String name, Map<String, String> conf, boolean failing) throws Exception {
    return submit(name, conf, failing, false);
  }

  private String submit(
      String name, Map<String, String> conf, boolean failing, boolean refuseSnapshots)
      throws Exception {
    StreamExecutionEnvironment env =
        StreamExecutionEnvironment.createRemoteEnvironment(
            rest.getHost(), rest.getPort(), Configuration.fromMap(conf));
    env.setParallelism(1);
    env.fromSequence(0, Long.MAX_VALUE)
        .map(new Throttle(failing))
        .keyBy(n -> n % 4)
        .map(refuseSnapshots ? new RefuseSnapshots() : new CountPerKey())
        .sinkTo(new DiscardingSink<>());
    JobClient client = env.executeAsync(name);
    String id = client.getJobID().toHexString();
    index.add("# job " + name + " = " + id);
    return id;
  }

  private void cancel(String id) throws Exception {
    HttpRequest patch =
        HttpRequest.newBuilder(rest.resolve("/jobs/" + id + "?mode=cancel"))
            .method("PATCH", HttpRequest.BodyPublishers.noBody())
            .build();
    HTTP.send(patch, HttpResponse.BodyHandlers.discarding());
    awaitJson("/jobs/" + id, n -> "CANCELED".equals(n.path("state").asText()));
  }

  private JsonNode awaitJson(String path, Predicate<JsonNode> done) throws Exception {
    long deadline = System.nanoTime() + Duration.ofSeconds(60).toNanos();
    while (System.nanoTime() < deadline) {
      HttpResponse<byte[]> answer = send(path);
      if (answer.statusCode() == 200) {
        JsonNode node = JSON.readTree(answer.body());
        if (done.test(node)) {
          return node;
        }
      }
      Thread.sleep(50);
    }
    throw new IllegalStateException("gave up waiting on " + path);
  }

  private JsonNode get(String path) throws Exception {
    return JSON.readTree(send(path).body());
  }

  private void record(String name, String path) throws Exception {
    save(name, "GET", path, send(path));
  }

  private JsonNode post(String name, String path, String body) throws Exception {
    HttpRequest request =
        HttpRequest.newBuilder(rest.resolve(path))
            .header("Content-Type", "application/json")
            .POST(HttpRequest.BodyPublishers.ofString(body))
            .build();
    HttpResponse<byte[]> answer = HTTP.send(request, HttpResponse.BodyHandlers.ofByteArray());
    save(name, "POST", path, answer);
    return JSON.readTree(answer.body());
  }

  private HttpResponse<byte[]> send(String path) throws IOException, InterruptedException {
    HttpRequest request =
        HttpRequest.newBuilder(rest.resolve(path)).timeout(Duration.ofSeconds(10)).build();
    return HTTP.send(request, HttpResponse.BodyHandlers.ofByteArray());
  }

  /** The body exactly as Flink sent it: the tests must see real bytes, not a re-serialization. */
  private void save(String name, String method, String path, HttpResponse<byte[]> answer)
      throws IOException {
    Files.write(out.resolve(name + ".json"), answer.body());
    index.add(name + ".json\t" + answer.statusCode() + "\t" + method + "\t" + path);
    System.out.println(answer.statusCode() + " " + method + " " + path + " -> " + name);
  }

  /** Slows the source so two cores are enough; the failing variant throws after a moment. */
  static final class Throttle extends RichMapFunction<Long, Long> {
    private final boolean failing;
    private transient long started;

    Throttle(boolean failing) {
      this.failing = failing;
    }

    @Override
    public void open(OpenContext context) {
      started = System.currentTimeMillis();
    }

    @Override
    public Long map(Long value) throws Exception {
      Thread.sleep(10);
      if (failing && System.currentTimeMillis() - started > 300) {
        throw new IllegalStateException("recorder: this job fails on purpose");
      }
      return value;
    }
  }

  /** Throws from every snapshot, so the task declines the checkpoint and Flink records it failed. */
  static final class RefuseSnapshots extends RichMapFunction<Long, Long>
      implements CheckpointedFunction {
    @Override
    public Long map(Long value) {
      return value;
    }

    @Override
    public void snapshotState(FunctionSnapshotContext context) {
      throw new IllegalStateException("recorder: this operator refuses snapshots on purpose");
    }

    @Override
    public void initializeState(FunctionInitializationContext context) {}
  }

  /** Keyed state so checkpoints carry something and a restore has state to restore. */
  static final class CountPerKey extends RichMapFunction<Long, Long> {
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
}
