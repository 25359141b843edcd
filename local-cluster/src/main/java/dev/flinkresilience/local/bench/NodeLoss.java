package dev.flinkresilience.local.bench;

import dev.flinkresilience.local.LocalCluster;
import dev.flinkresilience.operator.api.v1alpha1.FlinkResilientJob;
import dev.flinkresilience.operator.api.v1alpha1.Incident;
import dev.flinkresilience.operator.api.v1alpha1.Phase;
import io.fabric8.kubernetes.api.model.Pod;
import java.io.PrintStream;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Function;
import java.util.stream.Collectors;

/**
 * Phase 4: the node with the most JobManagers (a third of the jobs) dies right after renewing its
 * Lease, the worst case for detection: its Lease is renewed no more, its stand-in kubelet does
 * nothing, and its jobs' fake JobManagers hang. Per affected job: detection ({@code detectedAt} of
 * its NodeLost incident: when the node watch judged the node lost; {@code openedAt}, when the job's
 * pass opened the incident, is shown too), release (its JobManager pod gone from the API: the
 * operator force-deletes it) and Running again (the incident closed), each in seconds from the last
 * renewal. A replacement JobManager running on another node makes the fake answer for the job
 * again, restored from its newest checkpoint.
 */
final class NodeLoss {
  private NodeLoss() {}

  static void run(
      LocalCluster cluster,
      JobWatch watch,
      FakeFlinkFleet fleet,
      JobWatch.Listener also,
      ReleaseWindow window,
      Result r,
      PrintStream out)
      throws Exception {
    Map<String, List<Pod>> byNode =
        watch.jobManagerPods().stream()
            .filter(p -> p.getSpec().getNodeName() != null)
            .filter(p -> p.getMetadata().getDeletionTimestamp() == null)
            .collect(Collectors.groupingBy(p -> p.getSpec().getNodeName()));
    String victim =
        byNode.entrySet().stream()
            .max(Comparator.comparingInt(e -> e.getValue().size()))
            .map(Map.Entry::getKey)
            .orElseThrow(() -> new IllegalStateException("no JobManager pod is bound"));
    Set<String> affected =
        byNode.get(victim).stream().map(JobWatch::jobOf).collect(Collectors.toSet());
    r.nodeLossAffected = affected.size();
    out.printf(
        "== node loss: %s with %d of %d JobManagers (%s) dies right after a Lease renewal%n",
        victim,
        affected.size(),
        watch.jobManagerPods().size(),
        byNode.entrySet().stream()
            .sorted(Map.Entry.comparingByKey())
            .map(e -> e.getKey() + " " + e.getValue().size())
            .collect(Collectors.joining(", ")));
    Map<String, Long> detectedAt = new ConcurrentHashMap<>();
    // When the job's pass opened the incident: later than its detection by the reconcile queue.
    Map<String, Long> openedAt = new ConcurrentHashMap<>();
    Map<String, Long> releasedAt = new ConcurrentHashMap<>();
    Map<String, Long> runningAt = new ConcurrentHashMap<>();
    Map<String, String> reasons = new ConcurrentHashMap<>();
    // Pods removed from the dead node: more than one per job when a replacement landed there too.
    java.util.concurrent.atomic.AtomicInteger releasedPods =
        new java.util.concurrent.atomic.AtomicInteger();
    long[] killedAt = {Long.MAX_VALUE};
    watch.listen(
        new JobWatch.Listener() {
          @Override
          public void job(FlinkResilientJob job) {
            also.job(job);
            String key = JobWatch.key(job);
            if (!affected.contains(key) || job.getStatus() == null) {
              return;
            }
            var recovery = job.getStatus().getRecovery();
            Incident incident = recovery.getCurrent();
            if (incident == null && !recovery.getHistory().isEmpty()) {
              incident = recovery.getHistory().get(recovery.getHistory().size() - 1);
            }
            if (incident != null && incident.getDetectedAt() != null) {
              long at = Instant.parse(incident.getDetectedAt()).toEpochMilli();
              if (at >= killedAt[0] - 1000) {
                detectedAt.putIfAbsent(key, at);
                reasons.putIfAbsent(key, String.valueOf(incident.getReason()));
                openedAt.putIfAbsent(
                    key,
                    incident.getOpenedAt() == null
                        ? at
                        : Instant.parse(incident.getOpenedAt()).toEpochMilli());
              }
            }
            if (detectedAt.containsKey(key)
                && recovery.getCurrent() == null
                && job.getStatus().getPhase() == Phase.RUNNING) {
              runningAt.putIfAbsent(key, System.currentTimeMillis());
            }
          }

          @Override
          public void jobManager(Pod pod) {
            String key = JobWatch.jobOf(pod);
            String node = pod.getSpec().getNodeName();
            if (affected.contains(key)
                && node != null
                && !node.equals(victim)
                && pod.getMetadata().getDeletionTimestamp() == null
                && pod.getStatus() != null
                && "Running".equals(pod.getStatus().getPhase())) {
              fleet.up(key);
            }
          }

          @Override
          public void jobManagerGone(Pod pod) {
            if (victim.equals(pod.getSpec().getNodeName())) {
              releasedAt.putIfAbsent(JobWatch.jobOf(pod), System.currentTimeMillis());
              releasedPods.incrementAndGet();
            }
          }
        });
    fleet.down(affected);
    // The operator's CPU profile from the kill to the last release: started now, not at the
    // detection, so that attaching does not load the machine in the middle of the releases.
    java.nio.file.Path jfr = cluster.state().resolve("release.jfr");
    JfrProfile.start(window.operatorPid(), jfr);
    boolean profiling = true;
    cluster.killNodeRightAfterRenewal(victim);
    killedAt[0] = System.currentTimeMillis();
    long deadline = killedAt[0] + ScaleBenchmark.nodeLossTimeout(r.jobs).toMillis();
    long lastPrint = killedAt[0];
    // From the first detection to the last release: what the machine and the API server did.
    ReleaseWindow.Reading windowFrom = null;
    ReleaseWindow.Reading windowTo = null;
    while (runningAt.size() < affected.size() && System.currentTimeMillis() < deadline) {
      Thread.sleep(250);
      if (windowFrom == null && !detectedAt.isEmpty()) {
        windowFrom = window.read();
      }
      if (windowFrom != null && windowTo == null && releasedAt.size() == affected.size()) {
        windowTo = window.read();
        profiling = false;
        printProfile(JfrProfile.stop(window.operatorPid(), jfr), out);
      }
      if (System.currentTimeMillis() - lastPrint > 10_000) {
        lastPrint = System.currentTimeMillis();
        out.printf(
            "   +%3.0f s: %d detected, %d released, %d Running again%n",
            ScaleBenchmark.seconds(killedAt[0], lastPrint),
            detectedAt.size(),
            releasedAt.size(),
            runningAt.size());
      }
    }
    watch.listen(also);
    if (profiling) {
      printProfile(JfrProfile.stop(window.operatorPid(), jfr), out);
    }
    if (windowFrom != null) {
      out.println(
          "   from the first detection to the last release: "
              + ReleaseWindow.describe(windowFrom, windowTo != null ? windowTo : window.read()));
    }
    long end = killedAt[0];
    Function<Map<String, Long>, Stats> fromKill =
        times -> {
          List<Double> values = new ArrayList<>();
          for (String key : affected) {
            Long t = times.get(key);
            values.add(t == null ? Double.POSITIVE_INFINITY : ScaleBenchmark.seconds(end, t));
          }
          return Stats.of(values);
        };
    r.detection = fromKill.apply(detectedAt);
    r.opened = fromKill.apply(openedAt);
    r.release = fromKill.apply(releasedAt);
    r.runningAgain = fromKill.apply(runningAt);
    List<Double> afterDetection = new ArrayList<>();
    for (String key : affected) {
      Long d = detectedAt.get(key);
      Long g = releasedAt.get(key);
      afterDetection.add(
          d == null || g == null ? Double.POSITIVE_INFINITY : ScaleBenchmark.seconds(d, g));
    }
    r.releaseAfterDetection = Stats.of(afterDetection);
    r.podsReleasedFromNode = releasedPods.get();
    r.incidentReasons =
        reasons.values().stream().collect(Collectors.groupingBy(x -> x, Collectors.counting()));
    out.printf(
        "   detected %d/%d, released %d/%d (%d pods removed from the node), Running again %d/%d;"
            + " incidents %s%n",
        detectedAt.size(),
        affected.size(),
        releasedAt.size(),
        affected.size(),
        releasedPods.get(),
        runningAt.size(),
        affected.size(),
        r.incidentReasons);
  }

  private static void printProfile(JfrProfile profile, PrintStream out) {
    out.println(
        "   the operator's CPU from the kill to the last release (JFR, "
            + profile.samples()
            + " samples): by thread pool\n"
            + profile.top(profile.threads(), 8)
            + "\n   by the operator's first frame on the stack\n"
            + profile.top(profile.operatorFrame(), 20));
  }
}
