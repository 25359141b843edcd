package dev.flinkresilience.operator.ops.logs;

import java.io.PrintStream;
import java.util.Locale;

/**
 * How the operator's log lines are written: {@link #TEXT} (slf4j-simple's lines) or {@link #JSON}
 * (one object a line). Process-wide, as logging is: {@link #use} switches every logger at once,
 * those made before the command line was read included.
 */
public enum LogFormat {
  TEXT,
  JSON;

  private static volatile LogFormat current = TEXT;
  private static volatile PrintStream jsonOut = System.err;

  /** {@code text} or {@code json}, any case. */
  public static LogFormat parse(String value) {
    try {
      return valueOf(value.trim().toUpperCase(Locale.ROOT));
    } catch (IllegalArgumentException e) {
      throw new IllegalArgumentException("log format must be text or json: " + value, e);
    }
  }

  public static LogFormat current() {
    return current;
  }

  /**
   * Writes every log line in {@code format} from now on. Returns false when the operator's provider
   * is not the one SLF4J uses (then only text is possible).
   */
  public static boolean use(LogFormat format) {
    current = format;
    return OperatorLogProvider.active();
  }

  /** Where JSON lines go: standard error, like slf4j-simple's text; a test may capture them. */
  public static void writeJsonTo(PrintStream out) {
    jsonOut = out;
  }

  static PrintStream jsonOut() {
    return jsonOut;
  }

  public String value() {
    return name().toLowerCase(Locale.ROOT);
  }
}
