package dev.flinkresilience.local.bench;

import io.fabric8.kubernetes.client.KubernetesClient;
import java.io.PrintStream;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Future;

/** Phase 1: N jobs created at once, round-robin over the namespaces, until all run. */
final class Deploy {
  private Deploy() {}

  static void run(
      KubernetesClient client,
      List<String> namespaces,
      int n,
      Path state,
      JobWatch watch,
      ExecutorService writers,
      Result r,
      PrintStream out)
      throws Exception {
    out.println("== creating " + n + " jobs in " + namespaces.size() + " namespaces");
    long start = System.currentTimeMillis();
    List<Future<?>> created = new ArrayList<>();
    for (int i = 0; i < n; i++) {
      String namespace = namespaces.get(i % namespaces.size());
      String name = String.format("job-%05d", i + 1);
      created.add(
          writers.submit(
              () -> client.resource(ScaleBenchmark.job(namespace, name, state)).create()));
    }
    for (Future<?> f : created) {
      f.get();
    }
    r.createSeconds = ScaleBenchmark.seconds(start, System.currentTimeMillis());
    out.println("   created in " + ScaleBenchmark.f1(r.createSeconds) + " s");
    // Bounded: at 1,000 jobs the issue saw 267 s on this kind of machine; 5,000 jobs get 30
    // minutes.
    Duration timeout = Duration.ofSeconds(Math.max(180, Math.min(1800, n * 2L / 3 + 120)));
    long deadline = start + timeout.toMillis();
    long lastPrint = 0;
    while (System.currentTimeMillis() < deadline) {
      int deployed = watch.deployedAt.size();
      int status = watch.statusAt.size();
      int running = watch.runningAt.size();
      if (System.currentTimeMillis() - lastPrint > 10_000) {
        lastPrint = System.currentTimeMillis();
        out.printf(
            "   +%3.0f s: %d with a status, %d deployed, %d Running%n",
            ScaleBenchmark.seconds(start, lastPrint), status, deployed, running);
      }
      if (running >= n && deployed >= n) {
        break;
      }
      Thread.sleep(250);
    }
    r.withStatus = watch.statusAt.size();
    r.deployed = watch.deployedAt.size();
    r.running = watch.runningAt.size();
    r.allDeployedSeconds = last(watch.deployedAt.values(), start, n);
    r.allStatusSeconds = last(watch.statusAt.values(), start, n);
    r.allRunningSeconds = last(watch.runningAt.values(), start, n);
    out.printf(
        "   all deployed %s s, all with a status %s s, all Running %s s (%d/%d Running)%n",
        ScaleBenchmark.f1(r.allDeployedSeconds),
        ScaleBenchmark.f1(r.allStatusSeconds),
        ScaleBenchmark.f1(r.allRunningSeconds),
        r.running,
        n);
  }

  /** Seconds from {@code start} until the last of {@code n} jobs; NaN if not all got there. */
  private static double last(java.util.Collection<Long> times, long start, int n) {
    if (times.size() < n) {
      return Double.NaN;
    }
    return ScaleBenchmark.seconds(
        start, times.stream().mapToLong(Long::longValue).max().orElse(start));
  }
}
