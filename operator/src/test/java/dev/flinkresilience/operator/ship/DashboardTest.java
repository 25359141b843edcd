package dev.flinkresilience.operator.ship;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.flinkresilience.operator.ops.MetricNames;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The chart's Grafana dashboard: shipped as the sidecar expects when asked for, and every panel's
 * query is PromQL that Prometheus's own engine (promtool) evaluates to data over series shaped as
 * the operator exports them.
 */
class DashboardTest {
  private static final ObjectMapper JSON = new ObjectMapper();
  private static final String CONFIG_MAP =
      RenderedChart.RELEASE + "-flink-resilience-operator-dashboard";

  /** JOSDK's own series the dashboard reads besides the operator's. */
  private static final Set<String> JOSDK =
      Set.of(
          "operator_sdk_reconciliations_started_total",
          "operator_sdk_reconciliations_failed_total");

  /**
   * One series per metric the queries read, labelled as the operator labels them: job series by
   * namespace and name, incident counters by those and reason (and outcome), the time histograms by
   * reason only, the job count by phase.
   */
  private static final String SERIES =
      """
      - series: 'flinkresilience_jobs{phase="Running"}'
        values: '2x30'
      - series: 'flinkresilience_job_phase{namespace="streaming", name="orders", phase="Running"}'
        values: '1x30'
      - series: 'flinkresilience_job_running{namespace="streaming", name="orders"}'
        values: '0x30'
      - series: 'flinkresilience_checkpoint_age_seconds{namespace="streaming", name="orders"}'
        values: '5x30'
      - series: 'flinkresilience_flink_restarts_remaining{namespace="streaming", name="orders"}'
        values: '3x30'
      - series: 'flinkresilience_savepoint_age_seconds{namespace="streaming", name="orders"}'
        values: '60+60x30'
      - series: 'flinkresilience_detections_total{namespace="streaming", name="orders", reason="NodeLost"}'
        values: '0+1x30'
      - series: 'flinkresilience_recoveries_total{namespace="streaming", name="orders", reason="NodeLost", outcome="Recovered"}'
        values: '0+1x30'
      - series: 'flinkresilience_detection_seconds_bucket{reason="NodeLost", le="10.0"}'
        values: '0+1x30'
      - series: 'flinkresilience_detection_seconds_bucket{reason="NodeLost", le="+Inf"}'
        values: '0+1x30'
      - series: 'flinkresilience_recovery_seconds_bucket{reason="NodeLost", le="30.0"}'
        values: '0+1x30'
      - series: 'flinkresilience_recovery_seconds_bucket{reason="NodeLost", le="+Inf"}'
        values: '0+1x30'
      - series: 'flinkresilience_open_incident_id{namespace="streaming", name="orders", reason="NodeLost"}'
        values: '7x30'
      - series: 'flinkresilience_node_watch_healthy'
        values: '1x30'
      - series: 'flinkresilience_mass_loss_guard'
        values: '0x30'
      - series: 'operator_sdk_reconciliations_started_total'
        values: '0+4x30'
      - series: 'operator_sdk_reconciliations_failed_total'
        values: '0+1x30'
      """;

  @Test
  void theDashboardIsAConfigMapForTheGrafanaSidecarOnlyWhenAskedFor() throws IOException {
    assertThat(RenderedChart.render("").find("ConfigMap", CONFIG_MAP)).isEmpty();

    JsonNode cm =
        RenderedChart.render("grafanaDashboard: {enabled: true}").get("ConfigMap", CONFIG_MAP);
    assertThat(cm.at("/metadata/labels/grafana_dashboard").asText()).isEqualTo("1");
    JsonNode shipped = JSON.readTree(cm.at("/data/flink-resilience-operator.json").asText());
    assertThat(shipped).isEqualTo(dashboard());
    assertThat(titles(shipped))
        .contains(
            "Jobs by phase",
            "Open incidents",
            "Detections by reason",
            "Recoveries by reason and outcome",
            "Detection time (p50, p95)",
            "Recovery time (p50, p95)",
            "Checkpoint age per job",
            "Flink restarts remaining per job",
            "Savepoint age per job",
            "Node watch healthy, mass-loss guard");
  }

  @Test
  void everyQueryReadsOnlyMetricsTheOperatorExports() throws IOException {
    Set<String> read = new TreeSet<>();
    Pattern metric = Pattern.compile("\\b(flinkresilience_[a-z_]+|operator_sdk_[a-z_]+)");
    for (String expr : queries(dashboard())) {
      Matcher m = metric.matcher(expr);
      while (m.find()) {
        read.add(m.group(1));
      }
    }
    Set<String> exported = new TreeSet<>(MetricNames.ALL);
    exported.addAll(JOSDK);
    assertThat(exported).containsAll(read);
  }

  @Test
  void everyQueryEvaluatesToDataInPrometheusEngine(@TempDir Path dir) throws Exception {
    Assumptions.assumeTrue(
        promtoolAvailable(), "promtool not installed (.ci/run installs Debian's prometheus)");
    List<String> queries = queries(dashboard());
    StringBuilder rules = new StringBuilder("groups:\n  - name: dashboard\n    rules:\n");
    StringBuilder tests = new StringBuilder();
    for (int i = 0; i < queries.size(); i++) {
      String expr = grafanaVariablesFilled(queries.get(i));
      rules.append("      - record: dashboard:q").append(i).append('\n');
      rules.append("        expr: ").append(JSON.writeValueAsString(expr)).append('\n');
      // count() of an empty result is empty, not 0: this passes only if the query has data.
      tests.append("      - expr: count(dashboard:q").append(i).append(") > bool 0\n");
      tests.append("        eval_time: 20m\n");
      tests.append("        exp_samples: [{labels: '{}', value: 1}]\n");
    }
    Files.writeString(dir.resolve("dashboard-rules.yaml"), rules);
    Files.writeString(
        dir.resolve("dashboard-test.yaml"),
        "rule_files: [dashboard-rules.yaml]\nevaluation_interval: 1m\ntests:\n  - interval: 1m\n"
            + "    input_series:\n"
            + SERIES.indent(6)
            + "    promql_expr_test:\n"
            + tests);
    String out = promtoolTestRules(dir, "dashboard-test.yaml");
    System.out.println("promtool test rules, " + queries.size() + " dashboard queries:\n" + out);
  }

  /**
   * A job's first detection and recovery: their counters appear at 1 when they happen (the operator
   * creates a job's series on first use), which {@code increase()} alone shows as 0. Found by
   * drawing the dashboard from a chaos scenario's Prometheus: the panels were flat.
   */
  @Test
  void aJobsFirstDetectionAndRecoveryShow(@TempDir Path dir) throws Exception {
    Assumptions.assumeTrue(
        promtoolAvailable(), "promtool not installed (.ci/run installs Debian's prometheus)");
    JsonNode panels = dashboard().path("panels");
    String detections = grafanaVariablesFilled(targetOf(panels, "Detections by reason"));
    String recoveries =
        grafanaVariablesFilled(targetOf(panels, "Recoveries by reason and outcome"));
    String series =
        """
        - series: 'flinkresilience_detections_total{namespace="streaming", name="orders", reason="JobManagerLost"}'
          values: '_x10 1x20'
        - series: 'flinkresilience_recoveries_total{namespace="streaming", name="orders", reason="JobManagerLost", outcome="Recovered"}'
          values: '_x11 1x20'
        """;
    String test =
        "rule_files: []\nevaluation_interval: 1m\ntests:\n  - interval: 1m\n"
            + "    input_series:\n"
            + series.indent(6)
            + "    promql_expr_test:\n"
            + expect(detections, "12m", "{reason=\"JobManagerLost\"}", 1)
            + expect(recoveries, "13m", "{outcome=\"Recovered\", reason=\"JobManagerLost\"}", 1)
            // Once older than the window: the increase over it, nothing new.
            + expect(detections, "20m", "{reason=\"JobManagerLost\"}", 0);
    Files.writeString(dir.resolve("first-detection-test.yaml"), test);
    promtoolTestRules(dir, "first-detection-test.yaml");
  }

  /** {@code promtool test rules file} in {@code dir}; fails unless it passes; its output. */
  private static String promtoolTestRules(Path dir, String file) throws Exception {
    Process promtool =
        new ProcessBuilder("promtool", "test", "rules", file)
            .directory(dir.toFile())
            .redirectErrorStream(true)
            .start();
    String out = new String(promtool.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    assertThat(promtool.waitFor(60, TimeUnit.SECONDS)).isTrue();
    assertThat(promtool.exitValue()).as(out).isZero();
    return out;
  }

  private static String expect(String expr, String at, String labels, int value)
      throws IOException {
    return "      - expr: "
        + JSON.writeValueAsString(expr)
        + "\n        eval_time: "
        + at
        + "\n        exp_samples: [{labels: "
        + JSON.writeValueAsString(labels)
        + ", value: "
        + value
        + "}]\n";
  }

  private static String targetOf(JsonNode panels, String title) {
    for (JsonNode p : panels) {
      if (p.path("title").asText().equals(title)) {
        return p.path("targets").get(0).path("expr").asText();
      }
    }
    throw new AssertionError("no panel " + title);
  }

  /** What Grafana fills in: all namespaces and jobs, and a rate interval. */
  static String grafanaVariablesFilled(String expr) {
    return expr.replace("$namespace", ".*").replace("$job", ".*").replace("$__rate_interval", "5m");
  }

  static JsonNode dashboard() throws IOException {
    return JSON.readTree(
        RenderedChart.chartDir().resolve("dashboards/flink-resilience-operator.json").toFile());
  }

  static List<String> queries(JsonNode dashboard) {
    List<String> out = new ArrayList<>();
    dashboard
        .path("panels")
        .forEach(p -> p.path("targets").forEach(t -> out.add(t.path("expr").asText())));
    return out;
  }

  private static List<String> titles(JsonNode dashboard) {
    List<String> out = new ArrayList<>();
    dashboard.path("panels").forEach(p -> out.add(p.path("title").asText()));
    return out;
  }

  private static boolean promtoolAvailable() {
    try {
      return new ProcessBuilder("promtool", "--version").start().waitFor(10, TimeUnit.SECONDS);
    } catch (IOException e) {
      return false;
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return false;
    }
  }
}
