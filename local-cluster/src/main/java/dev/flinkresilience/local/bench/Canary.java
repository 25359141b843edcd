package dev.flinkresilience.local.bench;

import dev.flinkresilience.operator.api.v1alpha1.FlinkResilientJob;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.dsl.base.PatchContext;
import io.fabric8.kubernetes.client.dsl.base.PatchType;
import java.io.PrintStream;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Phase 3: a spec change to a few jobs while all the others run, one every half second: {@code
 * recovery.stuckRestartingAfter}, which redeploys nothing, so the operator's whole answer is a pass
 * and a status write. The reaction time runs from the change until the benchmark's informer sees
 * {@code status.observedGeneration} reach the new generation.
 */
final class Canary {
  private Canary() {}

  static void run(
      KubernetesClient client, JobWatch watch, JobWatch.Listener also, Result r, PrintStream out)
      throws Exception {
    List<FlinkResilientJob> jobs =
        watch.jobs().stream().sorted((a, b) -> JobWatch.key(a).compareTo(JobWatch.key(b))).toList();
    int count = Math.min(ScaleBenchmark.CANARIES, jobs.size());
    out.println("== canary: a spec change to " + count + " jobs, one every 0.5 s");
    Map<String, Long> generation = new ConcurrentHashMap<>();
    Map<String, Long> sentAt = new ConcurrentHashMap<>();
    Map<String, Long> seenAt = new ConcurrentHashMap<>();
    watch.listen(
        new JobWatch.Listener() {
          @Override
          public void job(FlinkResilientJob job) {
            also.job(job);
            String key = JobWatch.key(job);
            Long wanted = generation.get(key);
            Long observed =
                job.getStatus() == null ? null : job.getStatus().getObservedGeneration();
            if (wanted != null && observed != null && observed >= wanted) {
              seenAt.putIfAbsent(key, System.currentTimeMillis());
            }
          }
        });
    for (int i = 0; i < count; i++) {
      FlinkResilientJob job = jobs.get(i * jobs.size() / count);
      String key = JobWatch.key(job);
      long sent = System.currentTimeMillis();
      FlinkResilientJob patched =
          client
              .resources(FlinkResilientJob.class)
              .inNamespace(job.getMetadata().getNamespace())
              .withName(job.getMetadata().getName())
              .patch(
                  PatchContext.of(PatchType.JSON_MERGE),
                  "{\"spec\":{\"recovery\":{\"stuckRestartingAfter\":\"6m\"}}}");
      sentAt.put(key, sent);
      generation.put(key, patched.getMetadata().getGeneration());
      // The status may already have caught up before the generation was recorded.
      watch.job(key).ifPresent(j -> watch.listenerJob(j));
      Thread.sleep(500);
    }
    long deadline = System.currentTimeMillis() + 60_000;
    while (seenAt.size() < count && System.currentTimeMillis() < deadline) {
      Thread.sleep(100);
    }
    watch.listen(also);
    List<Double> times = new ArrayList<>();
    sentAt.forEach(
        (key, sent) -> {
          Long seen = seenAt.get(key);
          times.add(seen == null ? Double.POSITIVE_INFINITY : ScaleBenchmark.seconds(sent, seen));
        });
    r.canary = Stats.of(times);
    out.printf(
        "   reaction p50 %s s, p99 %s s, max %s s (%d of %d acted on within 60 s)%n",
        ScaleBenchmark.f1(r.canary.p50()),
        ScaleBenchmark.f1(r.canary.p99()),
        ScaleBenchmark.f1(r.canary.max()),
        seenAt.size(),
        count);
  }
}
