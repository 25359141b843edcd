package dev.flinkresilience.operator.ops.logs;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.time.Instant;
import java.util.Map;
import java.util.Set;

/**
 * One log event as one line of JSON: {@code time}, {@code level}, {@code logger}, {@code thread},
 * {@code message}, then the MDC ({@code namespace}, {@code name}, {@code incidentId} first when
 * set), then {@code exception} with the stack trace. Inside JOSDK's own handling of a job (its
 * errors and retries, logged outside the reconciler) JOSDK's MDC names the job as {@code
 * resource.namespace} and {@code resource.name}; those fill {@code namespace} and {@code name}.
 */
final class JsonLogLine {
  static final String NAMESPACE = "namespace";
  static final String NAME = "name";
  static final String INCIDENT_ID = "incidentId";
  private static final Set<String> FIRST = Set.of(NAMESPACE, NAME, INCIDENT_ID);
  private static final String JOB_KIND = "FlinkResilientJob";

  private JsonLogLine() {}

  static String format(
      Instant time,
      String level,
      String logger,
      String thread,
      String message,
      Map<String, String> mdc,
      Throwable error) {
    StringBuilder out = new StringBuilder(256).append('{');
    field(out, "time", time.toString());
    field(out, "level", level);
    field(out, "logger", logger);
    field(out, "thread", thread);
    field(out, "message", message);
    Map<String, String> context = mdc == null ? Map.of() : mdc;
    boolean josdkJob = JOB_KIND.equals(context.get("resource.kind"));
    job(out, NAMESPACE, context, josdkJob ? context.get("resource.namespace") : null);
    job(out, NAME, context, josdkJob ? context.get("resource.name") : null);
    if (context.get(INCIDENT_ID) != null) {
      out.append(",\"").append(INCIDENT_ID).append("\":").append(number(context.get(INCIDENT_ID)));
    }
    context.entrySet().stream()
        .filter(e -> !FIRST.contains(e.getKey()) && e.getValue() != null)
        .sorted(Map.Entry.comparingByKey())
        .forEach(e -> field(out, e.getKey(), e.getValue()));
    if (error != null) {
      StringWriter trace = new StringWriter();
      error.printStackTrace(new PrintWriter(trace));
      field(out, "exception", trace.toString().stripTrailing());
    }
    return out.append('}').toString();
  }

  private static void job(StringBuilder out, String key, Map<String, String> mdc, String josdk) {
    String value = mdc.get(key) != null ? mdc.get(key) : josdk;
    if (value != null) {
      field(out, key, value);
    }
  }

  /** An id as a JSON number when it is one, else as a string. */
  private static String number(String value) {
    return value.matches("-?[0-9]{1,18}") ? value : quote(value);
  }

  private static void field(StringBuilder out, String key, String value) {
    if (out.length() > 1) {
      out.append(',');
    }
    out.append(quote(key)).append(':').append(value == null ? "null" : quote(value));
  }

  static String quote(String s) {
    StringBuilder out = new StringBuilder(s.length() + 2).append('"');
    for (int i = 0; i < s.length(); i++) {
      char c = s.charAt(i);
      switch (c) {
        case '"' -> out.append("\\\"");
        case '\\' -> out.append("\\\\");
        case '\n' -> out.append("\\n");
        case '\r' -> out.append("\\r");
        case '\t' -> out.append("\\t");
        default -> {
          if (c < 0x20) {
            out.append(String.format("\\u%04x", (int) c));
          } else {
            out.append(c);
          }
        }
      }
    }
    return out.append('"').toString();
  }
}
