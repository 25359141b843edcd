package dev.flinkresilience.local.bench;

import io.fabric8.kubernetes.client.KubernetesClient;
import java.io.PrintStream;
import java.nio.file.Path;
import java.util.List;

/**
 * Phase 2: every job running and checkpointing, nothing else happening. After settling, one window:
 * the operator's CPU, threads and RSS, the Flink REST calls it made, the API server's requests;
 * then its heap after a full GC.
 */
final class Steady {
  /** JOSDK's count of reconciliations started (Micrometer, Prometheus naming). */
  static final String RECONCILES = "operator_sdk_reconciliations_started_total";

  private Steady() {}

  static void run(
      KubernetesClient client,
      FakeFlinkFleet fleet,
      OperatorProcess operator,
      Samples samples,
      ScaleBenchmark.Phases phases,
      Result r,
      PrintStream out)
      throws Exception {
    out.println(
        "== steady state: settling "
            + phases.settle().toSeconds()
            + " s, then a window of "
            + phases.window().toSeconds()
            + " s");
    Thread.sleep(phases.settle().toMillis());
    Path jfr = operator.log().resolveSibling("steady.jfr");
    JfrProfile.start(operator.pid(), jfr);
    OperatorProcess.Sample before = operator.sample();
    long restBefore = fleet.requests();
    ApiServerMetrics apiBefore = ApiServerMetrics.scrape(client);
    String ownBefore = operator.metrics();
    Thread.sleep(phases.window().toMillis());
    OperatorProcess.Sample after = operator.sample();
    long restAfter = fleet.requests();
    ApiServerMetrics apiAfter = ApiServerMetrics.scrape(client);
    String ownAfter = operator.metrics();
    r.profile = JfrProfile.stop(operator.pid(), jfr);
    double seconds = (after.nanos() - before.nanos()) / 1e9;
    List<OperatorProcess.Sample> window = samples.since(before.nanos());
    r.cpuSecondsPerMinute =
        (after.cpuTicks() - before.cpuTicks()) / (double) clockTicks() / seconds * 60;
    r.threadsSteady = after.threads();
    r.threadsWindowMax = window.stream().mapToInt(OperatorProcess.Sample::threads).max().orElse(0);
    r.rssSteadyMb = after.rssKb() / 1024.0;
    r.flinkRestPerSecond = (restAfter - restBefore) / seconds;
    r.api = apiAfter.ratesSince(apiBefore, seconds);
    r.reconcilesPerSecond =
        (OperatorProcess.sum(ownAfter, RECONCILES) - OperatorProcess.sum(ownBefore, RECONCILES))
            / seconds;
    r.metricSeries = OperatorProcess.series(ownAfter);
    r.loadAverage = loadAverage();
    r.liveHeapMb = operator.liveHeapKb() / 1024.0;
    r.maxHeapMb = operator.maxHeapBytes() / (1024.0 * 1024);
    r.rssAfterGcMb = operator.sample().rssKb() / 1024.0;
    out.printf(
        "   CPU %.1f s/min, threads %d, RSS %.0f MB, live heap %.0f MB, Flink REST %.1f/s, API"
            + " %.1f/s, reconciles %.1f/s%n",
        r.cpuSecondsPerMinute,
        r.threadsSteady,
        r.rssSteadyMb,
        r.liveHeapMb,
        r.flinkRestPerSecond,
        r.api.total(),
        r.reconcilesPerSecond);
  }

  /** Linux's USER_HZ: 100 everywhere that matters; asked anyway. */
  static long clockTicks() {
    try {
      Process p = new ProcessBuilder("getconf", "CLK_TCK").start();
      return Long.parseLong(new String(p.getInputStream().readAllBytes()).trim());
    } catch (Exception e) {
      return 100;
    }
  }

  static String loadAverage() {
    try {
      return java.nio.file.Files.readString(java.nio.file.Path.of("/proc/loadavg")).trim();
    } catch (java.io.IOException e) {
      return "?";
    }
  }
}
