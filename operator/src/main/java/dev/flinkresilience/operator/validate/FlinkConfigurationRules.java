package dev.flinkresilience.operator.validate;

import dev.flinkresilience.operator.render.OwnedKeys;
import java.util.Map;
import java.util.Optional;

/**
 * Rules for {@code spec.flinkConfiguration}. Values are never echoed: this is where credentials
 * such as s3.secret-key end up.
 */
final class FlinkConfigurationRules {
  private static final String FIELD = "spec.flinkConfiguration";

  private FlinkConfigurationRules() {}

  static void check(Map<String, String> configuration, Violations v) {
    if (configuration == null) {
      return; // same as empty
    }
    for (Map.Entry<String, String> entry : configuration.entrySet()) {
      key(entry.getKey(), entry.getValue(), v);
    }
  }

  private static void key(String key, String value, Violations v) {
    if (key == null) {
      v.add(FIELD, "has a null key; every key must be a Flink configuration option name");
      return;
    }
    String field = FIELD + "[" + printable(key) + "]";
    if (key.isBlank()) {
      v.add(field, "key must not be blank; use a Flink configuration option name");
      return;
    }
    if (!key.equals(key.strip())) {
      v.add(field, "key must not start or end with whitespace");
    }
    Optional<String> owner = OwnedKeys.ownerOf(key);
    if (owner.isPresent()) {
      v.add(field, ownedMessage(owner.get()));
    }
    if (value == null) {
      v.add(field, "value must not be null; remove the key to keep Flink's default");
    }
  }

  private static String ownedMessage(String owner) {
    if (owner.startsWith(OwnedKeys.REFUSED)) {
      return "is " + owner;
    }
    // Owners in parentheses are not spec fields but things the operator always decides itself.
    if (owner.startsWith("(")) {
      return "is set by the operator " + owner + " and cannot be overridden";
    }
    return "is set by the operator from " + owner + "; set " + owner + " instead";
  }

  /** A key as it can be shown in a field path: controls and line breaks escaped, one line. */
  private static String printable(String key) {
    if (key == null) {
      return "null";
    }
    StringBuilder b = new StringBuilder();
    key.codePoints()
        .forEach(
            c -> {
              if (Character.isISOControl(c)
                  || (Character.isWhitespace(c) && c != ' ')
                  || Character.getType(c) == Character.LINE_SEPARATOR
                  || Character.getType(c) == Character.PARAGRAPH_SEPARATOR) {
                b.append(String.format("\\u%04x", c));
              } else {
                b.appendCodePoint(c);
              }
            });
    return b.toString();
  }
}
