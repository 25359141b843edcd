package dev.flinkresilience.operator.ops;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.function.Supplier;

/**
 * The operator's one HTTP server (the JDK's, no web framework): {@code /healthz}, {@code /readyz}
 * and {@code /metrics} on one port, the chart's port named {@code http}. Two threads: a slow scrape
 * must not hold up a probe.
 */
public final class HttpEndpoints implements AutoCloseable {
  static final String PROMETHEUS_TEXT = "text/plain; version=0.0.4; charset=utf-8";

  private final HttpServer server;
  private final ExecutorService threads;

  private HttpEndpoints(HttpServer server, ExecutorService threads) {
    this.server = server;
    this.threads = threads;
  }

  /** Binds {@code port} on all addresses (0: any free port) and starts serving. */
  public static HttpEndpoints start(int port, Health health, PrometheusMeterRegistry registry)
      throws IOException {
    HttpServer server = HttpServer.create(new InetSocketAddress(port), 0);
    ExecutorService threads =
        Executors.newFixedThreadPool(
            2,
            r -> {
              Thread t = new Thread(r, "http-endpoints");
              t.setDaemon(true);
              return t;
            });
    server.setExecutor(threads);
    server.createContext("/healthz", ex -> probe(ex, health::live));
    server.createContext("/readyz", ex -> probe(ex, health::ready));
    server.createContext(
        "/metrics",
        ex -> {
          if (exact(ex, "/metrics")) {
            respond(ex, 200, PROMETHEUS_TEXT, registry.scrape());
          }
        });
    server.start();
    return new HttpEndpoints(server, threads);
  }

  public int port() {
    return server.getAddress().getPort();
  }

  private static void probe(HttpExchange ex, Supplier<Health.Check> check) throws IOException {
    if (!exact(ex, ex.getHttpContext().getPath())) {
      return;
    }
    Health.Check c;
    try {
      c = check.get();
    } catch (RuntimeException e) {
      c = new Health.Check(false, "check failed: " + e);
    }
    respond(ex, c.ok() ? 200 : 503, "text/plain; charset=utf-8", c.detail() + "\n");
  }

  /** GET (or HEAD) of exactly this path; anything else is answered 404 or 405 here. */
  private static boolean exact(HttpExchange ex, String path) throws IOException {
    if (!ex.getRequestURI().getPath().equals(path)) {
      respond(ex, 404, "text/plain; charset=utf-8", "not found\n");
      return false;
    }
    String method = ex.getRequestMethod();
    if (!method.equals("GET") && !method.equals("HEAD")) {
      ex.getResponseHeaders().set("Allow", "GET, HEAD");
      respond(ex, 405, "text/plain; charset=utf-8", "method not allowed\n");
      return false;
    }
    return true;
  }

  private static void respond(HttpExchange ex, int status, String type, String body)
      throws IOException {
    byte[] bytes = body.getBytes(StandardCharsets.UTF_8);
    ex.getResponseHeaders().set("Content-Type", type);
    boolean head = ex.getRequestMethod().equals("HEAD");
    ex.sendResponseHeaders(status, head ? -1 : bytes.length);
    try (OutputStream out = ex.getResponseBody()) {
      if (!head) {
        out.write(bytes);
      }
    }
  }

  @Override
  public void close() {
    server.stop(0);
    threads.shutdownNow();
  }
}
