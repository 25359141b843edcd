package dev.flinkresilience.local.bench;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * How the benchmark sizes the operator's JVM. By default as the image and the chart run it: the
 * image's {@code JAVA_TOOL_OPTIONS}, read from the Dockerfile so the two cannot drift apart, in a
 * JVM told that its memory is the chart's container limit ({@code -XX:MaxRAM}, which is what the
 * JVM reads from the cgroup in a container), so the heap is the image's share of the limit and a
 * resident size past the limit is what would get the pod OOM-killed. {@code --heap} keeps the
 * earlier runs' fixed heap ({@code -Xmx1g} whatever the limit), for comparing with them.
 *
 * @param options the java command line's options before {@code -jar}
 * @param env environment variables of the operator process
 * @param limitBytes the container memory limit the run stands for; 0 when there is none
 */
record OperatorJvm(List<String> options, Map<String, String> env, long limitBytes) {
  private static final Pattern TOOL_OPTIONS = Pattern.compile("JAVA_TOOL_OPTIONS=\"([^\"]*)\"");
  private static final Pattern CHART_LIMIT =
      Pattern.compile("(?m)^  limits:\\n    memory: (\\S+)$");

  static OperatorJvm fixedHeap(String heap) {
    return new OperatorJvm(List.of("-Xmx" + heap), Map.of(), 0);
  }

  /** The image's JVM options in a JVM whose memory is {@code limit} (a Kubernetes quantity). */
  static OperatorJvm asTheChart(Path repo, String limit) {
    return new OperatorJvm(
        List.of("-XX:MaxRAM=" + bytes(limit)),
        Map.of("JAVA_TOOL_OPTIONS", imageOptions(repo)),
        bytes(limit));
  }

  /** The chart's default memory limit (values.yaml {@code resources.limits.memory}). */
  static String chartLimit(Path repo) {
    String values = read(repo.resolve("charts/flink-resilience-operator/values.yaml"));
    Matcher m = CHART_LIMIT.matcher(values);
    if (!m.find()) {
      throw new IllegalStateException("no resources.limits.memory in the chart's values.yaml");
    }
    return m.group(1);
  }

  /** The value of {@code JAVA_TOOL_OPTIONS} the Dockerfile sets. */
  static String imageOptions(Path repo) {
    Matcher m = TOOL_OPTIONS.matcher(read(repo.resolve("Dockerfile")));
    if (!m.find()) {
      throw new IllegalStateException("no JAVA_TOOL_OPTIONS=\"...\" in the Dockerfile");
    }
    return m.group(1);
  }

  /** Bytes of a Kubernetes memory quantity: a plain number, or Ki, Mi, Gi, k, M, G. */
  static long bytes(String quantity) {
    Matcher m = Pattern.compile("(\\d+)(Ki|Mi|Gi|k|M|G)?").matcher(quantity);
    if (!m.matches()) {
      throw new IllegalArgumentException("not a memory quantity: " + quantity);
    }
    long n = Long.parseLong(m.group(1));
    String unit = m.group(2) == null ? "" : m.group(2);
    return switch (unit) {
      case "Ki" -> n << 10;
      case "Mi" -> n << 20;
      case "Gi" -> n << 30;
      case "k" -> n * 1_000;
      case "M" -> n * 1_000_000;
      case "G" -> n * 1_000_000_000;
      default -> n;
    };
  }

  /** For the report: what the run's JVM was given. */
  String describe() {
    if (limitBytes == 0) {
      return "operator " + String.join(" ", options);
    }
    return String.format(
        Locale.ROOT,
        "operator as the chart runs it: a %d MiB memory limit, JAVA_TOOL_OPTIONS \"%s\"",
        limitBytes >> 20,
        env.get("JAVA_TOOL_OPTIONS"));
  }

  private static String read(Path file) {
    try {
      return Files.readString(file);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }
}
