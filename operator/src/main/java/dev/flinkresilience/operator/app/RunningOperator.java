package dev.flinkresilience.operator.app;

import dev.flinkresilience.operator.act.EventEmitter;
import dev.flinkresilience.operator.act.LostNodeTaints;
import dev.flinkresilience.operator.ops.HttpEndpoints;
import io.javaoperatorsdk.operator.Operator;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * A started operator with its HTTP endpoints and metrics. {@link #close()} is the deliberate stop:
 * losing the Lease on the way down is then expected, not a reason to exit.
 */
public final class RunningOperator implements AutoCloseable {
  private final Operator operator;
  private final Optional<HttpEndpoints> http;
  private final PrometheusMeterRegistry registry;
  private final AtomicBoolean stopping;
  private final LostNodeTaints taints;
  private final EventEmitter events;

  RunningOperator(
      Operator operator,
      Optional<HttpEndpoints> http,
      PrometheusMeterRegistry registry,
      AtomicBoolean stopping,
      LostNodeTaints taints,
      EventEmitter events) {
    this.operator = operator;
    this.http = http;
    this.registry = registry;
    this.stopping = stopping;
    this.taints = taints;
    this.events = events;
  }

  public Operator operator() {
    return operator;
  }

  /** The bound port of /healthz, /readyz and /metrics; empty without an HTTP server. */
  public Optional<Integer> httpPort() {
    return http.map(HttpEndpoints::port);
  }

  public PrometheusMeterRegistry registry() {
    return registry;
  }

  @Override
  public void close() {
    stopping.set(true);
    try {
      taints.close();
      operator.stop();
      // After the passes stopped: what they reported goes out, within a bound.
      events.close();
    } finally {
      http.ifPresent(HttpEndpoints::close);
      registry.close();
    }
  }
}
