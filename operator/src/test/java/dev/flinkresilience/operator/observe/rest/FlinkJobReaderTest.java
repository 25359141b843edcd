package dev.flinkresilience.operator.observe.rest;

import static org.assertj.core.api.Assertions.assertThat;

import com.sun.net.httpserver.HttpServer;
import dev.flinkresilience.operator.decide.FlinkCheckpoint;
import dev.flinkresilience.operator.decide.FlinkObservation;
import dev.flinkresilience.operator.decide.FlinkObservation.Outcome;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.FieldSource;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * {@link FlinkJobReader} over the real HTTP client against a scripted local server: recorded
 * answers of real Flink versions, and hostile ones. {@code read} must never complete exceptionally,
 * whatever the server does.
 */
class FlinkJobReaderTest {

  private static final String JOB = "0123456789abcdef0123456789abcdef";
  private static final Duration CALL_TIMEOUT = Duration.ofMillis(800);
  private static final Instant NOW = Instant.parse("2026-11-21T12:00:00Z");
  static final List<String> VERSIONS = List.of(FlinkRestFixtures.VERSIONS);

  private final Map<String, Answer> script = new ConcurrentHashMap<>();
  private final Map<String, Integer> asked = new ConcurrentHashMap<>();
  private ExecutorService threads;
  private HttpServer server;
  private URI base;
  private FlinkJobReader reader;

  /** What the server sends for one path (the query string is part of the path). */
  private record Answer(int status, String contentType, byte[] body, long delayMillis) {}

  @BeforeEach
  void startServer() throws IOException {
    threads = Executors.newCachedThreadPool();
    server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
    server.setExecutor(threads);
    server.createContext(
        "/",
        exchange -> {
          asked.merge(exchange.getRequestURI().toString(), 1, Integer::sum);
          Answer answer = script.get(exchange.getRequestURI().toString());
          if (answer == null) {
            answer =
                new Answer(404, "application/json", bytes("{\"errors\":[\"Not found: /\"]}"), 0);
          }
          try {
            Thread.sleep(answer.delayMillis());
          } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
          }
          exchange.getResponseHeaders().add("Content-Type", answer.contentType());
          // Length -1 means "no body"; 0 would mean chunked.
          exchange.sendResponseHeaders(
              answer.status(), answer.body().length == 0 ? -1 : answer.body().length);
          try (OutputStream out = exchange.getResponseBody()) {
            out.write(answer.body());
          } catch (IOException e) {
            // The client gave up first; that is the point of some tests.
          }
        });
    server.start();
    base = URI.create("http://127.0.0.1:" + server.getAddress().getPort());
    reader =
        new FlinkJobReader(new HttpFlinkRestClient(CALL_TIMEOUT), Clock.fixed(NOW, ZoneOffset.UTC));
  }

  @AfterEach
  void stopServer() {
    server.stop(0);
    threads.shutdownNow();
  }

  @Test
  void theRestartCountIsCarriedOverWhileTheStateHoldsAndAskedWhenItChanges() {
    serveFixture("2.3", "", "job-running");
    serveFixture("2.3", "/checkpoints", "checkpoints-completed");
    serveFixture("2.3", "/metrics?get=numRestarts", "metrics-numRestarts");
    String metric = "/jobs/" + JOB + "/metrics?get=numRestarts";
    var running =
        new FlinkObservation(NOW, Outcome.OK, null, "RUNNING", 4L, null, null, null, null);

    FlinkObservation carried = reader.read(base, JOB, running).join();
    assertThat(asked.getOrDefault(metric, 0)).as("not asked within the window").isZero();
    assertThat(carried.restarts()).isEqualTo(4);
    assertThat(carried.latestCompleted()).as("the rest is read as ever").isNotNull();

    var restarting =
        new FlinkObservation(NOW, Outcome.OK, null, "RESTARTING", 4L, null, null, null, null);
    assertThat(reader.read(base, JOB, restarting).join().restarts())
        .as("the state changed: asked")
        .isZero();
    assertThat(asked.get(metric)).isEqualTo(1);
  }

  @ParameterizedTest(name = "{0} → asked: {1}")
  @org.junit.jupiter.params.provider.CsvSource({
    "first poll, true",
    "same state within the window, false",
    "same state in the next window, true",
    "another state, true",
    "the last poll failed, true",
    "no count known, true",
  })
  void whenTheRestartCountIsAsked(String row, boolean due) {
    Instant at = Instant.parse("2026-12-06T18:00:10Z");
    FlinkObservation previous =
        switch (row) {
          case "first poll" -> null;
          case "same state within the window" ->
              new FlinkObservation(
                  at.minusSeconds(5), Outcome.OK, null, "RUNNING", 1L, null, null, null, null);
          case "same state in the next window" ->
              new FlinkObservation(
                  at.minusSeconds(15), Outcome.OK, null, "RUNNING", 1L, null, null, null, null);
          case "another state" ->
              new FlinkObservation(
                  at.minusSeconds(5), Outcome.OK, null, "CREATED", 1L, null, null, null, null);
          case "the last poll failed" ->
              FlinkObservation.failed(at.minusSeconds(5), Outcome.UNREACHABLE, "x");
          default ->
              new FlinkObservation(
                  at.minusSeconds(5), Outcome.OK, null, "RUNNING", null, null, null, null, null);
        };
    assertThat(FlinkJobReader.restartsDue(previous, "RUNNING", at)).isEqualTo(due);
  }

  /** The 2.3 fixtures' JobManager clock ({@code now} of job-running) and checkpoint 2's trigger. */
  private static final long FIXTURE_NOW = 1795245805362L;

  private static final Instant CHECKPOINT_2_TRIGGERED = Instant.ofEpochMilli(1795245806113L);

  @Test
  void aSteadyJobsCheckpointsAreAskedOnlyOnceTheNextCanHaveCompletedAndTheIntervalOnce() {
    serveFixture("2.3", "/checkpoints", "checkpoints-completed");
    serveFixture("2.3", "/metrics?get=numRestarts", "metrics-numRestarts");
    serve("/checkpoints/config", 200, "{\"mode\":\"exactly_once\",\"interval\":2000}");
    String checkpoints = "/jobs/" + JOB + "/checkpoints";
    String config = "/jobs/" + JOB + "/checkpoints/config";

    serveJobAt(CHECKPOINT_2_TRIGGERED.toEpochMilli() + 100);
    FlinkObservation first = reader.read(base, JOB, null, true).join();
    assertThat(first.latestCompleted().id()).isEqualTo(2);
    assertThat(first.pace().nextDue()).isEqualTo(CHECKPOINT_2_TRIGGERED.plusSeconds(2));
    assertThat(asked.get(checkpoints)).isEqualTo(1);

    serveJobAt(CHECKPOINT_2_TRIGGERED.toEpochMilli() + 1999);
    FlinkObservation spared = reader.read(base, JOB, first, true).join();
    assertThat(asked.get(checkpoints)).as("no checkpoint can have completed since").isEqualTo(1);
    assertThat(spared.latestCompleted()).as("carried over").isEqualTo(first.latestCompleted());
    assertThat(spared.jobState()).isEqualTo("RUNNING");

    assertThat(reader.read(base, JOB, spared, false).join().latestCompleted().id()).isEqualTo(2);
    assertThat(asked.get(checkpoints)).as("not steady: always asked").isEqualTo(2);

    serveJobAt(CHECKPOINT_2_TRIGGERED.toEpochMilli() + 2000);
    reader.read(base, JOB, spared, true).join();
    assertThat(asked.get(checkpoints)).as("the next one may have completed").isEqualTo(3);
    assertThat(asked.get(config)).as("the interval, once while the state holds").isEqualTo(1);
  }

  @Test
  void withoutAnIntervalTheCheckpointsAreAskedEveryPoll() {
    serveFixture("2.3", "/checkpoints", "checkpoints-completed");
    serveFixture("2.3", "/metrics?get=numRestarts", "metrics-numRestarts");
    serve("/checkpoints/config", 404, "{\"errors\":[\"Checkpointing is not enabled\"]}");
    serveJobAt(CHECKPOINT_2_TRIGGERED.toEpochMilli() + 100);

    FlinkObservation previous = null;
    for (int i = 0; i < 3; i++) {
      previous = reader.read(base, JOB, previous, true).join();
      assertThat(previous.outcome()).isEqualTo(Outcome.OK);
    }
    assertThat(asked.get("/jobs/" + JOB + "/checkpoints")).isEqualTo(3);
    assertThat(asked.get("/jobs/" + JOB + "/checkpoints/config"))
        .as("asked once while the state holds, not every poll")
        .isEqualTo(1);
  }

  @ParameterizedTest(name = "{0} → asked: {1}")
  @org.junit.jupiter.params.provider.CsvSource({
    "first poll, true",
    "RUNNING before and now the next cannot have completed, false",
    "RUNNING before and now the next may have completed, true",
    "RESTARTING before, true",
    "RESTARTING now, true",
    "the last poll failed, true",
    "no interval known, true",
    "no checkpoint completed yet, true",
    "the JobManager sends no clock, true",
  })
  void whenTheCheckpointsAreAsked(String row, boolean due) {
    Instant triggered = Instant.parse("2026-12-06T18:00:00Z");
    Instant jmNow = triggered.plusSeconds(59);
    var pace = new FlinkObservation.CheckpointPace(Duration.ofMinutes(1), triggered);
    String nowState = row.equals("RESTARTING now") ? "RESTARTING" : "RUNNING";
    FlinkObservation previous =
        switch (row) {
          case "first poll" -> null;
          case "RESTARTING before" -> observed("RESTARTING", pace);
          case "the last poll failed" -> FlinkObservation.failed(jmNow, Outcome.UNREACHABLE, "x");
          case "no interval known" ->
              observed("RUNNING", new FlinkObservation.CheckpointPace(null, triggered));
          case "no checkpoint completed yet" ->
              observed("RUNNING", new FlinkObservation.CheckpointPace(Duration.ofMinutes(1), null));
          default -> observed("RUNNING", pace);
        };
    if (row.endsWith("may have completed")) {
      jmNow = triggered.plusSeconds(60);
    }
    JobDetails job =
        new JobDetails(
            JOB,
            "j",
            nowState,
            null,
            Map.of(),
            row.equals("the JobManager sends no clock") ? null : jmNow);
    assertThat(FlinkJobReader.checkpointsDue(previous, job)).isEqualTo(due);
  }

  private static FlinkObservation observed(String state, FlinkObservation.CheckpointPace pace) {
    return new FlinkObservation(NOW, Outcome.OK, null, state, 1L, null, null, null, null, pace);
  }

  /** job-running of Flink 2.3, its JobManager's clock at {@code epochMillis}. */
  private void serveJobAt(long epochMillis) {
    String body =
        new String(FlinkRestFixtures.body("2.3", "job-running"), StandardCharsets.UTF_8)
            .replace("\"now\":" + FIXTURE_NOW, "\"now\":" + epochMillis);
    assertThat(body).contains("\"now\":" + epochMillis);
    serve("", 200, body);
  }

  @ParameterizedTest
  @FieldSource("VERSIONS")
  void runningJobAfterASavepoint(String version) {
    serveFixture(version, "", "job-running");
    serveFixture(version, "/checkpoints", "checkpoints-after-savepoint");
    serveFixture(version, "/metrics?get=numRestarts", "metrics-numRestarts");

    FlinkObservation seen = read();

    CheckpointStats raw =
        FlinkRestJson.checkpoints(
            "GET", FlinkRestFixtures.body(version, "checkpoints-after-savepoint"));
    assertThat(seen.outcome()).isEqualTo(Outcome.OK);
    assertThat(seen.problem()).isNull();
    assertThat(seen.observedAt()).isEqualTo(NOW);
    assertThat(seen.jobState()).isEqualTo("RUNNING");
    assertThat(seen.restarts()).isZero();
    // The savepoint is newer than Flink's latest "completed" checkpoint, so it is ours.
    FlinkCheckpoint expected =
        new FlinkCheckpoint(
            raw.latestSavepoint().id(),
            raw.latestSavepoint().externalPath(),
            raw.latestSavepoint().completedAt(),
            true);
    assertThat(seen.latestSavepoint()).isEqualTo(expected);
    assertThat(seen.latestCompleted()).isEqualTo(expected);
    assertThat(seen.restored()).isNull();
  }

  @ParameterizedTest
  @FieldSource("VERSIONS")
  void restoredJobHasNoCompletionTimeForWhatItRestored(String version) {
    serveFixture(version, "", "job-running");
    serveFixture(version, "/checkpoints", "checkpoints-restored-then-completed");
    serveFixture(version, "/metrics?get=numRestarts", "metrics-numRestarts");

    FlinkObservation seen = read();

    assertThat(seen.outcome()).isEqualTo(Outcome.OK);
    assertThat(seen.restored().addressable()).isTrue();
    assertThat(seen.restored().path()).endsWith("/chk-" + seen.restored().id());
    assertThat(seen.restored().completedAt()).isNull();
    assertThat(seen.restoredAt())
        .as("when it restored, before its first checkpoint completed")
        .isNotNull()
        .isBefore(seen.latestCompleted().completedAt());
    assertThat(seen.latestCompleted().id()).isGreaterThan(seen.restored().id());
    assertThat(seen.latestCompleted().completedAt()).isNotNull();
  }

  @ParameterizedTest
  @FieldSource("VERSIONS")
  void memoryOnlyCheckpointIsNotAddressable(String version) {
    serveFixture(version, "", "job-running");
    serveFixture(version, "/checkpoints", "checkpoints-not-addressable");
    serveFixture(version, "/metrics?get=numRestarts", "metrics-numRestarts");

    FlinkObservation seen = read();

    assertThat(seen.outcome()).isEqualTo(Outcome.OK);
    assertThat(seen.latestCompleted().addressable()).isFalse();
    assertThat(seen.latestCompleted().path()).isNull();
  }

  @ParameterizedTest
  @FieldSource("VERSIONS")
  void failedJobWithItsRestarts(String version) {
    serveFixture(version, "", "job-failed");
    serveFixture(version, "/checkpoints", "checkpoints-disabled");
    serveFixture(version, "/metrics?get=numRestarts", "metrics-numRestarts-failed");

    FlinkObservation seen = read();

    assertThat(seen.outcome()).isEqualTo(Outcome.OK);
    assertThat(seen.jobState()).isEqualTo("FAILED");
    assertThat(seen.restarts()).isEqualTo(2);
    assertThat(seen.latestCompleted()).isNull();
  }

  @ParameterizedTest
  @FieldSource("VERSIONS")
  void unknownJobIsNotFound(String version) {
    serveFixture(version, "", "job-unknown");

    FlinkObservation seen = read();

    assertThat(seen.outcome()).isEqualTo(Outcome.JOB_NOT_FOUND);
    assertThat(seen.problem()).contains("GET /jobs/" + JOB).contains("404").contains("not found");
  }

  @Test
  void checkpointsAnswering500WhileInitializingIsOkWithoutCheckpoints() {
    // Synthetic: the MiniCluster recordings never caught this window (see the fixtures README).
    serve("", 200, "{\"jid\":\"" + JOB + "\",\"state\":\"INITIALIZING\",\"start-time\":1}");
    serve("/checkpoints", 500, "{\"errors\":[\"Internal server error.\"]}");
    serve("/metrics?get=numRestarts", 200, "[]");

    FlinkObservation seen = read();

    assertThat(seen.outcome()).isEqualTo(Outcome.OK);
    assertThat(seen.jobState()).isEqualTo("INITIALIZING");
    assertThat(seen.latestCompleted()).isNull();
    assertThat(seen.latestSavepoint()).isNull();
    assertThat(seen.restored()).isNull();
    assertThat(seen.restarts()).as("[] means not fetched yet, not zero").isNull();
  }

  @Test
  void discardedCheckpointIsNotAddressable() {
    serve("", 200, "{\"jid\":\"" + JOB + "\",\"state\":\"RUNNING\"}");
    serve(
        "/checkpoints",
        200,
        "{\"counts\":{\"restored\":0,\"total\":1,\"in_progress\":0,\"completed\":1,\"failed\":0},"
            + "\"latest\":{\"completed\":{\"id\":7,\"is_savepoint\":false,\"discarded\":true,"
            + "\"external_path\":\"file:/cp/chk-7\",\"latest_ack_timestamp\":5,"
            + "\"trigger_timestamp\":4},\"savepoint\":null,\"failed\":null,\"restored\":null}}");
    serve("/metrics?get=numRestarts", 200, "[{\"id\":\"numRestarts\",\"value\":\"3\"}]");

    FlinkObservation seen = read();

    assertThat(seen.latestCompleted())
        .isEqualTo(new FlinkCheckpoint(7, null, Instant.ofEpochMilli(5), false));
    assertThat(seen.restarts()).isEqualTo(3);
  }

  @Test
  void slowServerIsUnreachableAndTheFutureEndsInTime() {
    serve("", 200, "{\"jid\":\"" + JOB + "\",\"state\":\"RUNNING\"}", 4_000);

    long start = System.nanoTime();
    FlinkObservation seen = read();
    Duration took = Duration.ofNanos(System.nanoTime() - start);

    assertThat(seen.outcome()).isEqualTo(Outcome.UNREACHABLE);
    assertThat(seen.problem()).contains("GET /jobs/" + JOB).contains("800 ms");
    assertThat(took).isLessThan(Duration.ofMillis(2_500));
  }

  @Test
  void slowCheckpointsCallMakesTheWholePollUnreachable() {
    serve("", 200, "{\"jid\":\"" + JOB + "\",\"state\":\"RUNNING\"}");
    serve("/checkpoints", 200, "{}", 4_000);
    serve("/metrics?get=numRestarts", 200, "[]");

    FlinkObservation seen = read();

    assertThat(seen.outcome()).isEqualTo(Outcome.UNREACHABLE);
    assertThat(seen.problem()).contains("/checkpoints");
    assertThat(seen.jobState()).as("no half-true observation").isNull();
  }

  @Test
  void refusedConnectionIsUnreachable() throws IOException {
    int closedPort;
    try (ServerSocket socket = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
      closedPort = socket.getLocalPort();
    }

    FlinkObservation seen = reader.read(URI.create("http://127.0.0.1:" + closedPort), JOB).join();

    assertThat(seen.outcome()).isEqualTo(Outcome.UNREACHABLE);
    assertThat(seen.problem()).contains("GET /jobs/" + JOB);
  }

  @ParameterizedTest
  @ValueSource(
      strings = {
        "not json at all",
        "<html><body><h1>502 Bad Gateway</h1></body></html>",
        "{\"jid\":\"0123456789abcdef0123456789abcdef\",\"state\":\"RUN",
        "",
        "[]",
        "{\"state\":\"RUNNING\"}",
        "{\"jid\":42,\"state\":\"RUNNING\"}",
        "{\"jid\":\"0123456789abcdef0123456789abcdef\",\"state\":\"RUNNING\"} trailing",
        "{\"jid\":\"0123456789abcdef0123456789abcdef\",\"state\":\"RUNNING\",\"start-time\":\"x\"}"
      })
  void garbageJobDetailsAreABadAnswer(String body) {
    serve("", 200, body);

    FlinkObservation seen = read();

    assertThat(seen.outcome()).isEqualTo(Outcome.BAD_ANSWER);
    assertThat(seen.problem()).startsWith("GET /jobs/" + JOB + ":");
  }

  @ParameterizedTest
  @ValueSource(
      strings = {
        "{\"counts\":{},\"latest\":{}}",
        "{\"counts\":{\"restored\":0,\"total\":1,\"in_progress\":0,\"completed\":1,\"failed\":0},"
            + "\"latest\":{\"completed\":{\"is_savepoint\":false,\"discarded\":false}}}",
        "{\"counts\":{\"restored\":0,\"total\":1,\"in_progress\":0,\"completed\":1,\"failed\":0},"
            + "\"latest\":{\"completed\":{\"id\":\"7\",\"is_savepoint\":false,\"discarded\":false}}}",
        "<html>Service Unavailable</html>"
      })
  void garbageCheckpointsAreABadAnswer(String body) {
    serve("", 200, "{\"jid\":\"" + JOB + "\",\"state\":\"RUNNING\"}");
    serve("/checkpoints", 200, body);
    serve("/metrics?get=numRestarts", 200, "[]");

    FlinkObservation seen = read();

    assertThat(seen.outcome()).isEqualTo(Outcome.BAD_ANSWER);
    assertThat(seen.problem()).startsWith("GET /jobs/" + JOB + "/checkpoints:");
  }

  @Test
  void nonNumericRestartCountIsABadAnswer() {
    serve("", 200, "{\"jid\":\"" + JOB + "\",\"state\":\"RUNNING\"}");
    serve("/checkpoints", 500, "{\"errors\":[\"Internal server error.\"]}");
    serve("/metrics?get=numRestarts", 200, "[{\"id\":\"numRestarts\",\"value\":\"many\"}]");

    FlinkObservation seen = read();
    assertThat(seen.outcome()).as(seen.problem()).isEqualTo(Outcome.BAD_ANSWER);
  }

  @Test
  void serverErrorOnJobDetailsIsABadAnswerNamingTheStatus() {
    serve(
        "",
        503,
        "{\"errors\":[\"Service temporarily unavailable due to an ongoing leader election.\"]}");

    FlinkObservation seen = read();

    assertThat(seen.outcome()).isEqualTo(Outcome.BAD_ANSWER);
    assertThat(seen.problem()).contains("503").contains("leader election");
  }

  @Test
  void malformedAddressIsUnreachable() {
    FlinkObservation seen = reader.read(URI.create("not-a-url"), JOB).join();

    assertThat(seen.outcome()).isEqualTo(Outcome.UNREACHABLE);
  }

  private FlinkObservation read() {
    // join() with a bound: the reader promises never to fail, and never to hang past its timeouts.
    return reader.read(base, JOB).orTimeout(5, TimeUnit.SECONDS).join();
  }

  private void serveFixture(String version, String suffix, String name) {
    int status = FlinkRestFixtures.index(version).get(name);
    script.put(
        "/jobs/" + JOB + suffix,
        new Answer(status, "application/json", FlinkRestFixtures.body(version, name), 0));
  }

  private void serve(String suffix, int status, String body) {
    serve(suffix, status, body, 0);
  }

  private void serve(String suffix, int status, String body, long delayMillis) {
    script.put(
        "/jobs/" + JOB + suffix, new Answer(status, "application/json", bytes(body), delayMillis));
  }

  private static byte[] bytes(String text) {
    return text.getBytes(StandardCharsets.UTF_8);
  }
}
