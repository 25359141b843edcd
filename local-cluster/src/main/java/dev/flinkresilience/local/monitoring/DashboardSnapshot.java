package dev.flinkresilience.local.monitoring;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.Map;

/**
 * The chart's Grafana dashboard as a run saw it: every panel's queries asked of the run's real
 * Prometheus over the run's window, as Grafana would with the given variables, written as one JSON
 * file ({@code title}, {@code unit}, and per query its legend and Prometheus's {@code result}).
 * {@code tools/dashboard-png/render.py} draws it, so the picture in the docs comes from a real run.
 */
public final class DashboardSnapshot {
  private static final ObjectMapper JSON = new ObjectMapper();

  private DashboardSnapshot() {}

  /**
   * @param variables Grafana's variables by name without the {@code $}, e.g. namespace and job
   */
  public static Path write(
      LocalPrometheus prometheus,
      Path dashboard,
      Map<String, String> variables,
      Instant start,
      Instant end,
      Path out)
      throws IOException, InterruptedException {
    Duration step = Duration.ofSeconds(Math.max(1, Duration.between(start, end).toSeconds() / 300));
    ObjectNode snapshot = JSON.createObjectNode();
    snapshot.put("start", start.toString()).put("end", end.toString());
    ArrayNode panels = snapshot.putArray("panels");
    for (JsonNode panel : JSON.readTree(dashboard.toFile()).path("panels")) {
      if (!panel.path("type").asText().equals("timeseries")) {
        continue; // rows are headings; tables show the present, not a window
      }
      ObjectNode p = panels.addObject();
      p.put("title", panel.path("title").asText());
      p.put("unit", panel.at("/fieldConfig/defaults/unit").asText("short"));
      ArrayNode queries = p.putArray("queries");
      for (JsonNode target : panel.path("targets")) {
        String expr = target.path("expr").asText().replace("$__rate_interval", "1m");
        for (Map.Entry<String, String> v : variables.entrySet()) {
          expr = expr.replace("$" + v.getKey(), v.getValue());
        }
        ObjectNode q = queries.addObject();
        q.put("legend", target.path("legendFormat").asText(""));
        q.put("expr", expr);
        q.set("result", prometheus.queryRange(expr, start, end, step));
      }
    }
    Files.createDirectories(out.getParent());
    JSON.writerWithDefaultPrettyPrinter().writeValue(out.toFile(), snapshot);
    return out;
  }
}
