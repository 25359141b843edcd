package dev.flinkresilience.local.bench;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Collection;
import java.util.Map;
import java.util.Queue;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.LongAdder;
import java.util.function.Function;

/**
 * Flink's REST API for every job of the scale benchmark, on one loopback port: the operator runs
 * with {@code --jobmanager-address TEMPLATE} and the template {@link #urlTemplate()}, so job {@code
 * ns/name} is served under {@code /ns/name/}. Each job is RUNNING, a checkpoint completes every
 * {@code interval} (the jobs spread over it, as real ones do), and {@code numRestarts} counts its
 * recoveries. The four calls the operator polls only, with bodies of the shape Flink 2.3 answers
 * (see the operator's {@code FakeFlinkRest}), written by hand: the fake shares the machine with the
 * operator it measures and must cost little.
 *
 * <p>A job taken {@link #down} hangs every call (held without an answer, as a JobManager on a dead
 * node: no refusal, the caller waits out its timeout); {@link #up} answers again, restored from the
 * newest checkpoint as Flink's HA does.
 */
final class FakeFlinkFleet implements AutoCloseable {
  /**
   * How long a call to a job that is down is held before its socket is dropped: longer than the
   * operator's REST call timeout (3 s by default), so the caller always gives up first, as with a
   * JobManager on a dead node, but no longer. A dead node costs its callers nothing on its side;
   * this process pays a socket per held call, and a job that is down is called again about every 3
   * s. Held for 60 s, the 340 jobs of a 1,000-job node loss kept 5,236 sockets open here at the
   * peak (and this process busy with them while the operator released their pods); at 5,000 jobs it
   * would pass the process's limit of open files (20,000 on the benchmark machine).
   */
  private static final Duration LONGEST_HANG = Duration.ofSeconds(10);

  /** One job as its JobManager would report it. */
  private static final class Job {
    final long phaseMillis;
    volatile String jobId;
    volatile boolean down;
    volatile long restoredId;
    volatile long restarts;

    Job(long phaseMillis) {
      this.phaseMillis = phaseMillis;
    }
  }

  /** A call held without an answer, and since when. */
  private record Held(HttpExchange exchange, String job, long since) {}

  private final long startedMillis = System.currentTimeMillis();
  private final long intervalMillis;
  private final Function<String, String> checkpointDirectory;
  private final Map<String, Job> jobs = new ConcurrentHashMap<>();
  private final Queue<Held> held = new ConcurrentLinkedQueue<>();
  private final LongAdder requests = new LongAdder();
  private final ExecutorService handlers;
  private final HttpServer server;

  /**
   * @param interval how often each job completes a checkpoint
   * @param checkpointDirectory the {@code checkpointing.directory} of job {@code ns/name}
   */
  FakeFlinkFleet(Duration interval, Function<String, String> checkpointDirectory) {
    this.intervalMillis = interval.toMillis();
    this.checkpointDirectory = checkpointDirectory;
    this.handlers =
        Executors.newFixedThreadPool(
            4,
            r -> {
              Thread t = new Thread(r, "fake-flink-fleet");
              t.setDaemon(true);
              return t;
            });
    try {
      server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 512);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    server.setExecutor(handlers);
    server.createContext("/", this::handle);
    server.start();
  }

  /** The operator's {@code --jobmanager-url-template}. */
  String urlTemplate() {
    return "http://127.0.0.1:" + server.getAddress().getPort() + "/{namespace}/{name}";
  }

  /** Calls received so far, answered or held. */
  long requests() {
    return requests.sum();
  }

  /** These jobs' JobManagers stop answering: every call hangs. */
  void down(Collection<String> keys) {
    keys.forEach(k -> job(k).down = true);
  }

  /**
   * The job's new JobManager runs: it answers again, restored from its newest checkpoint, one
   * restart more. Whatever was held for it is dropped, as the old JobManager's sockets are.
   */
  void up(String key) {
    Job job = job(key);
    if (job.down) {
      job.restoredId = latestId(job, System.currentTimeMillis());
      job.restarts++;
      job.down = false;
      held.removeIf(
          h -> {
            if (h.job().equals(key)) {
              h.exchange().close();
              return true;
            }
            return false;
          });
    }
  }

  boolean isDown(String key) {
    Job job = jobs.get(key);
    return job != null && job.down;
  }

  private Job job(String key) {
    // Spread the jobs' checkpoints over the interval, as independent jobs are.
    return jobs.computeIfAbsent(
        key, k -> new Job(Math.floorMod(k.hashCode(), Math.max(1, intervalMillis))));
  }

  /** The newest checkpoint: one at the start, then one per interval. */
  private long latestId(Job job, long now) {
    return 1 + Math.max(0, (now - startedMillis - job.phaseMillis) / intervalMillis);
  }

  private void handle(HttpExchange exchange) throws IOException {
    requests.increment();
    dropOldHolds();
    // /<namespace>/<name>/jobs/...
    String path = exchange.getRequestURI().getPath();
    String[] parts = path.split("/", 5);
    if (parts.length < 5 || !"jobs".equals(parts[3])) {
      send(exchange, 404, "{\"errors\":[\"Not found: " + path + "\"]}");
      return;
    }
    String key = parts[1] + "/" + parts[2];
    Job job = job(key);
    if (job.down) {
      held.add(new Held(exchange, key, System.currentTimeMillis()));
      return; // no answer, the connection stays open
    }
    String rest = parts[4];
    String query = exchange.getRequestURI().getQuery();
    long now = System.currentTimeMillis();
    if (rest.equals("overview")) {
      String id = job.jobId == null ? "00000000000000000000000000000000" : job.jobId;
      send(
          exchange,
          200,
          "{\"jobs\":[{\"jid\":\""
              + id
              + "\",\"name\":\"scale\",\"state\":\"RUNNING\",\"start-time\":"
              + startedMillis
              + ",\"end-time\":-1}]}");
      return;
    }
    int slash = rest.indexOf('/');
    String jobId = slash < 0 ? rest : rest.substring(0, slash);
    String call = slash < 0 ? "" : rest.substring(slash + 1);
    job.jobId = jobId;
    switch (call) {
      case "" -> send(exchange, 200, details(jobId, now));
      case "checkpoints" -> send(exchange, 200, checkpoints(key, job, jobId, now));
      case "checkpoints/config" ->
          send(exchange, 200, "{\"mode\":\"exactly_once\",\"interval\":" + intervalMillis + "}");
      case "metrics" ->
          send(
              exchange,
              200,
              "get=numRestarts".equals(query)
                  ? "[{\"id\":\"numRestarts\",\"value\":\"" + job.restarts + "\"}]"
                  : "[]");
      default -> send(exchange, 404, "{\"errors\":[\"Not found: " + path + "\"]}");
    }
  }

  private String details(String jobId, long now) {
    return "{\"jid\":\""
        + jobId
        + "\",\"name\":\"scale\",\"isStoppable\":false,\"state\":\"RUNNING\","
        + "\"job-type\":\"STREAMING\",\"start-time\":"
        + startedMillis
        + ",\"end-time\":-1,\"duration\":"
        + (now - startedMillis)
        + ",\"now\":"
        + now
        + ",\"timestamps\":{\"CREATED\":"
        + startedMillis
        + ",\"INITIALIZING\":"
        + startedMillis
        + ",\"RUNNING\":"
        + startedMillis
        + ",\"RESTARTING\":0,\"FAILED\":0,\"CANCELED\":0},\"vertices\":[]}";
  }

  private String checkpoints(String key, Job job, String jobId, long now) {
    long id = latestId(job, now);
    long completedAt = startedMillis + job.phaseMillis + (id - 1) * intervalMillis;
    String directory = checkpointDirectory.apply(key) + "/" + jobId;
    String completed =
        "{\"className\":\"completed\",\"id\":"
            + id
            + ",\"status\":\"COMPLETED\",\"is_savepoint\":false,\"savepointFormat\":null,"
            + "\"trigger_timestamp\":"
            + (completedAt - 20)
            + ",\"latest_ack_timestamp\":"
            + completedAt
            + ",\"checkpointed_size\":1980,\"state_size\":1980,\"end_to_end_duration\":20,"
            + "\"num_subtasks\":2,\"num_acknowledged_subtasks\":2,"
            + "\"checkpoint_type\":\"CHECKPOINT\",\"tasks\":{},\"external_path\":\""
            + directory
            + "/chk-"
            + id
            + "\",\"discarded\":false}";
    long restored = job.restoredId;
    String restoredNode =
        restored == 0
            ? "null"
            : "{\"id\":"
                + restored
                + ",\"restore_timestamp\":"
                + now
                + ",\"is_savepoint\":false,\"external_path\":\""
                + directory
                + "/chk-"
                + restored
                + "\"}";
    return "{\"counts\":{\"restored\":"
        + (restored == 0 ? 0 : 1)
        + ",\"total\":"
        + id
        + ",\"in_progress\":0,\"completed\":"
        + id
        + ",\"failed\":0},\"summary\":{},\"latest\":{\"completed\":"
        + completed
        + ",\"savepoint\":null,\"failed\":null,\"restored\":"
        + restoredNode
        + "},\"history\":["
        + completed
        + "]}";
  }

  private void dropOldHolds() {
    long before = System.currentTimeMillis() - LONGEST_HANG.toMillis();
    Held h;
    while ((h = held.peek()) != null && h.since() < before) {
      if (held.remove(h)) {
        h.exchange().close();
      }
    }
  }

  private static void send(HttpExchange exchange, int status, String body) throws IOException {
    try (exchange) {
      byte[] bytes = body.getBytes(StandardCharsets.UTF_8);
      exchange.getResponseHeaders().set("Content-Type", "application/json; charset=UTF-8");
      exchange.sendResponseHeaders(status, bytes.length);
      try (OutputStream out = exchange.getResponseBody()) {
        out.write(bytes);
      } catch (IOException clientGone) {
        // The operator timed out and closed the connection: nothing to answer any more.
      }
    }
  }

  @Override
  public void close() {
    server.stop(0);
    held.forEach(h -> h.exchange().close());
    handlers.shutdownNow();
  }
}
