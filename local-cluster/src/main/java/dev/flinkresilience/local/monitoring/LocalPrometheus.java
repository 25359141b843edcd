package dev.flinkresilience.local.monitoring;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.ServerSocket;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.TimeUnit;

/**
 * A real Prometheus (Debian's {@code prometheus} binary) as a child process on loopback: it scrapes
 * the operator's {@code /metrics} every second, as a ServiceMonitor with {@code honorLabels} would,
 * and evaluates the chart's rules (rendered, {@code charts/.../tests/rules.yaml}) every second. A
 * thread polls {@code /api/v1/alerts} into an {@link AlertTimeline}. The {@code for:} of the rules
 * are the chart's own.
 */
public final class LocalPrometheus implements AutoCloseable {
  private static final ObjectMapper JSON = new ObjectMapper();
  private static final Duration POLL = Duration.ofMillis(250);

  private final Process process;
  private final Path dir;
  private final URI base;
  private final HttpClient http =
      HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(2)).build();
  private final AlertTimeline timeline = new AlertTimeline();
  private final Thread poller;
  private volatile boolean closed;

  private LocalPrometheus(Process process, Path dir, URI base) {
    this.process = process;
    this.dir = dir;
    this.base = base;
    this.poller = new Thread(this::poll, "prometheus-alerts");
    this.poller.setDaemon(true);
  }

  /** Where the binary is: {@code prometheus} on the PATH; empty when it is not installed. */
  public static Optional<Path> binary() {
    for (String d : System.getenv().getOrDefault("PATH", "").split(java.io.File.pathSeparator)) {
      Path p = Path.of(d, "prometheus");
      if (Files.isExecutable(p)) {
        return Optional.of(p);
      }
    }
    return Optional.empty();
  }

  /**
   * Starts Prometheus scraping {@code 127.0.0.1:metricsPort} with {@code rules}, waits until it is
   * ready and has scraped once, and starts following its alerts.
   */
  public static LocalPrometheus start(Path binary, int metricsPort, Path rules)
      throws IOException, InterruptedException {
    Path dir = Files.createTempDirectory("prometheus");
    int port = freePort();
    Files.writeString(
        dir.resolve("prometheus.yml"),
        String.join(
            "\n",
            "global:",
            "  scrape_interval: 1s",
            "  scrape_timeout: 1s",
            "  evaluation_interval: 1s",
            "rule_files:",
            "  - " + rules.toAbsolutePath(),
            "scrape_configs:",
            "  - job_name: flink-resilience-operator",
            "    honor_labels: true",
            "    static_configs:",
            "      - targets: ['127.0.0.1:" + metricsPort + "']",
            ""));
    Process process =
        new ProcessBuilder(
                binary.toString(),
                "--config.file=" + dir.resolve("prometheus.yml"),
                "--storage.tsdb.path=" + dir.resolve("data"),
                "--web.listen-address=127.0.0.1:" + port,
                "--log.level=warn")
            .redirectErrorStream(true)
            .redirectOutput(dir.resolve("prometheus.log").toFile())
            .start();
    LocalPrometheus prometheus =
        new LocalPrometheus(process, dir, URI.create("http://127.0.0.1:" + port));
    try {
      prometheus.awaitScraped(Duration.ofSeconds(30));
    } catch (IOException | InterruptedException | RuntimeException | AssertionError e) {
      prometheus.close();
      throw e;
    }
    prometheus.poller.start();
    return prometheus;
  }

  public AlertTimeline timeline() {
    return timeline;
  }

  /** Every rule group's rules with their health and last error, from {@code /api/v1/rules}. */
  public Map<String, String> ruleHealth() throws IOException, InterruptedException {
    Map<String, String> out = new LinkedHashMap<>();
    for (JsonNode group : get("/api/v1/rules").at("/data/groups")) {
      for (JsonNode rule : group.path("rules")) {
        String health = rule.path("health").asText();
        String error = rule.path("lastError").asText("");
        out.put(rule.path("name").asText(), error.isEmpty() ? health : health + ": " + error);
      }
    }
    return out;
  }

  /** The result of an instant query, each series as its labels and value. */
  public List<String> query(String promql) throws IOException, InterruptedException {
    List<String> out = new ArrayList<>();
    String q = URLEncoder.encode(promql, StandardCharsets.UTF_8);
    for (JsonNode r : get("/api/v1/query?query=" + q).at("/data/result")) {
      out.add(r.path("metric") + " " + r.at("/value/1").asText());
    }
    return out;
  }

  /**
   * A range query's {@code data.result} (each series' labels and its {@code [time, value]}
   * samples), as Grafana asks for a time series panel.
   */
  public JsonNode queryRange(String promql, Instant start, Instant end, Duration step)
      throws IOException, InterruptedException {
    String q = URLEncoder.encode(promql, StandardCharsets.UTF_8);
    return get("/api/v1/query_range?query="
            + q
            + "&start="
            + start.getEpochSecond()
            + "&end="
            + end.getEpochSecond()
            + "&step="
            + Math.max(1, step.toSeconds()))
        .at("/data/result");
  }

  /** The Prometheus log, for a failure message. */
  public String log() {
    try {
      return Files.readString(dir.resolve("prometheus.log"));
    } catch (IOException e) {
      return "(no log: " + e + ")";
    }
  }

  private void awaitScraped(Duration timeout) throws IOException, InterruptedException {
    long deadline = System.nanoTime() + timeout.toNanos();
    String last = "not asked";
    while (System.nanoTime() < deadline) {
      if (!process.isAlive()) {
        throw new IllegalStateException("prometheus exited: " + log());
      }
      try {
        JsonNode targets = get("/api/v1/targets").at("/data/activeTargets");
        last = targets.toString();
        if (targets.size() == 1 && "up".equals(targets.get(0).path("health").asText())) {
          return;
        }
      } catch (IOException e) {
        last = e.toString();
      }
      Thread.sleep(200);
    }
    throw new AssertionError(
        "prometheus did not scrape the operator within " + timeout + ": " + last);
  }

  private void poll() {
    while (!closed) {
      try {
        List<AlertTimeline.Active> active = new ArrayList<>();
        for (JsonNode a : get("/api/v1/alerts").at("/data/alerts")) {
          Map<String, String> labels = new LinkedHashMap<>();
          a.path("labels")
              .fields()
              .forEachRemaining(e -> labels.put(e.getKey(), e.getValue().asText()));
          String name = labels.remove("alertname");
          active.add(
              new AlertTimeline.Active(
                  name, labels, a.path("state").asText(), a.path("value").asText()));
        }
        timeline.observe(Instant.now(), active);
      } catch (IOException e) {
        // Prometheus busy or going away: the next poll tells.
      } catch (InterruptedException e) {
        return;
      }
      try {
        Thread.sleep(POLL.toMillis());
      } catch (InterruptedException e) {
        return;
      }
    }
  }

  private JsonNode get(String path) throws IOException, InterruptedException {
    HttpResponse<String> r =
        http.send(
            HttpRequest.newBuilder(base.resolve(path)).timeout(Duration.ofSeconds(5)).build(),
            HttpResponse.BodyHandlers.ofString());
    if (r.statusCode() != 200) {
      throw new IOException(path + ": HTTP " + r.statusCode() + " " + r.body());
    }
    return JSON.readTree(r.body());
  }

  private static int freePort() throws IOException {
    try (ServerSocket s = new ServerSocket(0, 0, java.net.InetAddress.getLoopbackAddress())) {
      return s.getLocalPort();
    }
  }

  /** Stops Prometheus (its pid, this process's child) and removes its directory. */
  @Override
  public void close() {
    closed = true;
    poller.interrupt();
    process.destroy();
    try {
      if (!process.waitFor(10, TimeUnit.SECONDS)) {
        process.destroyForcibly().waitFor(5, TimeUnit.SECONDS);
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
    try (var files = Files.walk(dir)) {
      files.sorted(java.util.Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }
}
