package dev.flinkresilience.operator.observe.rest;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalLong;

/**
 * Turns Flink's REST JSON into our records. Tolerant of fields it does not know (Flink adds some in
 * every release), strict about the ones it reads: a missing or ill-typed field we need is a {@link
 * FlinkRestException.Kind#BAD_ANSWER}, never a silent 0 or null. Field names were checked against
 * answers recorded from Flink 1.20 and 2.x (see {@code src/test/resources/flink-rest}).
 */
final class FlinkRestJson {

  private static final ObjectMapper MAPPER =
      new ObjectMapper().enable(DeserializationFeature.FAIL_ON_TRAILING_TOKENS);

  private FlinkRestJson() {}

  static List<JobSummary> overview(String call, byte[] body) {
    JsonNode jobs = field(call, tree(call, body), "jobs");
    if (!jobs.isArray()) {
      throw FlinkRestException.badAnswer(call, "\"jobs\" is not an array");
    }
    List<JobSummary> summaries = new ArrayList<>();
    for (JsonNode job : jobs) {
      summaries.add(
          new JobSummary(
              text(call, job, "jid"),
              optionalText(call, job, "name"),
              text(call, job, "state"),
              optionalTime(call, job, "start-time")));
    }
    return List.copyOf(summaries);
  }

  static JobDetails job(String call, byte[] body) {
    JsonNode job = tree(call, body);
    Map<String, Instant> timestamps = new LinkedHashMap<>();
    JsonNode times = job.path("timestamps");
    if (times.isObject()) {
      for (Map.Entry<String, JsonNode> entry : times.properties()) {
        Instant at = optionalTime(call, times, entry.getKey());
        if (at != null) {
          timestamps.put(entry.getKey(), at);
        }
      }
    }
    return new JobDetails(
        text(call, job, "jid"),
        optionalText(call, job, "name"),
        text(call, job, "state"),
        optionalTime(call, job, "start-time"),
        timestamps,
        optionalTime(call, job, "now"));
  }

  /**
   * {@code GET /jobs/:id/checkpoints/config}: the periodic checkpoint interval ({@code interval},
   * milliseconds). Empty when there is no useful one: Flink writes {@code Long.MAX_VALUE} for a job
   * that does not checkpoint periodically.
   */
  static Optional<Duration> checkpointInterval(String call, byte[] body) {
    long millis = number(call, tree(call, body), "interval");
    return millis <= 0 || millis >= MAX_INTERVAL.toMillis()
        ? Optional.empty()
        : Optional.of(Duration.ofMillis(millis));
  }

  /** Beyond this an interval is "never" for the poller's purpose. */
  private static final Duration MAX_INTERVAL = Duration.ofDays(1);

  static CheckpointStats checkpoints(String call, byte[] body) {
    JsonNode root = tree(call, body);
    JsonNode counts = field(call, root, "counts");
    JsonNode latest = field(call, root, "latest");
    return new CheckpointStats(
        new CheckpointStats.Counts(
            number(call, counts, "restored"),
            number(call, counts, "total"),
            number(call, counts, "in_progress"),
            number(call, counts, "completed"),
            number(call, counts, "failed")),
        completed(call, latest.get("completed")),
        completed(call, latest.get("savepoint")),
        restored(call, latest.get("restored")),
        failed(call, latest.get("failed")));
  }

  /** {@code [{"id":"numRestarts","value":"2"}]}, or {@code []} while Flink has not fetched it. */
  static OptionalLong restarts(String call, byte[] body) {
    JsonNode metrics = tree(call, body);
    if (!metrics.isArray()) {
      throw FlinkRestException.badAnswer(call, "not a JSON array of metrics");
    }
    for (JsonNode metric : metrics) {
      if ("numRestarts".equals(text(call, metric, "id"))) {
        // Flink sends every metric value as a string.
        String value = text(call, metric, "value");
        try {
          return OptionalLong.of(Long.parseLong(value));
        } catch (NumberFormatException e) {
          throw FlinkRestException.badAnswer(call, "numRestarts is not a whole number: " + value);
        }
      }
    }
    return OptionalLong.empty();
  }

  /** The body of {@code POST /jobs/:id/stop}: a savepoint, no drain, our trigger id. */
  static byte[] stopRequest(String targetDirectory, String triggerId) {
    var body = MAPPER.createObjectNode();
    body.put("targetDirectory", targetDirectory);
    body.put("drain", false);
    body.put("triggerId", triggerId);
    try {
      return MAPPER.writeValueAsBytes(body);
    } catch (JsonProcessingException e) {
      throw new IllegalStateException("cannot write a stop request", e);
    }
  }

  /**
   * The body of {@code POST /jobs/:id/savepoints}: a savepoint that leaves the job running, in
   * Flink's canonical format, under our trigger id.
   */
  static byte[] savepointRequest(String targetDirectory, String triggerId) {
    var body = MAPPER.createObjectNode();
    body.put("target-directory", targetDirectory);
    body.put("cancel-job", false);
    body.put("triggerId", triggerId);
    body.put("formatType", "CANONICAL");
    return write(body, "a savepoint request");
  }

  /** The body of {@code POST /savepoint-disposal}. */
  static byte[] disposalRequest(String path) {
    var body = MAPPER.createObjectNode();
    body.put("savepoint-path", path);
    return write(body, "a disposal request");
  }

  private static byte[] write(com.fasterxml.jackson.databind.JsonNode body, String what) {
    try {
      return MAPPER.writeValueAsBytes(body);
    } catch (JsonProcessingException e) {
      throw new IllegalStateException("cannot write " + what, e);
    }
  }

  /**
   * {@code {"status":{"id":"IN_PROGRESS"}}}, or {@code {"status":{"id":"COMPLETED"},
   * "operation":{...}}}, the answer about a disposal: COMPLETED with a {@code failure-cause} is
   * FAILED; it has no location.
   */
  static SavepointStatus disposalStatus(String call, byte[] body) {
    JsonNode root = tree(call, body);
    String id = text(call, field(call, root, "status"), "id");
    if ("IN_PROGRESS".equals(id)) {
      return new SavepointStatus(SavepointStatus.State.IN_PROGRESS, null, null);
    }
    if (!"COMPLETED".equals(id)) {
      throw FlinkRestException.badAnswer(call, "unknown disposal status " + id);
    }
    JsonNode operation = root.get("operation");
    JsonNode cause = operation == null ? null : operation.get("failure-cause");
    if (cause != null && !cause.isNull()) {
      return new SavepointStatus(
          SavepointStatus.State.FAILED, null, withRootCause(failureSummary(cause), cause));
    }
    return new SavepointStatus(SavepointStatus.State.COMPLETED, null, null);
  }

  /** {@code {"request-id":"..."}}, the answer to a trigger. */
  static String triggerId(String call, byte[] body) {
    return text(call, tree(call, body), "request-id");
  }

  /**
   * {@code {"status":{"id":"IN_PROGRESS"}}}, or {@code {"status":{"id":"COMPLETED"},
   * "operation":{"location":...}}}; a failure is COMPLETED with {@code operation.failure-cause}.
   */
  static SavepointStatus savepointStatus(String call, byte[] body) {
    JsonNode root = tree(call, body);
    String id = text(call, field(call, root, "status"), "id");
    if ("IN_PROGRESS".equals(id)) {
      return new SavepointStatus(SavepointStatus.State.IN_PROGRESS, null, null);
    }
    if (!"COMPLETED".equals(id)) {
      throw FlinkRestException.badAnswer(call, "unknown savepoint status " + id);
    }
    JsonNode operation = field(call, root, "operation");
    JsonNode cause = operation.get("failure-cause");
    if (cause != null && !cause.isNull()) {
      return new SavepointStatus(SavepointStatus.State.FAILED, null, failureSummary(cause));
    }
    return new SavepointStatus(
        SavepointStatus.State.COMPLETED, text(call, operation, "location"), null);
  }

  /**
   * The first line of the failure's stack trace ("class: message"), which is what a human needs;
   * the class alone when Flink sent no trace.
   */
  /**
   * {@code summary} and the trace's last "Caused by" line: Flink's disposal says only "Could not
   * dispose savepoint" first, and why (a missing savepoint, a denied access) comes last.
   */
  private static String withRootCause(String summary, JsonNode cause) {
    String root =
        cause
            .path("stack-trace")
            .asText("")
            .lines()
            .map(String::trim)
            .filter(l -> l.startsWith("Caused by: "))
            .reduce((a, b) -> b)
            .map(l -> l.substring("Caused by: ".length()))
            .orElse(null);
    if (root == null) {
      return summary;
    }
    String both = summary + "; caused by " + root;
    return both.length() > 600 ? both.substring(0, 600) + "..." : both;
  }

  private static String failureSummary(JsonNode cause) {
    String trace = cause.path("stack-trace").asText("");
    String first = trace.lines().findFirst().orElse("").trim();
    if (first.isEmpty()) {
      first = cause.path("class").asText("unknown failure");
    }
    return first.length() > 300 ? first.substring(0, 300) + "..." : first;
  }

  /**
   * The first line of Flink's {@code {"errors":[...]}} body, for a readable problem text; Flink
   * puts a whole stack trace there. Null when the body is not that shape.
   */
  static String errorSummary(byte[] body) {
    try {
      JsonNode errors = MAPPER.readTree(body).path("errors");
      if (errors.isArray() && !errors.isEmpty() && errors.get(0).isTextual()) {
        String first = errors.get(0).asText().lines().findFirst().orElse("");
        return first.length() > 300 ? first.substring(0, 300) + "..." : first;
      }
    } catch (IOException | RuntimeException e) {
      // Not Flink's error shape: there is nothing to summarize.
    }
    return null;
  }

  private static CheckpointStats.Completed completed(String call, JsonNode node) {
    if (node == null || node.isNull()) {
      return null;
    }
    return new CheckpointStats.Completed(
        number(call, node, "id"),
        optionalText(call, node, "external_path"),
        optionalTime(call, node, "trigger_timestamp"),
        optionalTime(call, node, "latest_ack_timestamp"),
        flag(call, node, "is_savepoint"),
        flag(call, node, "discarded"));
  }

  private static CheckpointStats.Restored restored(String call, JsonNode node) {
    if (node == null || node.isNull()) {
      return null;
    }
    return new CheckpointStats.Restored(
        number(call, node, "id"),
        optionalText(call, node, "external_path"),
        optionalTime(call, node, "restore_timestamp"),
        flag(call, node, "is_savepoint"));
  }

  private static CheckpointStats.Failed failed(String call, JsonNode node) {
    if (node == null || node.isNull()) {
      return null;
    }
    return new CheckpointStats.Failed(
        number(call, node, "id"),
        optionalTime(call, node, "trigger_timestamp"),
        optionalTime(call, node, "failure_timestamp"),
        optionalText(call, node, "failure_message"));
  }

  private static JsonNode tree(String call, byte[] body) {
    try {
      JsonNode root = MAPPER.readTree(body);
      if (root == null || root.isMissingNode()) {
        throw FlinkRestException.badAnswer(call, "empty body");
      }
      return root;
    } catch (JsonProcessingException e) {
      throw FlinkRestException.badAnswer(call, "not JSON: " + e.getOriginalMessage());
    } catch (IOException e) {
      throw FlinkRestException.badAnswer(call, "unreadable body: " + e.getMessage());
    }
  }

  private static JsonNode field(String call, JsonNode node, String name) {
    JsonNode value = node.get(name);
    if (value == null || value.isNull()) {
      throw FlinkRestException.badAnswer(call, "missing \"" + name + "\"");
    }
    return value;
  }

  private static String text(String call, JsonNode node, String name) {
    JsonNode value = field(call, node, name);
    if (!value.isTextual() || value.asText().isBlank()) {
      throw FlinkRestException.badAnswer(call, "\"" + name + "\" is not a non-empty string");
    }
    return value.asText();
  }

  private static String optionalText(String call, JsonNode node, String name) {
    JsonNode value = node.get(name);
    if (value == null || value.isNull()) {
      return null;
    }
    if (!value.isTextual()) {
      throw FlinkRestException.badAnswer(call, "\"" + name + "\" is not a string");
    }
    return value.asText();
  }

  private static long number(String call, JsonNode node, String name) {
    JsonNode value = field(call, node, name);
    if (!value.isIntegralNumber() || !value.canConvertToLong()) {
      throw FlinkRestException.badAnswer(call, "\"" + name + "\" is not a whole number");
    }
    return value.longValue();
  }

  private static boolean flag(String call, JsonNode node, String name) {
    JsonNode value = field(call, node, name);
    if (!value.isBoolean()) {
      throw FlinkRestException.badAnswer(call, "\"" + name + "\" is not a boolean");
    }
    return value.booleanValue();
  }

  /** Epoch milliseconds; Flink writes 0 or -1 for "never", which we read as null. */
  private static Instant optionalTime(String call, JsonNode node, String name) {
    JsonNode value = node.get(name);
    if (value == null || value.isNull()) {
      return null;
    }
    if (!value.isIntegralNumber() || !value.canConvertToLong()) {
      throw FlinkRestException.badAnswer(call, "\"" + name + "\" is not epoch milliseconds");
    }
    long millis = value.longValue();
    return millis <= 0 ? null : Instant.ofEpochMilli(millis);
  }
}
