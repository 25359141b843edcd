package dev.flinkresilience.operator.testing;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * A scripted Flink JobManager REST API for one job, on a JDK {@link HttpServer}: the test sets the
 * job's state, restarts and checkpoints, and switches on hostile answers. Bodies have the shape of
 * the answers recorded from Flink 2.3 ({@code src/test/resources/flink-rest/2.3}), trimmed to what
 * a client might read: the three calls the operator polls, {@code /jobs/overview}, and savepoint
 * operations (stops, savepoints that leave the job running, disposals).
 */
public final class FakeFlinkRest implements AutoCloseable {

  /** How the fake misbehaves. */
  public enum Failure {
    NONE,
    /** Holds the request without answering (until the mode changes or the fake closes). */
    HANG,
    /** 404 with Flink's NotFoundException body: the JobManager does not know the job. */
    NOT_FOUND,
    /** 500 with Flink's "Internal server error." body. */
    SERVER_ERROR,
    /** 200 with a body that is not JSON. */
    GARBAGE
  }

  /** A completed checkpoint or savepoint as Flink reports it. */
  public record Checkpoint(long id, String path, Instant completedAt) {
    public static Checkpoint at(String directory, String jobId, long id) {
      return new Checkpoint(
          id, directory + "/" + jobId + "/chk-" + id, Instant.parse("2026-11-21T12:00:00Z"));
    }
  }

  private static final ObjectMapper JSON = new ObjectMapper();
  private static final Duration LONGEST_HANG = Duration.ofSeconds(30);

  private final String jobId;
  private final ExecutorService handlers =
      Executors.newCachedThreadPool(
          r -> {
            Thread t = new Thread(r, "fake-flink-rest");
            t.setDaemon(true);
            return t;
          });
  private final AtomicInteger requests = new AtomicInteger();
  private volatile HttpServer server;
  private volatile int port;
  private volatile CountDownLatch hanging = new CountDownLatch(1);

  private volatile String jobState = "RUNNING";
  private volatile long restarts;
  private volatile Checkpoint latestCompleted;
  private volatile Checkpoint latestSavepoint;
  private volatile Checkpoint restored;
  private volatile Failure failure = Failure.NONE;
  private volatile Failure checkpointsFailure = Failure.NONE;

  /** Stop-with-savepoint requests received (their JSON bodies), in order. */
  private final java.util.List<String> stopRequests =
      new java.util.concurrent.CopyOnWriteArrayList<>();

  /** The stops Flink knows, by trigger id: how often each was read, and its target directory. */
  private final java.util.Map<String, String> stops =
      new java.util.concurrent.ConcurrentHashMap<>();

  private final java.util.Map<String, AtomicInteger> stopReads =
      new java.util.concurrent.ConcurrentHashMap<>();

  /** A stop's savepoint completes at this read of its status. */
  private volatile int savepointDoneAtRead = 3;

  /** Savepoint requests that leave the job running (their JSON bodies), in order. */
  private final java.util.List<String> savepointRequests =
      new java.util.concurrent.CopyOnWriteArrayList<>();

  /** Trigger ids of savepoints that leave the job running (the others are stops). */
  private final java.util.Set<String> keepRunning =
      java.util.concurrent.ConcurrentHashMap.newKeySet();

  /** Disposal requests (the savepoint paths), in order. */
  private final java.util.List<String> disposalRequests =
      new java.util.concurrent.CopyOnWriteArrayList<>();

  /** Flink's trigger id of each disposal, with the path it disposes. */
  private final java.util.Map<String, String> disposals =
      new java.util.concurrent.ConcurrentHashMap<>();

  /** Disposals that still fail before one succeeds. */
  private final AtomicInteger disposalsToFail = new AtomicInteger();

  private FakeFlinkRest(String jobId) {
    this.jobId = jobId;
  }

  /** Starts answering for {@code jobId} on a free port of the loopback address. */
  public static FakeFlinkRest start(String jobId) {
    FakeFlinkRest fake = new FakeFlinkRest(jobId);
    fake.listen(0);
    return fake;
  }

  public URI base() {
    return URI.create("http://127.0.0.1:" + port);
  }

  /** The job id it answers for. */
  public String jobId() {
    return jobId;
  }

  public int port() {
    return port;
  }

  /** Requests answered or held so far, for tests that wait for polls to happen. */
  public int requests() {
    return requests.get();
  }

  public FakeFlinkRest jobState(String state) {
    this.jobState = state;
    return this;
  }

  public FakeFlinkRest restarts(long count) {
    this.restarts = count;
    return this;
  }

  public FakeFlinkRest latestCompleted(Checkpoint checkpoint) {
    this.latestCompleted = checkpoint;
    return this;
  }

  /**
   * A new checkpoint completes in {@code directory}, its id one above every checkpoint and
   * savepoint so far (they share Flink's counter).
   */
  public synchronized FakeFlinkRest nextCheckpoint(String directory) {
    latestCompleted = Checkpoint.at(directory, jobId, nextId());
    return this;
  }

  /** As {@link #nextCheckpoint(String)}, completed at {@code completedAt}. */
  public synchronized FakeFlinkRest nextCheckpoint(String directory, Instant completedAt) {
    long id = nextId();
    latestCompleted = new Checkpoint(id, directory + "/" + jobId + "/chk-" + id, completedAt);
    return this;
  }

  private synchronized long nextId() {
    long id =
        Math.max(
            latestCompleted == null ? 0 : latestCompleted.id(),
            latestSavepoint == null ? 0 : latestSavepoint.id());
    return id + 1;
  }

  public FakeFlinkRest latestSavepoint(Checkpoint savepoint) {
    this.latestSavepoint = savepoint;
    return this;
  }

  public FakeFlinkRest restored(Checkpoint checkpoint) {
    this.restored = checkpoint;
    return this;
  }

  /** Every call misbehaves this way ({@code NONE} to recover). */
  public FakeFlinkRest fail(Failure mode) {
    this.failure = mode;
    releaseHung();
    return this;
  }

  /** Only {@code /jobs/:id/checkpoints} misbehaves (Flink answers 500 there while initializing). */
  public FakeFlinkRest failCheckpoints(Failure mode) {
    this.checkpointsFailure = mode;
    releaseHung();
    return this;
  }

  /** A stop's savepoint completes at the {@code read}th read of its status (3 by default). */
  public FakeFlinkRest savepointDoneAtRead(int read) {
    savepointDoneAtRead = read;
    return this;
  }

  /** Savepoint requests (job kept running) received so far (their JSON bodies). */
  public java.util.List<String> savepointRequests() {
    return java.util.List.copyOf(savepointRequests);
  }

  /** The paths of the disposal requests received so far, in order. */
  public java.util.List<String> disposalRequests() {
    return java.util.List.copyOf(disposalRequests);
  }

  /** The next {@code count} disposals fail, as Flink does when the storage refuses. */
  public FakeFlinkRest failDisposals(int count) {
    disposalsToFail.set(count);
    return this;
  }

  /** Stop-with-savepoint requests received so far (their JSON bodies). */
  public java.util.List<String> stopRequests() {
    return java.util.List.copyOf(stopRequests);
  }

  /** Where the stop {@code triggerId} writes its savepoint, as Flink names it. */
  public String savepointPath(String triggerId) {
    String target = stops.get(triggerId);
    return target == null
        ? null
        : target + "/savepoint-" + jobId.substring(0, 6) + "-" + triggerId.substring(0, 12);
  }

  /** Stops listening: calls are refused, as by a JobManager whose process is gone. */
  public void down() {
    HttpServer s = server;
    if (s != null) {
      s.stop(0);
      server = null;
    }
  }

  /** Listens again on the same port (the pod's address does not change). */
  public void up() {
    if (server == null) {
      listen(port);
    }
  }

  @Override
  public void close() {
    down();
    releaseHung();
    handlers.shutdownNow();
  }

  private void listen(int onPort) {
    try {
      HttpServer s =
          HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), onPort), 50);
      s.setExecutor(handlers); // many threads: a held request must not hold the others
      s.createContext("/", this::handle);
      s.start();
      server = s;
      port = s.getAddress().getPort();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  private void releaseHung() {
    CountDownLatch old = hanging;
    hanging = new CountDownLatch(1);
    old.countDown();
  }

  private void handle(HttpExchange exchange) throws IOException {
    requests.incrementAndGet();
    try (exchange) {
      String path = exchange.getRequestURI().getPath();
      String query = exchange.getRequestURI().getQuery();
      String prefix = "/jobs/" + jobId;
      if (path.equals("/jobs/overview")) {
        answer(exchange, failure, this::overview);
      } else if (path.equals(prefix)) {
        answer(exchange, failure, this::job);
      } else if (path.equals(prefix + "/checkpoints")) {
        answer(exchange, worse(failure, checkpointsFailure), this::checkpoints);
      } else if (path.equals(prefix + "/metrics") && "get=numRestarts".equals(query)) {
        answer(exchange, failure, this::restartsMetric);
      } else if (path.equals(prefix + "/stop") && "POST".equals(exchange.getRequestMethod())) {
        stop(exchange);
      } else if (path.equals(prefix + "/savepoints")
          && "POST".equals(exchange.getRequestMethod())) {
        triggerSavepoint(exchange);
      } else if (path.equals("/savepoint-disposal") && "POST".equals(exchange.getRequestMethod())) {
        dispose(exchange);
      } else if (path.startsWith("/savepoint-disposal/")) {
        disposalStatus(exchange, path.substring("/savepoint-disposal/".length()));
      } else if (path.startsWith(prefix + "/savepoints/")) {
        savepointStatus(exchange, path.substring((prefix + "/savepoints/").length()));
      } else if (path.startsWith("/jobs/")) {
        send(exchange, 404, notFound(path));
      } else {
        send(exchange, 404, "{\"errors\":[\"Not found: " + path + "\"]}");
      }
    }
  }

  /** Like Flink: one stop per trigger id, however often it is sent. */
  private void stop(HttpExchange exchange) throws IOException {
    String body = new String(exchange.getRequestBody().readAllBytes(), StandardCharsets.UTF_8);
    stopRequests.add(body);
    var request = JSON.readTree(body);
    String trigger = request.path("triggerId").asText();
    stops.putIfAbsent(trigger, request.path("targetDirectory").asText());
    stopReads.putIfAbsent(trigger, new AtomicInteger());
    send(exchange, 202, "{\"request-id\":\"" + trigger + "\"}");
  }

  /** Like Flink: one savepoint per trigger id, however often it is sent; the job runs on. */
  private void triggerSavepoint(HttpExchange exchange) throws IOException {
    String body = new String(exchange.getRequestBody().readAllBytes(), StandardCharsets.UTF_8);
    savepointRequests.add(body);
    var request = JSON.readTree(body);
    String trigger = request.path("triggerId").asText();
    keepRunning.add(trigger);
    stops.putIfAbsent(trigger, request.path("target-directory").asText());
    stopReads.putIfAbsent(trigger, new AtomicInteger());
    send(exchange, 202, "{\"request-id\":\"" + trigger + "\"}");
  }

  private void dispose(HttpExchange exchange) throws IOException {
    String body = new String(exchange.getRequestBody().readAllBytes(), StandardCharsets.UTF_8);
    String path = JSON.readTree(body).path("savepoint-path").asText();
    disposalRequests.add(path);
    String trigger = java.util.UUID.randomUUID().toString().replace("-", "");
    disposals.put(trigger, disposalsToFail.getAndUpdate(n -> Math.max(0, n - 1)) > 0 ? "!" : path);
    send(exchange, 202, "{\"request-id\":\"" + trigger + "\"}");
  }

  private void disposalStatus(HttpExchange exchange, String trigger) throws IOException {
    String path = disposals.get(trigger);
    if (path == null) {
      send(exchange, 404, "{\"errors\":[\"Operation not found under key: " + trigger + "\"]}");
    } else if (path.equals("!")) {
      send(
          exchange,
          200,
          "{\"status\":{\"id\":\"COMPLETED\"},\"operation\":{\"failure-cause\":{\"class\":"
              + "\"java.io.IOException\",\"stack-trace\":\"java.io.IOException: scripted"
              + " permission denied\\n\\tat x\",\"serialized-throwable\":\"\"}}}");
    } else {
      send(exchange, 200, "{\"status\":{\"id\":\"COMPLETED\"},\"operation\":{}}");
    }
  }

  private void savepointStatus(HttpExchange exchange, String trigger) throws IOException {
    AtomicInteger reads = stopReads.get(trigger);
    if (reads == null) {
      send(
          exchange,
          404,
          "{\"errors\":[\"There is no savepoint operation with triggerId=" + trigger + "\"]}");
      return;
    }
    if (reads.incrementAndGet() < savepointDoneAtRead) {
      send(exchange, 200, "{\"status\":{\"id\":\"IN_PROGRESS\"},\"operation\":null}");
      return;
    }
    if (keepRunning.contains(trigger)) {
      Checkpoint done = latestSavepoint;
      if (done == null || !done.path().equals(savepointPath(trigger))) {
        latestSavepoint = new Checkpoint(nextId(), savepointPath(trigger), Instant.now());
      }
    } else {
      jobState = "FINISHED"; // a stop with a savepoint ends the job
    }
    send(
        exchange,
        200,
        "{\"status\":{\"id\":\"COMPLETED\"},\"operation\":{\"location\":\""
            + savepointPath(trigger)
            + "\"}}");
  }

  private static Failure worse(Failure all, Failure one) {
    return all != Failure.NONE ? all : one;
  }

  private void answer(HttpExchange exchange, Failure mode, java.util.function.Supplier<Object> ok)
      throws IOException {
    switch (mode) {
      case HANG:
        hang();
        send(exchange, 503, "{\"errors\":[\"released\"]}");
        return;
      case NOT_FOUND:
        send(exchange, 404, notFound(exchange.getRequestURI().getPath()));
        return;
      case SERVER_ERROR:
        send(
            exchange,
            500,
            "{\"errors\":[\"Internal server error.\",\"<Exception on server side:\\n"
                + "java.util.concurrent.CompletionException: scripted failure>\"]}");
        return;
      case GARBAGE:
        send(exchange, 200, "<html><body>502 Bad Gateway</body></html>{\"state\":");
        return;
      default:
        send(exchange, 200, JSON.writeValueAsString(ok.get()));
    }
  }

  private void hang() {
    try {
      hanging.await(LONGEST_HANG.toMillis(), TimeUnit.MILLISECONDS);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }

  private String notFound(String path) {
    return "{\"errors\":[\"org.apache.flink.runtime.rest.NotFoundException: Job "
        + jobId
        + " not found\\n\\tat org.apache.flink.runtime.rest.handler.job."
        + "AbstractExecutionGraphHandler.lambda$handleRequest$1(AbstractExecutionGraphHandler"
        + ".java:99)\"]}";
  }

  private static void send(HttpExchange exchange, int status, String body) throws IOException {
    byte[] bytes = body.getBytes(StandardCharsets.UTF_8);
    exchange.getResponseHeaders().set("Content-Type", "application/json; charset=UTF-8");
    exchange.sendResponseHeaders(status, bytes.length);
    try (OutputStream out = exchange.getResponseBody()) {
      out.write(bytes);
    } catch (IOException clientGone) {
      // The client timed out and closed the connection: nothing to answer any more.
    }
  }

  private Object overview() {
    ObjectNode root = JSON.createObjectNode();
    ObjectNode job = root.putArray("jobs").addObject();
    job.put("jid", jobId).put("name", "scripted").put("jobType", "STREAMING");
    job.put("start-time", 1795245802817L).put("end-time", -1).put("state", jobState);
    return root;
  }

  /** {@code GET /jobs/:id}, as in {@code job-running.json}. */
  private Object job() {
    long now = System.currentTimeMillis();
    ObjectNode job = JSON.createObjectNode();
    job.put("jid", jobId).put("application-id", jobId).put("name", "scripted");
    job.put("isStoppable", false).put("state", jobState).put("job-type", "STREAMING");
    job.put("schedulerType", "Default").put("start-time", now - 60_000).put("end-time", -1);
    job.put("duration", 60_000).put("maxParallelism", -1).put("now", now);
    ObjectNode timestamps = job.putObject("timestamps");
    for (String state :
        new String[] {"CREATED", "INITIALIZING", "RUNNING", "RESTARTING", "FAILED", "CANCELED"}) {
      timestamps.put(state, state.equals(jobState) || state.equals("CREATED") ? now - 60_000 : 0);
    }
    job.putArray("vertices");
    return job;
  }

  /** {@code GET /jobs/:id/checkpoints}, as in {@code checkpoints-restored-then-completed.json}. */
  private Object checkpoints() {
    Checkpoint completed = latestCompleted;
    Checkpoint savepoint = latestSavepoint;
    Checkpoint restoredFrom = restored;
    ObjectNode root = JSON.createObjectNode();
    long count = completed == null ? 0 : completed.id();
    ObjectNode counts = root.putObject("counts");
    counts.put("restored", restoredFrom == null ? 0 : 1).put("total", count);
    counts.put("in_progress", 0).put("completed", count).put("failed", 0);
    root.putObject("summary");
    ObjectNode latest = root.putObject("latest");
    latest.set("completed", completed == null ? null : completedNode(completed, false));
    latest.set("savepoint", savepoint == null ? null : completedNode(savepoint, true));
    latest.putNull("failed");
    if (restoredFrom == null) {
      latest.putNull("restored");
    } else {
      ObjectNode r = latest.putObject("restored");
      r.put("id", restoredFrom.id()).put("restore_timestamp", System.currentTimeMillis());
      r.put("is_savepoint", false).put("external_path", restoredFrom.path());
    }
    ArrayNode history = root.putArray("history");
    if (completed != null) {
      history.add(completedNode(completed, false));
    }
    return root;
  }

  private static ObjectNode completedNode(Checkpoint c, boolean savepoint) {
    long at = c.completedAt().toEpochMilli();
    ObjectNode n = JSON.createObjectNode();
    n.put("className", "completed").put("id", c.id()).put("status", "COMPLETED");
    n.put("is_savepoint", savepoint);
    if (savepoint) {
      n.put("savepointFormat", "CANONICAL");
    } else {
      n.putNull("savepointFormat");
    }
    n.put("trigger_timestamp", at - 20).put("latest_ack_timestamp", at);
    n.put("checkpointed_size", 1980).put("state_size", 1980).put("end_to_end_duration", 20);
    n.put("num_subtasks", 2).put("num_acknowledged_subtasks", 2);
    n.put("checkpoint_type", savepoint ? "SAVEPOINT" : "CHECKPOINT");
    n.putObject("tasks");
    n.put("external_path", c.path()).put("discarded", false);
    return n;
  }

  /** {@code GET /jobs/:id/metrics?get=numRestarts}, as in {@code metrics-numRestarts.json}. */
  private Object restartsMetric() {
    ArrayNode metrics = JSON.createArrayNode();
    metrics.addObject().put("id", "numRestarts").put("value", Long.toString(restarts));
    return metrics;
  }
}
