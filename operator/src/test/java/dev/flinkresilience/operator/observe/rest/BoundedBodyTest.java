package dev.flinkresilience.operator.observe.rest;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowable;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import dev.flinkresilience.operator.decide.FlinkObservation;
import dev.flinkresilience.operator.decide.FlinkObservation.Outcome;
import dev.flinkresilience.operator.observe.FlinkPoller;
import dev.flinkresilience.operator.observe.PollTarget;
import dev.flinkresilience.operator.observe.Polled;
import io.javaoperatorsdk.operator.processing.event.ResourceID;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.util.Arrays;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.function.BooleanSupplier;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * Flink's answers are read up to {@link BoundedBody#MAX_BYTES}, over the real HTTP client against a
 * local server: a longer answer, declared or not, and one that never ends, fail the call fast as a
 * bad answer naming the limit; an answer just under the limit is read.
 */
@Timeout(value = 20, unit = TimeUnit.SECONDS)
class BoundedBodyTest {
  private static final String JOB = "2d55968062386a092d7c35a24d1e3d5b";
  private static final int MIB = 1 << 20;

  /** Far above what the large answers take to fail: a pass is the limit's doing, not this. */
  private static final Duration CALL_TIMEOUT = Duration.ofSeconds(10);

  private static final Duration FAST = Duration.ofSeconds(3);

  /** What {@code /hostile/...} serves; {@code /good/...} always answers like a running job. */
  private enum Hostile {
    DECLARED_2_MIB,
    CHUNKED_2_MIB,
    ENDLESS,
    JOB_900_KIB,
    NORMAL
  }

  private volatile Hostile hostile = Hostile.NORMAL;
  private ExecutorService threads;
  private HttpServer server;
  private URI good;
  private URI bad;
  private HttpFlinkRestClient client;

  @BeforeEach
  void startServer() throws IOException {
    threads = Executors.newCachedThreadPool();
    server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
    server.setExecutor(threads);
    server.createContext("/good", exchange -> serve(exchange, Hostile.NORMAL));
    server.createContext("/hostile", exchange -> serve(exchange, hostile));
    server.start();
    String root = "http://127.0.0.1:" + server.getAddress().getPort();
    good = URI.create(root + "/good");
    bad = URI.create(root + "/hostile");
    client = new HttpFlinkRestClient(CALL_TIMEOUT);
  }

  @AfterEach
  void stopServer() {
    server.stop(0);
    threads.shutdownNow();
  }

  @Test
  void aDeclaredTwoMebibyteAnswerIsRefusedNamingTheLimit() {
    hostile = Hostile.DECLARED_2_MIB;
    assertRefusedFast();
  }

  @Test
  void anUndeclaredTwoMebibyteAnswerIsCutOffAtTheLimit() {
    hostile = Hostile.CHUNKED_2_MIB;
    assertRefusedFast();
  }

  @Test
  void anAnswerThatNeverEndsIsCutOffAtTheLimit() {
    hostile = Hostile.ENDLESS;
    assertRefusedFast();
  }

  @Test
  void aJobAnswerOf900KibibytesIsRead() throws Exception {
    hostile = Hostile.JOB_900_KIB;
    JobDetails job = client.job(bad, JOB).get();
    assertThat(job.id()).isEqualTo(JOB);
    assertThat(job.state()).isEqualTo("RUNNING");
  }

  /**
   * Through the poller, with the real reader: one tenant's endless answer is a failed poll of its
   * own job only; another job polled meanwhile keeps its record, and the hostile job's polling
   * carries on and reads a normal answer once there is one.
   */
  @Test
  void theEndlessAnswerCostsOnlyItsOwnJobsPoll() {
    var reader = new FlinkJobReader(client, Clock.systemUTC());
    ResourceID orders = new ResourceID("orders", "a");
    ResourceID payments = new ResourceID("payments", "b");
    try (FlinkPoller poller = new FlinkPoller(reader::read, (at, id) -> null, Clock.systemUTC())) {
      hostile = Hostile.ENDLESS;
      poller.track(orders, new PollTarget(bad, JOB, Duration.ofMillis(50), null));
      poller.track(payments, new PollTarget(good, JOB, Duration.ofMillis(50), null));

      await(() -> outcome(poller, orders) == Outcome.BAD_ANSWER);
      assertThat(poller.latest(orders).orElseThrow().rest().problem())
          .contains("limit of " + MIB + " bytes (1 MiB)");
      await(() -> outcome(poller, payments) == Outcome.OK);
      FlinkObservation other = poller.latest(payments).orElseThrow().rest();
      assertThat(other.jobState()).isEqualTo("RUNNING");
      assertThat(other.latestCompleted()).isNotNull();

      hostile = Hostile.NORMAL;
      await(() -> outcome(poller, orders) == Outcome.OK);
      assertThat(poller.latest(orders).orElseThrow().rest().latestCompleted())
          .isEqualTo(other.latestCompleted());
    }
  }

  private void assertRefusedFast() {
    long start = System.nanoTime();
    Throwable thrown = catchThrowable(() -> client.job(bad, JOB).get());
    Duration took = Duration.ofNanos(System.nanoTime() - start);

    assertThat(thrown).isInstanceOf(ExecutionException.class);
    assertThat(thrown.getCause())
        .isInstanceOfSatisfying(
            FlinkRestException.class,
            e -> assertThat(e.kind()).isEqualTo(FlinkRestException.Kind.BAD_ANSWER))
        .hasMessageContaining("GET /jobs/" + JOB)
        .hasMessageContaining("limit of " + MIB + " bytes (1 MiB)");
    assertThat(took).isLessThan(FAST);
    // The client is still good for the next call.
    assertThat(client.job(good, JOB).join().state()).isEqualTo("RUNNING");
  }

  private static Outcome outcome(FlinkPoller poller, ResourceID job) {
    return poller.latest(job).map(Polled::rest).map(FlinkObservation::outcome).orElse(null);
  }

  private static void serve(HttpExchange exchange, Hostile mode) throws IOException {
    String path = exchange.getRequestURI().toString();
    exchange.getResponseHeaders().add("Content-Type", "application/json");
    try (OutputStream out = exchange.getResponseBody()) {
      if (mode == Hostile.NORMAL || !path.endsWith("/jobs/" + JOB)) {
        byte[] body = normal(path);
        exchange.sendResponseHeaders(200, body.length);
        out.write(body);
        return;
      }
      switch (mode) {
        case DECLARED_2_MIB -> {
          exchange.sendResponseHeaders(200, 2L * MIB);
          writeFiller(out, 2L * MIB);
        }
        case CHUNKED_2_MIB -> {
          exchange.sendResponseHeaders(200, 0);
          writeFiller(out, 2L * MIB);
        }
        case ENDLESS -> {
          exchange.sendResponseHeaders(200, 0);
          writeFiller(out, Long.MAX_VALUE);
        }
        case JOB_900_KIB -> {
          byte[] body = padded(900 * 1024);
          exchange.sendResponseHeaders(200, body.length);
          out.write(body);
        }
        default -> throw new IllegalStateException(mode.name());
      }
    } catch (IOException e) {
      // The client hung up, as it should on the large answers.
    }
  }

  private static byte[] normal(String path) {
    String version = "2.3";
    if (path.endsWith("/checkpoints")) {
      return FlinkRestFixtures.body(version, "checkpoints-completed");
    }
    if (path.contains("/metrics")) {
      return FlinkRestFixtures.body(version, "metrics-numRestarts");
    }
    return FlinkRestFixtures.body(version, "job-running");
  }

  /** A valid job answer of exactly {@code size} bytes: Flink's own, with a long padding field. */
  private static byte[] padded(int size) {
    String running = new String(FlinkRestFixtures.body("2.3", "job-running"), UTF8).trim();
    String head = running.substring(0, running.length() - 1) + ",\"padding\":\"";
    String tail = "\"}";
    char[] fill = new char[size - head.length() - tail.length()];
    Arrays.fill(fill, 'x');
    byte[] body = (head + new String(fill) + tail).getBytes(UTF8);
    assertThat(body).hasSize(size);
    return body;
  }

  private static final java.nio.charset.Charset UTF8 = StandardCharsets.UTF_8;

  private static void writeFiller(OutputStream out, long bytes) throws IOException {
    byte[] chunk = new byte[64 * 1024];
    Arrays.fill(chunk, (byte) ' ');
    for (long written = 0; written < bytes; written += chunk.length) {
      out.write(chunk, 0, (int) Math.min(chunk.length, bytes - written));
    }
  }

  private static void await(BooleanSupplier condition) {
    long deadline = System.nanoTime() + FAST.toNanos();
    while (!condition.getAsBoolean()) {
      assertThat(System.nanoTime()).as("waited too long").isLessThan(deadline);
      try {
        Thread.sleep(10);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        throw new AssertionError(e);
      }
    }
  }
}
