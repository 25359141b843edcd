package dev.flinkresilience.operator.ship;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import com.fasterxml.jackson.dataformat.yaml.YAMLGenerator;
import com.fasterxml.jackson.dataformat.yaml.YAMLMapper;
import dev.flinkresilience.operator.ops.MetricNames;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;

/**
 * The chart's alerts evaluated by Prometheus' own promtool: the rules as rendered with the default
 * values are committed as a plain rules file ({@code tests/rules.yaml} beside the chart, checked
 * here for drift; {@code -Dreference.update=true} rewrites it), and {@code tests/alerts_test.yaml}
 * feeds them series shaped as the operator exports them. Every alert fires there with the labels
 * and annotations a receiver needs and stays silent in its near misses. Without promtool (Debian's
 * {@code prometheus} package; CI installs it) only the promtool steps are skipped.
 */
class AlertRulesTest {
  static final Path TESTS = RenderedChart.chartDir().resolve("tests");
  static final Path RULES = TESTS.resolve("rules.yaml");
  private static final Path UNIT_TESTS = TESTS.resolve("alerts_test.yaml");
  private static final Path OPERATIONS =
      Path.of(System.getProperty("repo.dir", "..")).resolve("docs/operations.md");
  private static final String HEADER =
      "# Generated: the chart's PrometheusRule as a plain Prometheus rules file (default values).\n"
          + "# Do not edit; change templates/prometheusrule.yaml and run\n"
          + "#   mvn -o -q test -pl operator -Dtest=AlertRulesTest -Dreference.update=true\n";
  private static final ObjectMapper YAML =
      new YAMLMapper(
          YAMLFactory.builder()
              .disable(YAMLGenerator.Feature.WRITE_DOC_START_MARKER)
              .enable(YAMLGenerator.Feature.MINIMIZE_QUOTES)
              .enable(YAMLGenerator.Feature.LITERAL_BLOCK_STYLE)
              .disable(YAMLGenerator.Feature.SPLIT_LINES)
              .build());

  /** Labels the operator puts on its series, and those Prometheus adds when scraping it. */
  private static final Set<String> LABELS =
      Set.of(
          MetricNames.NAMESPACE,
          MetricNames.NAME,
          MetricNames.PHASE,
          MetricNames.REASON,
          MetricNames.OUTCOME,
          "le",
          "instance",
          "job",
          "pod",
          "service",
          "endpoint",
          "container");

  static String renderedRules() throws IOException {
    JsonNode rule =
        RenderedChart.render("prometheusRule: {enabled: true}")
            .get("PrometheusRule", RenderedChart.RELEASE + "-flink-resilience-operator");
    ObjectNode file = YAML.createObjectNode();
    file.set("groups", rule.at("/spec/groups"));
    return HEADER + YAML.writeValueAsString(file);
  }

  @Test
  void committedRulesFileIsTheRenderedChart() throws IOException {
    String rendered = renderedRules();
    if (Boolean.getBoolean("reference.update")) {
      Files.createDirectories(TESTS);
      Files.writeString(RULES, rendered, StandardCharsets.UTF_8);
    }
    assertThat(Files.readString(RULES))
        .as(RULES + " is stale: run the command in its header and commit it")
        .isEqualTo(rendered);
  }

  @Test
  void everyAlertNamesItsJobAndRunbookAndUsesOnlyExportedMetrics() throws IOException {
    Set<String> anchors = anchors(Files.readString(OPERATIONS));
    for (JsonNode rule : rules()) {
      String alert = rule.path("alert").asText();
      JsonNode annotations = rule.path("annotations");
      assertThat(annotations.path("summary").asText()).as(alert + " summary").isNotBlank();
      assertThat(annotations.path("description").asText()).as(alert + " description").isNotBlank();
      String runbook = annotations.path("runbook_url").asText();
      assertThat(runbook).as(alert + " runbook_url").contains("operations.md#");
      String anchor = runbook.substring(runbook.indexOf('#') + 1);
      assertThat(anchor).as(alert + "'s runbook anchor").isEqualTo(alert.toLowerCase(Locale.ROOT));
      assertThat(anchors).as("headings of docs/operations.md").contains(anchor);
      assertThat(rule.path("labels").path("severity").asText())
          .as(alert)
          .isIn("info", "warning", "critical");
      assertThat(MetricNames.ALL)
          .as(alert + " reads only metrics the operator exports")
          .containsAll(AlertExpressions.metricNames(rule.path("expr").asText()));
    }
  }

  @Test
  void unitTestsFeedRealSeriesAndCoverEveryAlertBothWays() throws IOException {
    JsonNode tests = YAML.readTree(UNIT_TESTS.toFile());
    assertThat(tests.at("/rule_files/0").asText()).isEqualTo(RULES.getFileName().toString());
    Set<String> fires = new TreeSet<>();
    Set<String> silent = new TreeSet<>();
    Pattern series = Pattern.compile("^([a-zA-Z_:][a-zA-Z0-9_:]*)\\{(.*)}$");
    for (JsonNode test : tests.path("tests")) {
      for (JsonNode input : test.path("input_series")) {
        String s = input.path("series").asText();
        Matcher m = series.matcher(s);
        assertThat(m.matches()).as("series with labels: " + s).isTrue();
        assertThat(MetricNames.ALL).as("an exported metric: " + s).contains(m.group(1));
        for (String pair : m.group(2).split(",")) {
          assertThat(LABELS).as("label of " + s).contains(pair.split("=")[0].trim());
        }
      }
      for (JsonNode check : test.path("alert_rule_test")) {
        String alert = check.path("alertname").asText();
        (check.path("exp_alerts").isEmpty() ? silent : fires).add(alert);
        for (JsonNode expected : check.path("exp_alerts")) {
          JsonNode labels = expected.path("exp_labels");
          if (!alert.equals("FlinkJobRecoverySlow")) { // by reason across jobs, documented so
            assertThat(labels.has("namespace") && labels.has("name"))
                .as(alert + " names the job: " + labels)
                .isTrue();
          }
          assertThat(expected.path("exp_annotations").path("runbook_url").asText())
              .as(alert + " expected with its runbook")
              .isNotBlank();
        }
      }
    }
    List<String> alerts = rules().stream().map(r -> r.path("alert").asText()).toList();
    assertThat(fires).as("alerts seen firing").containsExactlyInAnyOrderElementsOf(alerts);
    assertThat(silent)
        .as("alerts seen silent in a near miss")
        .containsExactlyInAnyOrderElementsOf(alerts);
  }

  @Test
  void promtoolChecksTheRulesAndTheyFireAndStaySilentAsTested() throws Exception {
    Assumptions.assumeTrue(
        promtool(),
        "promtool not found: install Debian's prometheus package (.ci/run does) to run the"
            + " alerts' unit tests");
    String check = run("promtool", "check", "rules", RULES.toString());
    System.out.println(check);
    String tested = run("promtool", "test", "rules", UNIT_TESTS.toString());
    System.out.println(tested);
    assertThat(tested).contains("SUCCESS");
  }

  private static List<JsonNode> rules() throws IOException {
    List<JsonNode> out = new ArrayList<>();
    for (JsonNode group : YAML.readTree(renderedRules()).path("groups")) {
      group.path("rules").forEach(out::add);
    }
    return out;
  }

  /** GitHub's anchors of the Markdown headings: lower case, punctuation dropped, spaces to '-'. */
  static Set<String> anchors(String markdown) {
    Set<String> out = new TreeSet<>();
    for (String line : markdown.split("\n")) {
      if (line.startsWith("#")) {
        String text = line.replaceFirst("^#+\\s*", "").trim().toLowerCase(Locale.ROOT);
        out.add(text.replaceAll("[^a-z0-9 _-]", "").replace(' ', '-'));
      }
    }
    return out;
  }

  static boolean promtool() {
    try {
      return new ProcessBuilder("promtool", "--version").redirectErrorStream(true).start().waitFor()
          == 0;
    } catch (IOException | InterruptedException e) {
      return false;
    }
  }

  /** Runs a command to its end; its output, or an assertion error with it when it failed. */
  private static String run(String... command) throws IOException, InterruptedException {
    Process p = new ProcessBuilder(command).redirectErrorStream(true).start();
    String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    assertThat(p.waitFor(60, TimeUnit.SECONDS)).as(String.join(" ", command)).isTrue();
    assertThat(p.exitValue()).as(String.join(" ", command) + ":\n" + out).isZero();
    return String.join(" ", command) + "\n" + out;
  }
}
