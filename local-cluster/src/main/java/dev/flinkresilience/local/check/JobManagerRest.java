package dev.flinkresilience.local.check;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * What a JobManager says of itself on its REST API, asked by the test directly (the pod's own
 * loopback IP, port 8081) rather than through the operator's status: its Flink version, how many
 * jobs it runs, and which checkpoint or savepoint the job restored.
 */
public final class JobManagerRest {
  private static final ObjectMapper JSON = new ObjectMapper();
  private static final int PORT = 8081;
  private final HttpClient http =
      HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(3)).build();
  private final String host;

  public JobManagerRest(String host) {
    this.host = host;
  }

  /** One entry of {@code GET /jobs/overview}. */
  public record Job(String id, String state) {}

  /** {@code latest.restored} of {@code GET /jobs/:id/checkpoints}. */
  public record Restored(long id, String path, boolean savepoint) {}

  /** The Flink version the JobManager runs ({@code flink-version} of {@code GET /config}). */
  public String flinkVersion() throws IOException, InterruptedException {
    return get("/config").path("flink-version").asText();
  }

  /** Every job the JobManager knows, finished ones included. */
  public List<Job> overview() throws IOException, InterruptedException {
    List<Job> jobs = new ArrayList<>();
    for (JsonNode j : get("/jobs/overview").path("jobs")) {
      jobs.add(new Job(j.path("jid").asText(), j.path("state").asText()));
    }
    return jobs;
  }

  /** What {@code jobId} restored from; empty when it started from empty state. */
  public Optional<Restored> restored(String jobId) throws IOException, InterruptedException {
    JsonNode r = get("/jobs/" + jobId + "/checkpoints").path("latest").path("restored");
    if (r.isMissingNode() || r.isNull()) {
      return Optional.empty();
    }
    return Optional.of(
        new Restored(
            r.path("id").asLong(),
            r.path("external_path").asText(),
            r.path("is_savepoint").asBoolean()));
  }

  /** When the job entered {@code state} (epoch milliseconds, Flink's clock), if it did. */
  public java.util.OptionalLong stateSince(String jobId, String state)
      throws IOException, InterruptedException {
    JsonNode at = get("/jobs/" + jobId).path("timestamps").path(state);
    return at.isNumber() && at.asLong() > 0
        ? java.util.OptionalLong.of(at.asLong())
        : java.util.OptionalLong.empty();
  }

  private JsonNode get(String path) throws IOException, InterruptedException {
    HttpResponse<String> response =
        http.send(
            HttpRequest.newBuilder(URI.create("http://" + host + ":" + PORT + path))
                .timeout(Duration.ofSeconds(5))
                .build(),
            HttpResponse.BodyHandlers.ofString());
    if (response.statusCode() != 200) {
      throw new IOException(path + " answered " + response.statusCode() + ": " + response.body());
    }
    return JSON.readTree(response.body());
  }
}
