package dev.flinkresilience.local.bench;

import io.fabric8.kubernetes.client.KubernetesClient;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;
import java.util.stream.Collectors;

/**
 * Where the machine's CPU and the API server's requests went while the operator released a lost
 * node's pods: from the detection to the last release. The benchmark runs the control plane, the
 * operator and its own fakes on the same cores, so the release's pace is bounded by what the API
 * server gets of them; this shows by how much (and what the API server served meanwhile: the
 * operator's writes, and Kubernetes' own reaction to them, the ReplicaSets' replacement pods).
 */
final class ReleaseWindow {
  /** Clock ticks per second of {@code /proc}'s CPU times (USER_HZ, 100 on Linux). */
  private static final double TICKS = 100.0;

  /** A reading: each process's CPU ticks, the machine's busy ticks, the API server's counts. */
  record Reading(
      long nanos, Map<String, Long> processTicks, long busyTicks, ApiServerMetrics api) {}

  private final Map<String, Long> pids;
  private final KubernetesClient client;

  /**
   * @param pids the processes to follow by name (the control plane's components, the operator, this
   *     benchmark)
   */
  ReleaseWindow(Map<String, Long> pids, KubernetesClient client) {
    this.pids = pids;
    this.client = client;
  }

  /**
   * The control plane's processes by the names of its pid files ({@code local/controlplane}'s
   * start.sh), the operator and this process.
   */
  static Map<String, Long> processes(Path controlPlaneState, long operatorPid) {
    Map<String, Long> pids = new LinkedHashMap<>();
    for (String name :
        new String[] {"kube-apiserver", "etcd", "kube-controller-manager", "kube-scheduler"}) {
      try {
        pids.put(
            name,
            Long.parseLong(
                Files.readString(controlPlaneState.resolve("pids/" + name + ".pid")).trim()));
      } catch (IOException | NumberFormatException e) {
        // Not this control plane's (the in-process one has none): not followed.
      }
    }
    pids.put("operator", operatorPid);
    pids.put("benchmark", ProcessHandle.current().pid());
    return pids;
  }

  long operatorPid() {
    return pids.get("operator");
  }

  Reading read() {
    Map<String, Long> ticks = new LinkedHashMap<>();
    pids.forEach((name, pid) -> ticks.put(name, processTicks(pid)));
    return new Reading(System.nanoTime(), ticks, busyTicks(), ApiServerMetrics.scrape(client));
  }

  /** One line: seconds, cores per process and the machine's, API requests per second. */
  static String describe(Reading from, Reading to) {
    double seconds = (to.nanos() - from.nanos()) / 1e9;
    if (seconds <= 0) {
      return "no window";
    }
    String cores =
        to.processTicks().entrySet().stream()
            .map(
                e ->
                    String.format(
                        Locale.ROOT,
                        "%s %.2f",
                        e.getKey(),
                        (e.getValue() - from.processTicks().getOrDefault(e.getKey(), 0L))
                            / TICKS
                            / seconds))
            .collect(Collectors.joining(", "));
    ApiServerMetrics rates = to.api().ratesSince(from.api(), seconds);
    double total = rates.byVerb().values().stream().mapToDouble(Double::doubleValue).sum();
    String top =
        rates.byVerbAndResource().entrySet().stream()
            .sorted(Map.Entry.<String, Double>comparingByValue().reversed())
            .limit(10)
            .map(e -> String.format(Locale.ROOT, "%s %.1f", e.getKey(), e.getValue()))
            .collect(Collectors.joining(", "));
    return String.format(
        Locale.ROOT,
        "%.1f s; CPU in cores: %s; the machine busy %.2f of %d cores; API server %.1f requests/s"
            + " (%s)",
        seconds,
        cores,
        (to.busyTicks() - from.busyTicks()) / TICKS / seconds,
        Runtime.getRuntime().availableProcessors(),
        total,
        top);
  }

  /** utime + stime of a process (its threads, not its children); 0 when it is gone. */
  private static long processTicks(long pid) {
    try {
      String stat = Files.readString(Path.of("/proc", Long.toString(pid), "stat"));
      // The command may hold spaces: the fields after it start past the last ')'.
      String[] f = stat.substring(stat.lastIndexOf(')') + 2).split(" ");
      return Long.parseLong(f[11]) + Long.parseLong(f[12]);
    } catch (IOException | RuntimeException e) {
      return 0;
    }
  }

  /**
   * The machine's busy ticks: every CPU time of {@code /proc/stat}'s first line but idle and
   * iowait.
   */
  private static long busyTicks() {
    try {
      String[] f = Files.readAllLines(Path.of("/proc/stat")).get(0).trim().split("\\s+");
      long busy = 0;
      for (int i = 1; i < f.length && i <= 8; i++) {
        if (i != 4 && i != 5) {
          busy += Long.parseLong(f[i]);
        }
      }
      return busy;
    } catch (IOException | RuntimeException e) {
      return 0;
    }
  }
}
