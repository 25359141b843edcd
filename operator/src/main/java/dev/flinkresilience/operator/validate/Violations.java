package dev.flinkresilience.operator.validate;

import dev.flinkresilience.operator.spec.Durations;
import java.net.URI;
import java.net.URISyntaxException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Optional;
import java.util.stream.Collectors;

/**
 * Collects violations while the rules walk the spec, and holds the checks that several spec
 * sections share (required values, bounds, durations, storage URIs). Each check records at most one
 * violation for its field and never throws, whatever the input.
 */
final class Violations {
  /** Echoed values are cut to this length so that a huge field cannot flood a condition message. */
  private static final int MAX_ECHO = 64;

  private final List<Violation> found = new ArrayList<>();

  void add(String field, String message) {
    found.add(new Violation(field, message));
  }

  List<Violation> toList() {
    return List.copyOf(found);
  }

  /** Records "is required" when {@code value} is null; returns whether it is present. */
  boolean required(String field, Object value, String accepted) {
    if (value == null) {
      add(field, "is required: " + accepted);
      return false;
    }
    return true;
  }

  /** A required enum; the message lists the spellings the CR accepts. */
  <E extends Enum<E>> boolean requiredEnum(String field, E value, Class<E> type) {
    return required(field, value, "one of " + spellings(type));
  }

  /** Records "is required" when {@code value} is null or blank; returns whether it is present. */
  boolean requiredText(String field, String value, String accepted) {
    if (isBlank(value)) {
      add(field, "is required: " + accepted);
      return false;
    }
    return true;
  }

  void atLeast(String field, long value, long min) {
    if (value < min) {
      add(field, "must be at least " + min + "; got " + value);
    }
  }

  /** A count between {@code min} and {@code max}; {@code why} (may be empty) explains the max. */
  void between(String field, long value, long min, long max, String why) {
    if (value < min) {
      add(field, "must be at least " + min + "; got " + value);
    } else if (value > max) {
      add(field, "must be at most " + max + why + "; got " + value);
    }
  }

  /**
   * A duration that must parse and be at most {@code max}; a null duration is a violation too,
   * since every duration field has a default and only an explicit null can clear it.
   */
  Optional<Duration> duration(String field, String text, Duration max) {
    Optional<Duration> parsed;
    try {
      parsed = Optional.of(Durations.parse(text));
    } catch (IllegalArgumentException e) {
      String message =
          text != null && text.length() > MAX_ECHO
              ? "is not a duration such as 500ms, 20s, 5m or 1h (got "
                  + text.length()
                  + " characters)"
              : e.getMessage();
      add(field, message);
      return Optional.empty();
    }
    if (parsed.get().compareTo(max) > 0) {
      add(field, "must be at most " + Limits.describe(max) + "; got " + echo(text));
      return Optional.empty();
    }
    return parsed;
  }

  /**
   * A duration between {@code min} and {@code max}; {@code why} (may be empty) explains a minimum
   * above 0.
   */
  Optional<Duration> durationBetween(
      String field, String text, Duration min, String why, Duration max) {
    Optional<Duration> parsed = duration(field, text, max);
    if (parsed.isPresent() && parsed.get().compareTo(min) < 0) {
      String bound =
          min.equals(Duration.ofMillis(1))
              ? "must be greater than 0"
              : "must be at least " + Durations.toFlink(min).replace(" ", "");
      add(field, bound + why + "; got " + echo(text));
      return Optional.empty();
    }
    return parsed;
  }

  /**
   * A duration greater than 0 (after rounding to whole milliseconds, as Flink counts them) and at
   * most {@code max}.
   */
  Optional<Duration> positiveDuration(String field, String text, Duration max) {
    return durationBetween(field, text, Duration.ofMillis(1), "", max);
  }

  /**
   * A required URI with a scheme, such as {@code s3://bucket/checkpoints}. The value itself is not
   * echoed: storage URIs can carry credentials in their user-info part.
   */
  void requiredUri(String field, String text, String example) {
    if (requiredText(field, text, "a URI such as " + example)) {
      uriProblem(text).ifPresent(problem -> add(field, problem + ", e.g. " + example));
    }
  }

  /** Like {@link #requiredUri} for a field where null or empty means "not set". */
  void optionalUri(String field, String text, String example) {
    if (text != null && !text.isEmpty()) {
      uriProblem(text).ifPresent(problem -> add(field, problem + ", e.g. " + example));
    }
  }

  /** What is wrong with {@code text} as a hierarchical URI with a scheme, if anything. */
  static Optional<String> uriProblem(String text) {
    URI uri;
    try {
      uri = new URI(text);
    } catch (URISyntaxException e) {
      return Optional.of(
          "is not a valid URI (" + e.getReason() + " at index " + e.getIndex() + ")");
    }
    if (uri.getScheme() == null) {
      // Every JobManager and TaskManager must reach the same location, so a path relative to some
      // process's working directory or default file system is never what the user means.
      return Optional.of("must be a URI with a scheme; a bare or relative path is not accepted");
    }
    if (uri.isOpaque()) {
      return Optional.of("must be a hierarchical URI, with '/' after '" + uri.getScheme() + ":'");
    }
    return Optional.empty();
  }

  static boolean isBlank(String value) {
    return value == null || value.isBlank();
  }

  /** {@code 'value'}, cut short when long, for messages about non-secret fields. */
  static String echo(Object value) {
    String text = String.valueOf(value);
    return "'" + (text.length() > MAX_ECHO ? text.substring(0, MAX_ECHO) + "..." : text) + "'";
  }

  static <E extends Enum<E>> String spellings(Class<E> type) {
    // The api enums' toString() is their CR spelling.
    return Arrays.stream(type.getEnumConstants())
        .map(Object::toString)
        .collect(Collectors.joining(", "));
  }
}
