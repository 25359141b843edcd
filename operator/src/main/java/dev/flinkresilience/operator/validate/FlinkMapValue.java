package dev.flinkresilience.operator.validate;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import java.io.IOException;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * Reads a Flink map option such as {@code kubernetes.jobmanager.annotations} ({@code k1:v1,k2:v2})
 * the ways Flink does. Flink 2 first tries the value as YAML (so {@code {a: b}} and {@code a: b, c}
 * are maps too) and otherwise splits it: entries on ',' and key from value on ':', each part
 * trimmed, a part quoted with ' or " (a doubled quote inside stands for itself) to hold a ',' or
 * ':'. Flink 1.x only splits. Which reading wins depends on the Flink version that reads it (the
 * operator's for the JobManager, the image's for the TaskManagers), so a rule must accept every
 * reading. Flink is not on this package's class path; a test checks the readings against Flink.
 */
final class FlinkMapValue {
  private static final ObjectMapper YAML = new ObjectMapper(new YAMLFactory());

  private FlinkMapValue() {}

  /** Every map Flink might read from {@code text}; empty when no Flink reads a map from it. */
  static List<Map<String, String>> readings(String text) {
    List<Map<String, String>> readings = new ArrayList<>();
    yaml(text).ifPresent(readings::add);
    parse(text).filter(m -> !readings.contains(m)).ifPresent(readings::add);
    return readings;
  }

  /** The YAML reading, when {@code text} is a YAML map. */
  private static Optional<Map<String, String>> yaml(String text) {
    try {
      Object value = YAML.readValue(text, Object.class);
      if (!(value instanceof Map<?, ?> map)) {
        return Optional.empty();
      }
      Map<String, String> strings = new LinkedHashMap<>();
      map.forEach((k, v) -> strings.put(String.valueOf(k), String.valueOf(v)));
      return Optional.of(strings);
    } catch (IOException | RuntimeException e) {
      return Optional.empty();
    }
  }

  /** The split reading, or empty when Flink would not split {@code text} into a map either. */
  static Optional<Map<String, String>> parse(String text) {
    try {
      Map<String, String> map = new LinkedHashMap<>();
      for (String entry : split(text, ',')) {
        List<String> pair = split(entry, ':');
        if (pair.size() != 2 || map.put(pair.get(0), pair.get(1)) != null) {
          return Optional.empty();
        }
      }
      return Optional.of(map);
    } catch (IllegalArgumentException e) {
      return Optional.empty();
    }
  }

  private enum Kind {
    QUOTED,
    UNQUOTED,
    DELIMITER
  }

  private record Token(Kind kind, String text) {}

  /** Splits on {@code delimiter} outside quotes; throws on unbalanced quotes. */
  static List<String> split(String text, char delimiter) {
    List<Token> tokens = new ArrayList<>();
    int i = 0;
    while (i < text.length()) {
      char c = text.charAt(i);
      StringBuilder b = new StringBuilder();
      if (c == '\'' || c == '"') {
        i = quoted(text, i, b);
        tokens.add(new Token(Kind.QUOTED, b.toString()));
      } else if (c == delimiter) {
        tokens.add(new Token(Kind.DELIMITER, ""));
        i++;
      } else if (Character.isWhitespace(c)) {
        i++;
      } else {
        // Quotes inside an unquoted part are plain characters (to be read by the inner split).
        while (i < text.length() && text.charAt(i) != delimiter) {
          b.append(text.charAt(i));
          i++;
        }
        tokens.add(new Token(Kind.UNQUOTED, b.toString().trim()));
      }
    }
    List<String> parts = new ArrayList<>();
    for (int t = 0; t < tokens.size(); t++) {
      Token token = tokens.get(t);
      boolean nextIsDelimiter = t + 1 < tokens.size() && tokens.get(t + 1).kind == Kind.DELIMITER;
      switch (token.kind) {
        case QUOTED -> {
          if (t + 1 < tokens.size() && !nextIsDelimiter) {
            throw new IllegalArgumentException("text after a closing quote");
          }
          parts.add(token.text);
        }
        case UNQUOTED -> parts.add(token.text);
        case DELIMITER -> {
          if (nextIsDelimiter) {
            parts.add("");
          }
        }
      }
    }
    return parts;
  }

  /** Reads a quoted part starting at {@code start}; returns the index after its closing quote. */
  private static int quoted(String text, int start, StringBuilder b) {
    char quote = text.charAt(start);
    for (int i = start + 1; i < text.length(); i++) {
      char c = text.charAt(i);
      if (c != quote) {
        b.append(c);
      } else if (i + 1 < text.length() && text.charAt(i + 1) == quote) {
        b.append(c);
        i++;
      } else {
        return i + 1;
      }
    }
    throw new IllegalArgumentException("unclosed quote");
  }
}
