package dev.flinkresilience.operator.ship;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import com.fasterxml.jackson.dataformat.yaml.YAMLMapper;
import com.marcnuri.helm.Helm;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * The chart rendered by a real Helm (helm-java embeds Helm's Go library), as parsed objects. The
 * same path as {@code helm template}: templates, values.schema.json and {@code fail} all apply.
 */
public final class RenderedChart {
  public static final String RELEASE = "fro";
  public static final String NAMESPACE = "flink-operator";
  public static final String KUBE_VERSION = "1.31.0";
  private static final ObjectMapper YAML = new YAMLMapper();

  private final List<JsonNode> objects;

  private RenderedChart(List<JsonNode> objects) {
    this.objects = objects;
  }

  public static Path chartDir() {
    return Path.of(System.getProperty("chart.dir", "../charts/flink-resilience-operator"));
  }

  /** Renders with the chart's defaults overridden by {@code valuesYaml} (may be empty). */
  public static RenderedChart render(String valuesYaml) {
    try {
      Path values = Files.createTempFile("values", ".yaml");
      try {
        Files.writeString(values, valuesYaml);
        String out =
            new Helm(chartDir())
                .template()
                .withName(RELEASE)
                .withNamespace(NAMESPACE)
                // helm template assumes an old Kubernetes unless told; the chart needs >= 1.27.
                .withKubeVersion(KUBE_VERSION)
                .withValuesFile(values)
                .call();
        return new RenderedChart(parse(out));
      } finally {
        Files.deleteIfExists(values);
      }
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  private static List<JsonNode> parse(String multiDocument) throws IOException {
    List<JsonNode> docs = new ArrayList<>();
    try (var parser = new YAMLFactory().createParser(multiDocument)) {
      var it = YAML.readValues(parser, JsonNode.class);
      while (it.hasNext()) {
        JsonNode doc = it.next();
        if (doc != null && doc.isObject() && doc.has("kind")) {
          docs.add(doc);
        }
      }
    }
    return docs;
  }

  public List<JsonNode> all() {
    return objects;
  }

  public List<JsonNode> ofKind(String kind) {
    return objects.stream().filter(o -> kind.equals(o.path("kind").asText())).toList();
  }

  public Optional<JsonNode> find(String kind, String name) {
    return ofKind(kind).stream()
        .filter(o -> name.equals(o.path("metadata").path("name").asText()))
        .findFirst();
  }

  public JsonNode get(String kind, String name) {
    return find(kind, name)
        .orElseThrow(() -> new AssertionError("no " + kind + " " + name + " in " + summary()));
  }

  /** {@code Kind namespace/name} of every object, for assertions and failure messages. */
  public List<String> summary() {
    return objects.stream()
        .map(
            o ->
                o.path("kind").asText()
                    + " "
                    + o.path("metadata").path("namespace").asText("")
                    + "/"
                    + o.path("metadata").path("name").asText())
        .sorted()
        .toList();
  }

  public <T> T as(JsonNode node, Class<T> type) {
    return YAML.convertValue(node, type);
  }

  /** The operator's settings ConfigMap. */
  public Map<String, String> settings() {
    return YAML.convertValue(
        get("ConfigMap", RELEASE + "-flink-resilience-operator-config").path("data"),
        YAML.getTypeFactory().constructMapType(Map.class, String.class, String.class));
  }
}
