package dev.flinkresilience.operator.ops.logs;

import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import org.slf4j.ILoggerFactory;
import org.slf4j.IMarkerFactory;
import org.slf4j.LoggerFactory;
import org.slf4j.helpers.BasicMDCAdapter;
import org.slf4j.simple.SimpleServiceProvider;
import org.slf4j.spi.MDCAdapter;
import org.slf4j.spi.SLF4JServiceProvider;

/**
 * The operator's SLF4J provider: slf4j-simple's, with loggers that can also write JSON ({@link
 * LogFormat}) and an MDC that keeps what is put in it. Not registered as a service (slf4j-simple
 * is, and two would be ambiguous): {@link #select} names it in {@code slf4j.provider} before SLF4J
 * starts.
 */
public final class OperatorLogProvider implements SLF4JServiceProvider {
  private final SimpleServiceProvider simple = new SimpleServiceProvider();
  private final Map<String, SwitchingLogger> loggers = new ConcurrentHashMap<>();

  /** slf4j-simple's own drops everything (it prints no MDC): a real one, per thread. */
  private final MDCAdapter mdc = new BasicMDCAdapter();

  private ILoggerFactory factory;

  /**
   * Makes this the provider SLF4J loads, unless one is named already; call before anything logs.
   * SLF4J's own note that it loads a named provider is kept below WARN.
   */
  public static void select() {
    if (System.getProperty(LoggerFactory.PROVIDER_PROPERTY_KEY) == null) {
      System.setProperty(LoggerFactory.PROVIDER_PROPERTY_KEY, OperatorLogProvider.class.getName());
    }
    if (System.getProperty("slf4j.internal.verbosity") == null) {
      System.setProperty("slf4j.internal.verbosity", "WARN");
    }
  }

  /** Whether SLF4J's loggers are this provider's (only then can they write JSON). */
  static boolean active() {
    return LoggerFactory.getLogger(OperatorLogProvider.class) instanceof SwitchingLogger;
  }

  @Override
  public void initialize() {
    simple.initialize();
    ILoggerFactory text = simple.getLoggerFactory();
    factory = name -> loggers.computeIfAbsent(name, n -> new SwitchingLogger(n, text.getLogger(n)));
  }

  @Override
  public ILoggerFactory getLoggerFactory() {
    return factory;
  }

  @Override
  public IMarkerFactory getMarkerFactory() {
    return simple.getMarkerFactory();
  }

  @Override
  public MDCAdapter getMDCAdapter() {
    return mdc;
  }

  @Override
  public String getRequestedApiVersion() {
    return simple.getRequestedApiVersion();
  }
}
