package dev.flinkresilience.local.bench;

import java.io.PrintStream;
import java.util.Locale;
import java.util.Map;
import java.util.stream.Collectors;

/** The figures of one run of {@link ScaleBenchmark}, printed as a table and as one JSON object. */
final class Result {
  final int jobs;
  final int namespaces;
  double createSeconds = Double.NaN;
  int withStatus;
  int deployed;
  int running;
  double allStatusSeconds = Double.NaN;
  double allDeployedSeconds = Double.NaN;
  double allRunningSeconds = Double.NaN;
  double cpuSecondsPerMinute = Double.NaN;
  int threadsSteady;
  int threadsWindowMax;
  int threadsPeak;
  double rssSteadyMb = Double.NaN;
  double rssAfterGcMb = Double.NaN;
  double liveHeapMb = Double.NaN;
  double maxHeapMb = Double.NaN;
  double rssPeakMb = Double.NaN;
  OperatorJvm jvm = OperatorJvm.fixedHeap("1g");
  double flinkRestPerSecond = Double.NaN;
  double reconcilesPerSecond = Double.NaN;
  long metricSeries;
  ApiServerMetrics api = new ApiServerMetrics(Map.of(), Map.of());
  String loadAverage = "?";
  Stats canary = Stats.NONE;
  int nodeLossAffected;
  int podsReleasedFromNode;
  Stats detection = Stats.NONE;
  Stats opened = Stats.NONE;
  Stats release = Stats.NONE;
  Stats releaseAfterDetection = Stats.NONE;
  Stats runningAgain = Stats.NONE;
  Map<String, Long> incidentReasons = Map.of();
  JfrProfile profile;

  Result(int jobs, int namespaces) {
    this.jobs = jobs;
    this.namespaces = namespaces;
  }

  void print(PrintStream out) {
    String f1 = "%.1f";
    out.println();
    out.printf(
        "== scale benchmark: %d jobs in %d namespaces, 3 stand-in nodes, %s, in its own process;"
            + " %d CPUs, load average at the steady window %s%n",
        jobs, namespaces, jvm.describe(), Runtime.getRuntime().availableProcessors(), loadAverage);
    out.printf(
        Locale.ROOT,
        "memory: RSS peak %.0f MiB%s; heap at most %.0f MiB, live after a full GC %.0f MiB%n",
        rssPeakMb,
        jvm.limitBytes() == 0
            ? ""
            : String.format(
                Locale.ROOT,
                " of the %d MiB limit (%s)",
                jvm.limitBytes() >> 20,
                rssPeakMb * 1024 * 1024 <= jvm.limitBytes()
                    ? "within it"
                    : "OVER IT: a container would be OOM-killed"),
        maxHeapMb,
        liveHeapMb);
    out.println(
        "| jobs | all deployed | all Running | RSS steady (after GC) | live heap | threads steady"
            + " (peak) | CPU steady | node loss: incident p50 / p99 / max | pod released p50 / p99"
            + " / max |");
    out.println("|---|---|---|---|---|---|---|---|---|");
    out.printf(
        Locale.ROOT,
        "| %d | %s s | %s s | %.0f MB (%.0f MB) | %.0f MB | %d (%d) | %s s/min | %s / %s / %s s |"
            + " %s / %s / %s s |%n",
        jobs,
        s(allDeployedSeconds),
        s(allRunningSeconds),
        rssSteadyMb,
        rssAfterGcMb,
        liveHeapMb,
        threadsSteady,
        threadsPeak,
        String.format(Locale.ROOT, f1, cpuSecondsPerMinute),
        s(detection.p50()),
        s(detection.p99()),
        s(detection.max()),
        s(release.p50()),
        s(release.p99()),
        s(release.max()));
    out.printf(
        Locale.ROOT,
        "jobs created in %s s; all with a status %s s (%d/%d), deployed %d/%d, Running %d/%d%n",
        s(createSeconds),
        s(allStatusSeconds),
        withStatus,
        jobs,
        deployed,
        jobs,
        running,
        jobs);
    out.printf(
        Locale.ROOT,
        "steady window: reconciles %.1f/s; Flink REST %.1f requests/s; API server %.1f requests/s"
            + " by verb %s; operator /metrics %d series%n",
        reconcilesPerSecond,
        flinkRestPerSecond,
        api.total(),
        rates(api.byVerb()),
        metricSeries);
    out.println("   API server top requests/s: " + top(api.byVerbAndResource(), 12));
    out.printf(
        Locale.ROOT,
        "canary spec change (%d jobs): observedGeneration caught up p50 %s s, p99 %s s, max %s s%n",
        canary.count(),
        s(canary.p50()),
        s(canary.p99()),
        s(canary.max()));
    out.printf(
        Locale.ROOT,
        "node loss (%d jobs affected, nodeLostAfter 20s, nodeSuspectAfter 12s; seconds from the"
            + " last Lease renewal): detected p50 %s / p99 %s / max %s; incident opened p50 %s /"
            + " p99 %s / max %s; released p50 %s / p99 %s /"
            + " max %s (after detection p50 %s / p99 %s / max %s); Running again p50 %s / p99 %s /"
            + " max %s; incidents %s; JobManager pods removed from the dead node %d (a replacement"
            + " that landed there again counts once more)%n",
        nodeLossAffected,
        s(detection.p50()),
        s(detection.p99()),
        s(detection.max()),
        s(opened.p50()),
        s(opened.p99()),
        s(opened.max()),
        s(release.p50()),
        s(release.p99()),
        s(release.max()),
        s(releaseAfterDetection.p50()),
        s(releaseAfterDetection.p99()),
        s(releaseAfterDetection.max()),
        s(runningAgain.p50()),
        s(runningAgain.p99()),
        s(runningAgain.max()),
        incidentReasons,
        podsReleasedFromNode);
    out.println("(- : not all got there within the phase's bound)");
    if (profile != null) {
      out.println(
          "steady-window CPU profile (JFR, "
              + profile.samples()
              + " samples): by thread pool\n"
              + profile.top(profile.threads(), 8)
              + "\nby the operator's first frame on the stack\n"
              + profile.top(profile.operatorFrame(), 15)
              + "\nby the method on top (self)\n"
              + profile.top(profile.selfTop(), 15));
    }
  }

  private static String s(double v) {
    return Double.isNaN(v) || Double.isInfinite(v) ? "-" : String.format(Locale.ROOT, "%.1f", v);
  }

  private static String rates(Map<String, Double> m) {
    return m.entrySet().stream()
        .map(e -> e.getKey() + " " + String.format(Locale.ROOT, "%.1f", e.getValue()))
        .collect(Collectors.joining(", ", "{", "}"));
  }

  private static String top(Map<String, Double> m, int count) {
    return m.entrySet().stream()
        .sorted(Map.Entry.<String, Double>comparingByValue().reversed())
        .limit(count)
        .map(e -> e.getKey() + " " + String.format(Locale.ROOT, "%.2f", e.getValue()))
        .collect(Collectors.joining(", "));
  }

  static String num(double v) {
    return Double.isNaN(v) || Double.isInfinite(v) ? "null" : String.format(Locale.ROOT, "%.2f", v);
  }

  private static String json(Map<String, Double> m) {
    return m.entrySet().stream()
        .map(e -> "\"" + e.getKey() + "\":" + num(e.getValue()))
        .collect(Collectors.joining(",", "{", "}"));
  }

  String json() {
    return "{\"jobs\":"
        + jobs
        + ",\"namespaces\":"
        + namespaces
        + ",\"cpus\":"
        + Runtime.getRuntime().availableProcessors()
        + ",\"loadAverage\":\""
        + loadAverage
        + "\",\"createSeconds\":"
        + num(createSeconds)
        + ",\"withStatus\":"
        + withStatus
        + ",\"deployed\":"
        + deployed
        + ",\"running\":"
        + running
        + ",\"allStatusSeconds\":"
        + num(allStatusSeconds)
        + ",\"allDeployedSeconds\":"
        + num(allDeployedSeconds)
        + ",\"allRunningSeconds\":"
        + num(allRunningSeconds)
        + ",\"rssSteadyMb\":"
        + num(rssSteadyMb)
        + ",\"rssAfterGcMb\":"
        + num(rssAfterGcMb)
        + ",\"liveHeapMb\":"
        + num(liveHeapMb)
        + ",\"maxHeapMb\":"
        + num(maxHeapMb)
        + ",\"rssPeakMb\":"
        + num(rssPeakMb)
        + ",\"memoryLimitMb\":"
        + (jvm.limitBytes() >> 20)
        + ",\"threadsSteady\":"
        + threadsSteady
        + ",\"threadsWindowMax\":"
        + threadsWindowMax
        + ",\"threadsPeak\":"
        + threadsPeak
        + ",\"cpuSecondsPerMinute\":"
        + num(cpuSecondsPerMinute)
        + ",\"reconcilesPerSecond\":"
        + num(reconcilesPerSecond)
        + ",\"operatorMetricSeries\":"
        + metricSeries
        + ",\"flinkRestRequestsPerSecond\":"
        + num(flinkRestPerSecond)
        + ",\"apiRequestsPerSecond\":"
        + num(api.total())
        + ",\"apiRequestsPerSecondByVerb\":"
        + json(api.byVerb())
        + ",\"canarySeconds\":"
        + canary.json()
        + ",\"nodeLossAffected\":"
        + nodeLossAffected
        + ",\"podsReleasedFromNode\":"
        + podsReleasedFromNode
        + ",\"detectionSeconds\":"
        + detection.json()
        + ",\"openedSeconds\":"
        + opened.json()
        + ",\"releaseSeconds\":"
        + release.json()
        + ",\"releaseAfterDetectionSeconds\":"
        + releaseAfterDetection.json()
        + ",\"runningAgainSeconds\":"
        + runningAgain.json()
        + "}";
  }
}
