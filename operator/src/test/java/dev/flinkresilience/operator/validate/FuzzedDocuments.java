package dev.flinkresilience.operator.validate;

import com.fasterxml.jackson.core.JacksonException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.stream.Stream;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Combinators;
import net.jqwik.api.Tuple;

/**
 * Generators of malformed custom resources for {@link SpecValidatorFuzzTest}, built around the
 * DESIGN.md example so that a good share of them still maps onto the api classes and reaches the
 * validator.
 */
public final class FuzzedDocuments {
  private static final JsonNodeFactory NODES = JsonNodeFactory.instance;

  /** The DESIGN.md example: it has every field, so mutating it reaches every field. */
  private static final ObjectNode EXAMPLE = loadExample();

  /** Status is not validated, so fuzzing it would only dilute the tries. */
  private static final List<List<String>> EXAMPLE_PATHS =
      pathsOf(EXAMPLE).stream().filter(path -> !path.get(0).equals("status")).toList();

  /** Every field name of the CR, so that random documents have a chance of meaning something. */
  private static final List<String> FIELD_NAMES = fieldNames(EXAMPLE);

  /** Values with a meaning somewhere in the CR, and values that sit on an edge of some rule. */
  private static final List<String> INTERESTING =
      Stream.of(
              words(
                  "0 -1 1 10 1ms 9ms 10ms 0s 30s 1m30s 1.5h -5s 0.4ms 1h1 1d 99999999999999999999h"),
              words(
                  "s3://bucket/x s3:bucket s3:// local:///opt/x.jar relative/path /abs/path //host/x"),
              words("http://[::1 zk:2181 zk:99999, [::1]:2181 a:1,,b:2"),
              words("none kubernetes zookeeper fixed-delay failure-rate exponential-delay"),
              words(
                  "exactly-once at-least-once hashmap rocksdb region full always whenFenced never"),
              words("latestCheckpoint latestSavepoint running suspended native standalone"),
              words("1.20 2.0 2.2 2.3 3.0 500m 1600Mi 2Gi -1Gi 1e400 1m5 9Ei Pod v1"),
              words("orders Orders ~ null true NaN Infinity com.example.Orders ünïcødé"),
              List.of(
                  "", " ", "\n", "file:///tmp/x y", "nul\u0000l", "a".repeat(46), "x".repeat(300)))
          .flatMap(List::stream)
          .toList();

  /** Keys the operator owns (some by prefix), near misses, and junk. */
  private static final List<String> CONFIG_KEYS =
      Stream.of(
              words("state.checkpoints.dir state.savepoints.dir execution.checkpointing.interval"),
              words("high-availability high-availability.type kubernetes.high-availability.x"),
              words("restart-strategy.type $internal.pipeline.job-id kubernetes.cluster-id"),
              words("kubernetes.jobmanager.cpu.limit-factor taskmanager.numberOfTaskSlots"),
              words("pipeline.jars state.backend.typo pipeline.name [] a.b"),
              words("taskmanager.memory.managed.fraction"),
              List.of("", " ", " state.backend.type"))
          .flatMap(List::stream)
          .toList();

  private static List<String> words(String spaceSeparated) {
    return List.of(spaceSeparated.split(" "));
  }

  private FuzzedDocuments() {}

  /** The example with one to eight fields set to random values, sections included. */
  public static Arbitrary<JsonNode> mutatedExamples() {
    Arbitrary<Mutation> anywhere =
        Combinators.combine(Arbitraries.of(EXAMPLE_PATHS), values()).as(Mutation::new);
    Arbitrary<Mutation> configEntry =
        Combinators.combine(
                Arbitraries.oneOf(Arbitraries.of(CONFIG_KEYS), randomStrings()),
                Arbitraries.oneOf(Arbitraries.of(INTERESTING), randomStrings()))
            .as(
                (key, value) ->
                    new Mutation(
                        List.of("spec", "flinkConfiguration", key), NODES.textNode(value)));
    Arbitrary<Mutation> podTemplate =
        Combinators.combine(
                Arbitraries.of("jobManager", "taskManager"),
                Arbitraries.of(
                    List.of("spec"),
                    List.of("kind"),
                    List.of("apiVersion"),
                    List.of("metadata", "labels"),
                    List.of("spec", "containers"),
                    List.of("spec", "nodeSelector"),
                    List.of("spec", "containers", "0", "name")),
                values())
            .as(
                (process, inside, value) -> {
                  List<String> path = new ArrayList<>(List.of("spec", process, "podTemplate"));
                  path.addAll(inside);
                  return new Mutation(path, value);
                });
    return Arbitraries.frequencyOf(
            Tuple.of(6, anywhere), Tuple.of(2, configEntry), Tuple.of(1, podTemplate))
        .list()
        .ofMinSize(1)
        .ofMaxSize(8)
        .map(
            mutations -> {
              ObjectNode document = EXAMPLE.deepCopy();
              mutations.forEach(m -> m.applyTo(document));
              return document;
            });
  }

  /** Edited example YAML, random documents of CR field names, and YAML-ish garbage. */
  static Arbitrary<String> yamlDocuments() {
    Arbitrary<String> randomTrees =
        tree(4)
            .map(
                spec -> {
                  ObjectNode document = NODES.objectNode();
                  document.put("apiVersion", "flinkresilience.dev/v1alpha1");
                  document.put("kind", "FlinkResilientJob");
                  document.putObject("metadata").put("name", "orders");
                  document.set("spec", spec);
                  return toYaml(document);
                });
    Arbitrary<String> editedExample =
        Combinators.combine(
                Arbitraries.integers().between(0, 200).list().ofMinSize(1).ofMaxSize(4),
                Arbitraries.oneOf(Arbitraries.of(INTERESTING), randomStrings()))
            .as(FuzzedDocuments::editLines);
    Arbitrary<String> garbage =
        Arbitraries.strings()
            .withChars(" :-{}[]\n\t#&*!|>'\"%@`,?~")
            .alpha()
            .numeric()
            .ofMaxLength(200);
    return Arbitraries.frequencyOf(
        Tuple.of(3, editedExample), Tuple.of(2, randomTrees), Tuple.of(1, garbage));
  }

  /** Replaces the value on some lines of the example YAML, keeping its shape. */
  private static String editLines(List<Integer> lineNumbers, String value) {
    String[] lines = toYaml(EXAMPLE).split("\n");
    for (int n : lineNumbers) {
      int i = n % lines.length;
      int colon = lines[i].indexOf(':');
      String replacement = value.isEmpty() ? "" : " " + toYamlScalar(value);
      lines[i] = colon < 0 ? replacement : lines[i].substring(0, colon + 1) + replacement;
    }
    return String.join("\n", lines);
  }

  /** Either a plain scalar (which YAML may read as a number, bool or null) or a quoted string. */
  private static String toYamlScalar(String value) {
    return value.chars().allMatch(c -> Character.isLetterOrDigit(c) || ".-/:".indexOf(c) >= 0)
        ? value
        : toYaml(NODES.textNode(value)).strip();
  }

  private static Arbitrary<JsonNode> values() {
    Arbitrary<JsonNode> nulls = Arbitraries.just(NODES.nullNode());
    Arbitrary<JsonNode> texts =
        Arbitraries.oneOf(Arbitraries.of(INTERESTING), randomStrings()).map(NODES::textNode);
    Arbitrary<JsonNode> ints =
        Arbitraries.oneOf(
                Arbitraries.integers(),
                Arbitraries.of(Integer.MIN_VALUE, -1, 0, 1, 2, 32768, 32769, Integer.MAX_VALUE))
            .map(NODES::numberNode);
    Arbitrary<JsonNode> longs =
        Arbitraries.of(Long.MIN_VALUE, -1L, (long) Integer.MAX_VALUE + 1, Long.MAX_VALUE)
            .map(NODES::numberNode);
    Arbitrary<JsonNode> doubles =
        Arbitraries.oneOf(
                Arbitraries.doubles(),
                Arbitraries.of(
                    Double.NaN,
                    Double.POSITIVE_INFINITY,
                    Double.NEGATIVE_INFINITY,
                    -0.0,
                    1.0,
                    1.5,
                    1e308))
            .map(NODES::numberNode);
    Arbitrary<JsonNode> booleans = Arbitraries.of(true, false).map(NODES::booleanNode);
    return Arbitraries.frequencyOf(
        Tuple.of(4, nulls),
        Tuple.of(6, texts),
        Tuple.of(3, ints),
        Tuple.of(1, longs),
        Tuple.of(2, doubles),
        Tuple.of(1, booleans),
        Tuple.of(2, tree(2)));
  }

  /** A random object of CR field names and random values, {@code depth} levels deep at most. */
  private static Arbitrary<JsonNode> tree(int depth) {
    Arbitrary<JsonNode> leaf =
        Arbitraries.oneOf(
            Arbitraries.just(NODES.nullNode()),
            Arbitraries.of(INTERESTING).map(NODES::textNode),
            Arbitraries.integers().between(-3, 100).map(NODES::numberNode));
    if (depth == 0) {
      return leaf;
    }
    Arbitrary<JsonNode> child = Arbitraries.lazy(() -> tree(depth - 1));
    Arbitrary<JsonNode> object =
        Arbitraries.maps(
                Arbitraries.oneOf(Arbitraries.of(FIELD_NAMES), randomStrings()),
                Arbitraries.oneOf(leaf, child))
            .ofMaxSize(6)
            .map(
                fields -> {
                  ObjectNode node = NODES.objectNode();
                  fields.forEach(node::set);
                  return node;
                });
    Arbitrary<JsonNode> array =
        Arbitraries.oneOf(leaf, child)
            .list()
            .ofMaxSize(3)
            .map(
                items -> {
                  ArrayNode node = NODES.arrayNode();
                  items.forEach(node::add);
                  return node;
                });
    return Arbitraries.frequencyOf(Tuple.of(2, leaf), Tuple.of(3, object), Tuple.of(1, array));
  }

  private static Arbitrary<String> randomStrings() {
    return Arbitraries.strings().all().ofMaxLength(40);
  }

  /** Sets {@code value} at {@code path}, creating (or replacing with) objects along the way. */
  private record Mutation(List<String> path, JsonNode value) {
    void applyTo(ObjectNode root) {
      ObjectNode parent = root;
      for (String name : path.subList(0, path.size() - 1)) {
        JsonNode next = parent.get(name);
        if (!(next instanceof ObjectNode)) {
          next = parent.putObject(name);
        }
        parent = (ObjectNode) next;
      }
      parent.set(path.get(path.size() - 1), value);
    }
  }

  private static ObjectNode loadExample() {
    try {
      return (ObjectNode)
          DesignExampleTest.STRICT_YAML.valueToTree(DesignExampleTest.designExample());
    } catch (Exception e) {
      throw new IllegalStateException("cannot load the design example", e);
    }
  }

  private static String toYaml(JsonNode node) {
    try {
      return DesignExampleTest.STRICT_YAML.writeValueAsString(node);
    } catch (JacksonException e) {
      throw new IllegalStateException(e);
    }
  }

  /** The path of every node below the root, sections as well as leaves. */
  private static List<List<String>> pathsOf(JsonNode root) {
    List<List<String>> paths = new ArrayList<>();
    collectPaths(root, new ArrayList<>(), paths);
    return List.copyOf(paths);
  }

  private static void collectPaths(JsonNode node, List<String> at, List<List<String>> paths) {
    for (Map.Entry<String, JsonNode> field : node.properties()) {
      List<String> path = new ArrayList<>(at);
      path.add(field.getKey());
      paths.add(List.copyOf(path));
      collectPaths(field.getValue(), path, paths);
    }
  }

  private static List<String> fieldNames(JsonNode root) {
    Set<String> names = new TreeSet<>();
    pathsOf(root).forEach(path -> names.add(path.get(path.size() - 1)));
    return List.copyOf(names);
  }
}
