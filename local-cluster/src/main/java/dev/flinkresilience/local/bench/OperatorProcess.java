package dev.flinkresilience.local.bench;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The operator as a platform team runs it: {@code java -jar flink-resilience-operator.jar run} with
 * the image's JVM options in the chart's memory limit ({@link OperatorJvm}), in a process of its
 * own, so that what it costs (memory, threads, CPU) is read for it alone from {@code /proc}, and
 * its live heap through {@code jcmd}.
 */
final class OperatorProcess implements AutoCloseable {
  private static final Pattern HEAP_USED = Pattern.compile("used (\\d+)K");

  private final Process process;
  private final int healthPort;
  private final Path log;

  private OperatorProcess(Process process, int healthPort, Path log) {
    this.process = process;
    this.healthPort = healthPort;
    this.log = log;
  }

  /**
   * Starts {@code jar} against the cluster of {@code kubeconfig}, reaching every JobManager through
   * {@code urlTemplate}; waits until it is ready.
   */
  static OperatorProcess start(
      Path jar, Path kubeconfig, OperatorJvm jvm, String urlTemplate, Path log, Duration timeout)
      throws IOException, InterruptedException {
    int port = freePort();
    List<String> command = new ArrayList<>();
    command.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
    command.addAll(jvm.options());
    command.addAll(
        List.of(
            "-jar",
            jar.toString(),
            "run",
            "--jobmanager-address",
            "TEMPLATE",
            "--jobmanager-url-template",
            urlTemplate,
            "--health-port",
            Integer.toString(port),
            // One JSON object per line with its time: a node loss's timeline (the watch's
            // judgement, each job's passes) can be read back from the log.
            "--log-format",
            "json"));
    ProcessBuilder builder =
        new ProcessBuilder(command).redirectErrorStream(true).redirectOutput(log.toFile());
    builder.environment().putAll(jvm.env());
    builder.environment().put("KUBECONFIG", kubeconfig.toString());
    OperatorProcess operator = new OperatorProcess(builder.start(), port, log);
    operator.awaitReady(timeout);
    return operator;
  }

  long pid() {
    return process.pid();
  }

  Path log() {
    return log;
  }

  private void awaitReady(Duration timeout) throws InterruptedException {
    HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(1)).build();
    long deadline = System.nanoTime() + timeout.toNanos();
    while (System.nanoTime() < deadline) {
      if (!process.isAlive()) {
        throw new IllegalStateException(
            "the operator exited with " + process.exitValue() + "; see " + log);
      }
      try {
        HttpResponse<Void> r =
            http.send(
                HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + healthPort + "/readyz"))
                    .timeout(Duration.ofSeconds(2))
                    .build(),
                HttpResponse.BodyHandlers.discarding());
        if (r.statusCode() == 200) {
          return;
        }
      } catch (IOException notYet) {
        // not listening yet
      }
      Thread.sleep(300);
    }
    throw new IllegalStateException(
        "the operator was not ready within " + timeout + "; see " + log);
  }

  /** The operator's own {@code /metrics} (Prometheus text). */
  String metrics() throws IOException, InterruptedException {
    HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(2)).build();
    return http.send(
            HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + healthPort + "/metrics"))
                .timeout(Duration.ofSeconds(20))
                .build(),
            HttpResponse.BodyHandlers.ofString())
        .body();
  }

  /** The sum of every series of {@code name} (any labels) in Prometheus text; 0 if none. */
  static double sum(String metrics, String name) {
    double total = 0;
    for (String line : metrics.split("\n")) {
      if (line.startsWith(name)
          && (line.charAt(name.length()) == '{' || line.charAt(name.length()) == ' ')) {
        total += Double.parseDouble(line.substring(line.lastIndexOf(' ') + 1));
      }
    }
    return total;
  }

  /** Series in Prometheus text: lines that are not comments. */
  static long series(String metrics) {
    return metrics.lines().filter(l -> !l.isBlank() && !l.startsWith("#")).count();
  }

  /** What {@code /proc} says of the process now. */
  record Sample(long nanos, int threads, long rssKb, long cpuTicks) {}

  Sample sample() {
    try {
      String status = Files.readString(Path.of("/proc", Long.toString(pid()), "status"));
      String stat = Files.readString(Path.of("/proc", Long.toString(pid()), "stat"));
      // Fields after the command name (which may hold spaces): state is the first, utime the 12th.
      String[] f = stat.substring(stat.lastIndexOf(')') + 2).trim().split(" ");
      long ticks = Long.parseLong(f[11]) + Long.parseLong(f[12]);
      return new Sample(
          System.nanoTime(), (int) field(status, "Threads:"), field(status, "VmRSS:"), ticks);
    } catch (IOException e) {
      throw new UncheckedIOException("the operator process is gone? " + e.getMessage(), e);
    }
  }

  private static long field(String status, String name) {
    for (String line : status.split("\n")) {
      if (line.startsWith(name)) {
        return Long.parseLong(line.substring(name.length()).trim().split("\\s+")[0]);
      }
    }
    throw new IllegalStateException("no " + name + " in /proc/<pid>/status");
  }

  /**
   * The largest resident size the process has had ({@code VmHWM}): what a container's memory limit
   * is held against, whenever it happened (the deploy, the node loss), not only at the steady
   * window.
   */
  long peakRssKb() {
    try {
      return field(Files.readString(Path.of("/proc", Long.toString(pid()), "status")), "VmHWM:");
    } catch (IOException e) {
      throw new UncheckedIOException("the operator process is gone? " + e.getMessage(), e);
    }
  }

  /** The JVM's maximum heap (jcmd VM.flags' MaxHeapSize), in bytes. */
  long maxHeapBytes() throws IOException, InterruptedException {
    Matcher m = Pattern.compile("-XX:MaxHeapSize=(\\d+)").matcher(jcmd("VM.flags"));
    if (!m.find()) {
      throw new IllegalStateException("no MaxHeapSize in jcmd VM.flags");
    }
    return Long.parseLong(m.group(1));
  }

  /** The heap in use right after a full GC (jcmd GC.run, then GC.heap_info), in KiB. */
  long liveHeapKb() throws IOException, InterruptedException {
    jcmd("GC.run");
    String info = jcmd("GC.heap_info");
    Matcher m = HEAP_USED.matcher(info);
    if (!m.find()) {
      throw new IllegalStateException("no heap use in jcmd GC.heap_info: " + info);
    }
    return Long.parseLong(m.group(1));
  }

  private String jcmd(String command) throws IOException, InterruptedException {
    Process p =
        new ProcessBuilder(
                Path.of(System.getProperty("java.home"), "bin", "jcmd").toString(),
                Long.toString(pid()),
                command)
            .redirectErrorStream(true)
            .start();
    String out = new String(p.getInputStream().readAllBytes());
    if (!p.waitFor(60, TimeUnit.SECONDS) || p.exitValue() != 0) {
      throw new IllegalStateException("jcmd " + command + " failed: " + out);
    }
    return out;
  }

  private static int freePort() throws IOException {
    try (ServerSocket s = new ServerSocket(0)) {
      return s.getLocalPort();
    }
  }

  @Override
  public void close() {
    process.destroy();
    try {
      if (!process.waitFor(20, TimeUnit.SECONDS)) {
        process.destroyForcibly().waitFor(10, TimeUnit.SECONDS);
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      process.destroyForcibly();
    }
  }
}
