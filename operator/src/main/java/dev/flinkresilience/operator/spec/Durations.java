package dev.flinkresilience.operator.spec;

import java.math.BigDecimal;
import java.time.Duration;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Kubernetes-style durations ({@code 500ms}, {@code 20s}, {@code 1m30s}, {@code 1.5h}), as the CR
 * uses them, and their rendering in the form Flink's {@code TimeUtils} parses.
 */
public final class Durations {
  private static final Pattern PART = Pattern.compile("([0-9]+(?:\\.[0-9]+)?)(ms|s|m|h)");

  private Durations() {}

  /**
   * Parses a duration such as {@code 500ms}, {@code 20s}, {@code 1m30s} or {@code 0}.
   *
   * @throws IllegalArgumentException naming the accepted form when the text is not a duration
   */
  public static Duration parse(String text) {
    if (text == null || text.isBlank()) {
      throw new IllegalArgumentException("must be a duration such as 500ms, 20s, 5m or 1h");
    }
    String s = text.trim();
    if (s.equals("0")) {
      return Duration.ZERO;
    }
    Matcher m = PART.matcher(s);
    BigDecimal millis = BigDecimal.ZERO;
    int end = 0;
    while (m.find()) {
      if (m.start() != end) {
        break;
      }
      BigDecimal value = new BigDecimal(m.group(1));
      millis = millis.add(value.multiply(BigDecimal.valueOf(unitMillis(m.group(2)))));
      end = m.end();
    }
    if (end != s.length() || end == 0) {
      throw new IllegalArgumentException(
          "'" + text + "' is not a duration such as 500ms, 20s, 5m or 1h");
    }
    try {
      return Duration.ofMillis(millis.setScale(0, java.math.RoundingMode.HALF_UP).longValueExact());
    } catch (ArithmeticException e) {
      throw new IllegalArgumentException("'" + text + "' is too large a duration");
    }
  }

  /** The duration in Flink's syntax, in the largest unit that keeps it exact ({@code 30 s}). */
  public static String toFlink(Duration d) {
    long ms = d.toMillis();
    if (ms == 0) {
      return "0 ms";
    }
    if (ms % 3_600_000 == 0) {
      return ms / 3_600_000 + " h";
    }
    if (ms % 60_000 == 0) {
      return ms / 60_000 + " min";
    }
    if (ms % 1000 == 0) {
      return ms / 1000 + " s";
    }
    return ms + " ms";
  }

  private static long unitMillis(String unit) {
    return switch (unit) {
      case "ms" -> 1;
      case "s" -> 1000;
      case "m" -> 60_000;
      case "h" -> 3_600_000;
      default -> throw new IllegalArgumentException("unknown unit " + unit);
    };
  }
}
