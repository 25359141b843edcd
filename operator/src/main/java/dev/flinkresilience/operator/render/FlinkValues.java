package dev.flinkresilience.operator.render;

import dev.flinkresilience.operator.spec.Durations;
import java.math.BigDecimal;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;

/**
 * Values in the syntax Flink parses from a configuration string. Lists and maps are YAML flow
 * collections of double-quoted strings: every supported version (1.20 to 2.3) parses a string value
 * of a list or map option as YAML first, and fully quoted elements stay strings whatever they
 * contain (spaces, commas, semicolons, quotes, colons, brackets, newlines).
 */
final class FlinkValues {
  private FlinkValues() {}

  /** {@code ["a", "b c"]}. */
  static String list(List<String> items) {
    return items.stream().map(FlinkValues::quoted).collect(Collectors.joining(", ", "[", "]"));
  }

  /** {@code {"k": "v"}}. */
  static String map(Map<String, String> entries) {
    return entries.entrySet().stream()
        .map(e -> quoted(e.getKey()) + ": " + quoted(e.getValue()))
        .collect(Collectors.joining(", ", "{", "}"));
  }

  /** A spec duration ({@code 1m30s}) as Flink writes it ({@code 90 s}). */
  static String duration(String specDuration) {
    return Durations.toFlink(Durations.parse(specDuration));
  }

  /** A double without exponent or trailing zeros ({@code 1.5}, {@code 2}, {@code 0.1}). */
  static String decimal(double value) {
    return BigDecimal.valueOf(value).stripTrailingZeros().toPlainString();
  }

  /**
   * A YAML double-quoted scalar. Characters YAML would fold (line breaks) or reject (other control
   * characters) are escaped as \\uXXXX so they arrive unchanged.
   */
  static String quoted(String value) {
    StringBuilder out = new StringBuilder(value.length() + 2).append('"');
    for (int i = 0; i < value.length(); i++) {
      char c = value.charAt(i);
      if (c == '"' || c == '\\') {
        out.append('\\').append(c);
      } else if (needsEscape(c)) {
        out.append(String.format("\\u%04x", (int) c));
      } else {
        out.append(c);
      }
    }
    return out.append('"').toString();
  }

  private static boolean needsEscape(char c) {
    return c < 0x20
        || (c >= 0x7f && c <= 0x9f)
        || c == '\u2028'
        || c == '\u2029'
        || c == '\ufeff'
        || c == '\ufffe'
        || c == '\uffff';
  }
}
