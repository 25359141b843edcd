package dev.flinkresilience.operator.ops.logs;

import java.time.Instant;
import org.slf4j.Logger;
import org.slf4j.MDC;
import org.slf4j.Marker;
import org.slf4j.event.Level;
import org.slf4j.helpers.LegacyAbstractLogger;
import org.slf4j.helpers.MessageFormatter;

/**
 * A logger that writes through slf4j-simple's logger of the same name in text mode, and a JSON line
 * in JSON mode; which one is read at each call. Levels are slf4j-simple's in both.
 */
final class SwitchingLogger extends LegacyAbstractLogger {
  private static final long serialVersionUID = 1L;
  private final transient Logger text;

  SwitchingLogger(String name, Logger text) {
    this.name = name;
    this.text = text;
  }

  @Override
  public boolean isTraceEnabled() {
    return text.isTraceEnabled();
  }

  @Override
  public boolean isDebugEnabled() {
    return text.isDebugEnabled();
  }

  @Override
  public boolean isInfoEnabled() {
    return text.isInfoEnabled();
  }

  @Override
  public boolean isWarnEnabled() {
    return text.isWarnEnabled();
  }

  @Override
  public boolean isErrorEnabled() {
    return text.isErrorEnabled();
  }

  @Override
  protected String getFullyQualifiedCallerName() {
    return null;
  }

  @Override
  protected void handleNormalizedLoggingCall(
      Level level, Marker marker, String pattern, Object[] arguments, Throwable error) {
    String message = MessageFormatter.basicArrayFormat(pattern, arguments);
    if (LogFormat.current() == LogFormat.JSON) {
      String line =
          JsonLogLine.format(
              Instant.now(),
              level.name(),
              name,
              Thread.currentThread().getName(),
              message,
              MDC.getCopyOfContextMap(),
              error);
      var out = LogFormat.jsonOut();
      synchronized (out) {
        out.println(line);
        out.flush();
      }
      return;
    }
    // Formatted already: the text logger gets no arguments, so a '{}' in a value stays as is.
    switch (level) {
      case TRACE -> text.trace(message, error);
      case DEBUG -> text.debug(message, error);
      case INFO -> text.info(message, error);
      case WARN -> text.warn(message, error);
      case ERROR -> text.error(message, error);
    }
  }
}
