package dev.flinkresilience.operator.observe.rest;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * Stop-with-savepoint and its status over the real HTTP client against a scripted local server,
 * with answers in the shapes Flink 1.20 to 2.3 send (the failure shape is Flink's
 * SerializedThrowable: class, stack-trace, serialized-throwable).
 */
class SavepointCallsTest {
  private static final String JOB = "0123456789abcdef0123456789abcdef";
  private static final String TRIGGER = "fedcba9876543210fedcba9876543210";
  private static final String STATUS_PATH = "/jobs/" + JOB + "/savepoints/" + TRIGGER;

  private final Map<String, String[]> script = new ConcurrentHashMap<>();
  private final List<String> requests = new CopyOnWriteArrayList<>();
  private ExecutorService threads;
  private HttpServer server;
  private URI base;
  private HttpFlinkRestClient client;

  @BeforeEach
  void startServer() throws IOException {
    threads = Executors.newCachedThreadPool();
    server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
    server.setExecutor(threads);
    server.createContext(
        "/",
        exchange -> {
          String path = exchange.getRequestURI().getPath();
          byte[] in = exchange.getRequestBody().readAllBytes();
          requests.add(
              exchange.getRequestMethod()
                  + " "
                  + path
                  + " "
                  + exchange.getRequestHeaders().getFirst("Content-Type")
                  + " "
                  + new String(in, StandardCharsets.UTF_8));
          String[] answer =
              script.getOrDefault(
                  path, new String[] {"404", "{\"errors\":[\"Not found: " + path + "\"]}"});
          byte[] out = answer[1].getBytes(StandardCharsets.UTF_8);
          exchange.getResponseHeaders().add("Content-Type", "application/json");
          exchange.sendResponseHeaders(Integer.parseInt(answer[0]), out.length);
          try (OutputStream body = exchange.getResponseBody()) {
            body.write(out);
          }
        });
    server.start();
    base = URI.create("http://127.0.0.1:" + server.getAddress().getPort());
    client = new HttpFlinkRestClient(Duration.ofSeconds(2));
  }

  @AfterEach
  void stopServer() throws InterruptedException {
    server.stop(0);
    threads.shutdownNow();
    threads.awaitTermination(5, TimeUnit.SECONDS);
  }

  @Test
  void stopPostsTargetDirectoryNoDrainAndOurTriggerId() throws Exception {
    script.put(
        "/jobs/" + JOB + "/stop", new String[] {"202", "{\"request-id\":\"" + TRIGGER + "\"}"});

    String acknowledged =
        client
            .stopWithSavepoint(base, JOB, "s3://bucket/savepoints", TRIGGER)
            .get(5, TimeUnit.SECONDS);

    assertThat(acknowledged).isEqualTo(TRIGGER);
    assertThat(requests).hasSize(1);
    String request = requests.get(0);
    assertThat(request).startsWith("POST /jobs/" + JOB + "/stop application/json ");
    JsonNode body = new ObjectMapper().readTree(request.substring(request.indexOf('{')));
    assertThat(body.get("targetDirectory").asText()).isEqualTo("s3://bucket/savepoints");
    assertThat(body.get("drain").isBoolean()).isTrue();
    assertThat(body.get("drain").asBoolean()).isFalse();
    assertThat(body.get("triggerId").asText()).isEqualTo(TRIGGER);
  }

  @Test
  void aStopOfAJobThatIsNotRunningIsAnError() {
    script.put(
        "/jobs/" + JOB + "/stop",
        new String[] {"409", "{\"errors\":[\"Job is not running.\\n\\tat org.apache.flink...\"]}"});
    assertThatThrownBy(
            () ->
                client.stopWithSavepoint(base, JOB, "file:///sp", TRIGGER).get(5, TimeUnit.SECONDS))
        .isInstanceOf(ExecutionException.class)
        .cause()
        .isInstanceOf(FlinkRestException.class)
        .hasMessageContaining("HTTP 409")
        .hasMessageContaining("Job is not running.");
  }

  @Test
  void inProgress() throws Exception {
    script.put(
        STATUS_PATH,
        new String[] {"200", "{\"status\":{\"id\":\"IN_PROGRESS\"},\"operation\":null}"});
    assertThat(status())
        .isEqualTo(new SavepointStatus(SavepointStatus.State.IN_PROGRESS, null, null));
  }

  @Test
  void completedWithItsLocation() throws Exception {
    script.put(
        STATUS_PATH,
        new String[] {
          "200",
          "{\"status\":{\"id\":\"COMPLETED\"},\"operation\":{\"location\":"
              + "\"file:/tmp/savepoints/savepoint-012345-6789abcdef01\"}}"
        });
    assertThat(status())
        .isEqualTo(
            new SavepointStatus(
                SavepointStatus.State.COMPLETED,
                "file:/tmp/savepoints/savepoint-012345-6789abcdef01",
                null));
  }

  @Test
  void completedWithAFailureCauseIsAFailure() throws Exception {
    script.put(
        STATUS_PATH,
        new String[] {
          "200",
          "{\"status\":{\"id\":\"COMPLETED\"},\"operation\":{\"failure-cause\":{"
              + "\"class\":\"java.util.concurrent.CompletionException\","
              + "\"stack-trace\":\"java.util.concurrent.CompletionException:"
              + " org.apache.flink.runtime.checkpoint.CheckpointException: Checkpoint was declined\\n"
              + "\\tat java.base/...\","
              + "\"serialized-throwable\":\"rO0ABXNy\"}}}"
        });
    SavepointStatus s = status();
    assertThat(s.state()).isEqualTo(SavepointStatus.State.FAILED);
    assertThat(s.failure())
        .isEqualTo(
            "java.util.concurrent.CompletionException:"
                + " org.apache.flink.runtime.checkpoint.CheckpointException: Checkpoint was declined");
  }

  @Test
  void anUnknownTriggerIsNotFound() {
    assertThatThrownBy(this::status)
        .isInstanceOf(ExecutionException.class)
        .cause()
        .isInstanceOf(FlinkRestException.class)
        .extracting(e -> ((FlinkRestException) e).kind())
        .isEqualTo(FlinkRestException.Kind.NOT_FOUND);
  }

  @Test
  void aCompletedStatusWithoutLocationOrCauseIsABadAnswer() {
    script.put(
        STATUS_PATH, new String[] {"200", "{\"status\":{\"id\":\"COMPLETED\"},\"operation\":{}}"});
    assertThatThrownBy(this::status)
        .cause()
        .isInstanceOf(FlinkRestException.class)
        .extracting(e -> ((FlinkRestException) e).kind())
        .isEqualTo(FlinkRestException.Kind.BAD_ANSWER);
  }

  private SavepointStatus status() throws Exception {
    return client.savepointStatus(base, JOB, TRIGGER).get(5, TimeUnit.SECONDS);
  }
}
