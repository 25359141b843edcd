package dev.flinkresilience.operator.ops.logs;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** One log event, one line of JSON that any parser reads back, the job's fields first. */
class JsonLogLineTest {
  private static final ObjectMapper JSON = new ObjectMapper();
  private static final Instant AT = Instant.parse("2026-12-05T21:37:26.610Z");

  @Test
  void theJobAndItsIncidentAreFieldsAndTheRestOfTheContextFollows() throws Exception {
    Map<String, String> mdc = new LinkedHashMap<>();
    mdc.put("resource.kind", "FlinkResilientJob");
    mdc.put("incidentId", "3");
    mdc.put("name", "orders");
    mdc.put("namespace", "streaming");
    String line =
        JsonLogLine.format(
            AT, "WARN", "dev.x.EventEmitter", "ReconcilerExecutor-1", "event NodeLost", mdc, null);
    assertThat(line).doesNotContain("\n");
    assertThat(line)
        .startsWith(
            "{\"time\":\"2026-12-05T21:37:26.610Z\",\"level\":\"WARN\",\"logger\":\"dev.x.EventEmitter\","
                + "\"thread\":\"ReconcilerExecutor-1\",\"message\":\"event NodeLost\","
                + "\"namespace\":\"streaming\",\"name\":\"orders\",\"incidentId\":3,");
    assertThat(JSON.readTree(line).path("resource.kind").asText()).isEqualTo("FlinkResilientJob");
  }

  @Test
  void josdksOwnContextNamesTheJobOutsideThePass() throws Exception {
    JsonNode line =
        JSON.readTree(
            JsonLogLine.format(
                AT,
                "ERROR",
                "io.javaoperatorsdk.operator.processing.event.ReconciliationDispatcher",
                "ReconcilerExecutor-1",
                "Error during event processing",
                Map.of(
                    "resource.kind", "FlinkResilientJob",
                    "resource.namespace", "streaming",
                    "resource.name", "orders"),
                null));
    assertThat(line.path("namespace").asText()).isEqualTo("streaming");
    assertThat(line.path("name").asText()).isEqualTo("orders");
    assertThat(line.has("incidentId")).isFalse();

    JsonNode pod =
        JSON.readTree(
            JsonLogLine.format(
                AT,
                "INFO",
                "x",
                "t",
                "m",
                Map.of("resource.kind", "Pod", "resource.namespace", "a", "resource.name", "p"),
                null));
    assertThat(pod.has("name")).as("a Pod is not a job").isFalse();
  }

  @Test
  void quotesControlCharactersAndStackTracesStayOnTheLine() throws Exception {
    var error = new IllegalStateException("boom \"quoted\"\n\tsecond line");
    String line =
        JsonLogLine.format(
            AT, "ERROR", "x", "t\u0001", "a \\ b\r\n{}", Map.of("incidentId", "n/a"), error);
    assertThat(line).doesNotContain("\n").doesNotContain("\r");
    JsonNode node = JSON.readTree(line);
    assertThat(node.path("message").asText()).isEqualTo("a \\ b\r\n{}");
    assertThat(node.path("thread").asText()).isEqualTo("t\u0001");
    assertThat(node.path("incidentId").asText()).as("not a number: a string").isEqualTo("n/a");
    assertThat(node.path("exception").asText())
        .startsWith("java.lang.IllegalStateException: boom \"quoted\"\n\tsecond line")
        .contains("at dev.flinkresilience.operator.ops.logs.JsonLogLineTest");
  }

  @Test
  void noContextNoJobFields() throws Exception {
    JsonNode line =
        JSON.readTree(JsonLogLine.format(AT, "INFO", "x", "main", "started", null, null));
    assertThat(line.size()).isEqualTo(5);
  }
}
