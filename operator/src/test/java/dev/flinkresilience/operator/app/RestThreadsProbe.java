package dev.flinkresilience.operator.app;

import com.sun.net.httpserver.HttpServer;
import dev.flinkresilience.operator.observe.rest.HttpFlinkRestClient;
import java.lang.management.ManagementFactory;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Executors;

/**
 * Run in a JVM of its own by {@link CommonPoolTest}: {@code CALLS} Flink REST calls, as the poller
 * makes them, then prints how many threads the JVM started meanwhile. With {@code sized} it first
 * does what {@link Main} does.
 */
public final class RestThreadsProbe {
  static final int CALLS = 300;

  public static void main(String[] args) throws Exception {
    if (args.length > 0 && args[0].equals("sized")) {
      CommonPool.size();
    }
    HttpServer flink =
        HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
    flink.createContext(
        "/",
        exchange -> {
          byte[] body = "{\"jobs\":[]}".getBytes(StandardCharsets.UTF_8);
          exchange.sendResponseHeaders(200, body.length);
          exchange.getResponseBody().write(body);
          exchange.close();
        });
    flink.setExecutor(Executors.newFixedThreadPool(2));
    flink.start();
    URI base = URI.create("http://127.0.0.1:" + flink.getAddress().getPort());
    var client = new HttpFlinkRestClient(Duration.ofSeconds(5));
    var threads = ManagementFactory.getThreadMXBean();
    long before = threads.getTotalStartedThreadCount();
    List<CompletableFuture<?>> calls = new ArrayList<>();
    for (int i = 0; i < CALLS; i++) {
      calls.add(client.overview(base));
      if (i % 20 == 0) {
        Thread.sleep(10); // in waves, as polls come
      }
    }
    CompletableFuture.allOf(calls.toArray(CompletableFuture[]::new)).join();
    System.out.println("started=" + (threads.getTotalStartedThreadCount() - before));
    System.exit(0);
  }
}
