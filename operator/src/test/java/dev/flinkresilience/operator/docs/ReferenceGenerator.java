package dev.flinkresilience.operator.docs;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.fasterxml.jackson.dataformat.yaml.YAMLMapper;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Writes docs/reference.md from the committed CRD: one table per object level (spec, spec.job, ...,
 * status, status.recovery, ...), each field with its type, default, allowed values, whether it is
 * required, and its description. The CRD holds no schema defaults (the operator defaults in code),
 * so the default column is read from the descriptions' "Default: x." and "x (default)". The output
 * depends on the CRD text only: no dates, no environment.
 *
 * <p>Run: {@code mvn -o -q test -pl operator -Dtest=ReferenceUpToDateTest -Dreference.update=true}.
 */
public final class ReferenceGenerator {
  /** The regeneration command, for the header and the staleness test's message. */
  public static final String COMMAND =
      "mvn -o -q test -pl operator -Dtest=ReferenceUpToDateTest -Dreference.update=true";

  static final String DURATION_PATTERN = "^(0|([0-9]+(\\.[0-9]+)?(ms|s|m|h))+)$";
  private static final String DURATION_SENTENCE = "A duration such as 500ms, 20s, 5m or 1h. ";
  private static final Pattern DEFAULT_SENTENCE = Pattern.compile("Default: (.+?)\\.(?=\\s|$)");
  private static final Pattern DEFAULT_MARK = Pattern.compile("(\\S+) \\(default");

  private final List<String> tables = new ArrayList<>();
  private final Map<JsonNode, String> documented = new LinkedHashMap<>();

  private ReferenceGenerator() {}

  /** args: the CRD file and the markdown file to write. */
  public static void main(String[] args) throws IOException {
    Path crd =
        Path.of(args.length > 0 ? args[0] : "crds/flinkresilientjobs.flinkresilience.dev-v1.yml");
    Path out = Path.of(args.length > 1 ? args[1] : "docs/reference.md");
    Files.writeString(out, generate(crd), StandardCharsets.UTF_8);
  }

  /** The reference for the CRD at {@code crd}. */
  public static String generate(Path crd) throws IOException {
    JsonNode root = new YAMLMapper().readTree(crd.toFile());
    JsonNode version = root.at("/spec/versions/0");
    JsonNode schema = version.at("/schema/openAPIV3Schema");
    ReferenceGenerator g = new ReferenceGenerator();
    for (String top : List.of("spec", "status")) {
      JsonNode node = schema.path("properties").path(top);
      g.documented.putIfAbsent(shape(node), top);
      g.object(top, node);
    }
    String kind = root.at("/spec/names/kind").asText();
    String group = root.at("/spec/group").asText();
    StringBuilder md = new StringBuilder();
    md.append("# ").append(kind).append(" reference\n\n");
    md.append("<!-- Generated from crds/")
        .append(crd.getFileName())
        .append(
            " by operator/src/test/java/dev/flinkresilience/operator/docs/ReferenceGenerator.java;")
        .append(" do not edit. Regenerate: ")
        .append(COMMAND)
        .append(" -->\n\n");
    md.append("`apiVersion: ")
        .append(group)
        .append('/')
        .append(version.path("name").asText())
        .append("`, `kind: ")
        .append(kind)
        .append("`, short name `")
        .append(root.at("/spec/names/shortNames/0").asText())
        .append("`. The descriptions are the ones `kubectl explain ")
        .append(root.at("/spec/names/shortNames/0").asText())
        .append(".spec` shows. Defaults are applied by the operator, not by the API server, so a")
        .append(" field left out stays absent in the stored object. A *duration* is a string such")
        .append(" as 500ms, 20s, 5m or 1h (`0` where a description says it turns something off).")
        .append(" Rules marked CEL are checked by the API server; the operator checks the rest and")
        .append(" reports them as `Ready=False`, reason `InvalidSpec`.\n\n");
    md.append("Levels:\n\n");
    for (String table : g.tables) {
      String path = table.substring("## ".length(), table.indexOf('\n'));
      md.append("- [").append(path).append("](#").append(anchor(path)).append(")\n");
    }
    for (String table : g.tables) {
      md.append('\n').append(table);
    }
    return md.toString();
  }

  /** Adds the table of the object at {@code path}, then the tables of its object fields. */
  private void object(String path, JsonNode node) {
    StringBuilder t = new StringBuilder("## ").append(path).append("\n\n");
    String description = node.path("description").asText("");
    if (!description.isEmpty()) {
      t.append(cell(description)).append("\n\n");
    }
    t.append("| Field | Type | Default | Allowed | Required | Description |\n");
    t.append("|---|---|---|---|---|---|\n");
    List<Runnable> nested = new ArrayList<>();
    List<String> required = new ArrayList<>();
    node.path("required").forEach(r -> required.add(r.asText()));
    node.path("properties")
        .fields()
        .forEachRemaining(
            e -> {
              String field = path + "." + e.getKey();
              JsonNode child = e.getValue();
              JsonNode target = child.has("items") ? child.path("items") : child;
              String targetPath = child.has("items") ? field + "[]" : field;
              String type = type(child);
              if (target.has("properties")) {
                String same = documented.get(shape(target));
                if (same != null) {
                  type += ", same fields as [" + same + "](#" + anchor(same) + ")";
                } else {
                  documented.put(shape(target), targetPath);
                  type += ", see [" + targetPath + "](#" + anchor(targetPath) + ")";
                  nested.add(() -> object(targetPath, target));
                }
              }
              t.append("| `")
                  .append(field)
                  .append("` | ")
                  .append(type)
                  .append(" | ")
                  .append(cell(defaultOf(child)))
                  .append(" | ")
                  .append(cell(allowed(child)))
                  .append(" | ")
                  .append(required.contains(e.getKey()) ? "yes" : "")
                  .append(" | ")
                  .append(cell(cleanDescription(child.path("description").asText(""), child)))
                  .append(" |\n");
            });
    for (JsonNode rule : node.path("x-kubernetes-validations")) {
      t.append("\nCEL: ")
          .append(rule.path("message").asText())
          .append(" (`")
          .append(rule.path("rule").asText().replace("`", "'"))
          .append("`)\n");
    }
    tables.add(t.toString());
    nested.forEach(Runnable::run);
  }

  private static String type(JsonNode n) {
    if (n.path("x-kubernetes-int-or-string").asBoolean()) {
      return "integer or string";
    }
    if (DURATION_PATTERN.equals(n.path("pattern").asText())) {
      return "duration";
    }
    String type = n.path("type").asText("");
    if (type.equals("array")) {
      return "array of " + type(n.path("items"));
    }
    if (type.equals("object") && n.path("x-kubernetes-preserve-unknown-fields").asBoolean()) {
      return "object (free-form)";
    }
    if (type.equals("object") && n.has("additionalProperties") && !n.has("properties")) {
      return "map of " + type(n.path("additionalProperties"));
    }
    return type;
  }

  private static String allowed(JsonNode n) {
    List<String> parts = new ArrayList<>();
    if (n.has("enum")) {
      List<String> values = new ArrayList<>();
      n.path("enum").forEach(v -> values.add("`" + v.asText() + "`"));
      parts.add(String.join(", ", values));
    }
    if (n.has("minimum")) {
      parts.add("≥ " + number(n.path("minimum")));
    }
    if (n.has("maximum")) {
      parts.add("≤ " + number(n.path("maximum")));
    }
    String pattern = n.path("pattern").asText("");
    if (!pattern.isEmpty() && !pattern.equals(DURATION_PATTERN)) {
      parts.add("pattern `" + pattern + "`");
    }
    return String.join("; ", parts);
  }

  /** "Default: 30s." or "exactly-once (default)", the latter only for a value the field allows. */
  static String defaultOf(JsonNode n) {
    String description = n.path("description").asText("");
    Matcher sentence = DEFAULT_SENTENCE.matcher(description);
    if (sentence.find()) {
      return sentence.group(1);
    }
    Matcher mark = DEFAULT_MARK.matcher(description);
    while (mark.find()) {
      String value = mark.group(1).replaceAll("^[(,]+|[,:]+$", "");
      boolean inEnum = false;
      for (JsonNode v : n.path("enum")) {
        inEnum |= v.asText().equals(value);
      }
      boolean isDuration =
          DURATION_PATTERN.equals(n.path("pattern").asText()) && value.matches(DURATION_PATTERN);
      if (inEnum || isDuration) {
        return value;
      }
    }
    return "";
  }

  private static String cleanDescription(String description, JsonNode n) {
    return DURATION_PATTERN.equals(n.path("pattern").asText())
        ? description.replace(DURATION_SENTENCE, "")
        : description;
  }

  private static String number(JsonNode n) {
    double d = n.asDouble();
    return d == Math.rint(d) ? Long.toString((long) d) : Double.toString(d);
  }

  private static String cell(String text) {
    return text.replace("|", "\\|").replace("<", "&lt;").replace("\n", " ");
  }

  /** An object's fields and rules without its own description, to spot the same shape twice. */
  private static JsonNode shape(JsonNode node) {
    ObjectNode copy = node.deepCopy();
    copy.remove("description");
    return copy;
  }

  /** GitHub's heading anchor: lower case, punctuation other than - and _ dropped. */
  static String anchor(String heading) {
    return heading
        .toLowerCase(java.util.Locale.ROOT)
        .replaceAll("[^a-z0-9 _-]", "")
        .replace(' ', '-');
  }
}
