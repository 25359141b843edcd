package dev.flinkresilience.local.bench;

import io.fabric8.kubernetes.api.model.ConfigMap;
import io.fabric8.kubernetes.api.model.ConfigMapBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientException;
import java.time.Duration;
import java.time.Instant;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.LongAdder;

/**
 * What Flink's Kubernetes HA services write while a job runs, which the fake fleet leaves out
 * otherwise ({@code --flink-ha-writes}): every {@link #RENEW} (Flink's default {@code
 * high-availability.kubernetes.leader-election.retry-period}) the leader renews its lock, an
 * annotation on {@code <cluster>-cluster-config-map}, and at every checkpoint the job's {@code
 * <cluster>-<job id>-config-map} gets the new checkpoint's entry and counter. The operator's HA
 * ConfigMap informer receives each of these updates. One PUT each, on the copy the last write
 * returned (Flink reads before each write too; the reads cost the API server, not the operator). A
 * job whose JobManager is down writes nothing; once it answers again its new leader takes the lock.
 *
 * <p>At most {@link #IN_FLIGHT} writes wait on the API server at once: a write due while they all
 * wait is counted as skipped, not queued, so the benchmark says when this machine's API server
 * could not take Flink's rate rather than falling behind without a word.
 */
final class FlinkHaWrites implements AutoCloseable {
  static final Duration RENEW = Duration.ofSeconds(5);
  static final String LOCK_ANNOTATION = "control-plane.alpha.kubernetes.io/leader";
  static final int IN_FLIGHT = 32;

  /** One job's two ConfigMaps, as the last write returned them. */
  private static final class Job {
    final String namespace;
    final String name;
    final String jobId;
    volatile ConfigMap cluster;
    volatile ConfigMap checkpoints;
    volatile String holder;
    volatile String acquired;
    volatile long ticks;
    volatile long checkpointId = 1;

    Job(String namespace, String name, String jobId) {
      this.namespace = namespace;
      this.name = name;
      this.jobId = jobId;
    }
  }

  private final KubernetesClient client;
  private final FakeFlinkFleet fleet;
  private final Duration checkpointEvery;
  private final Map<String, Job> jobs = new ConcurrentHashMap<>();
  private final ScheduledExecutorService timer = Executors.newScheduledThreadPool(1, daemon("ha"));
  private final ExecutorService writers = Executors.newFixedThreadPool(8, daemon("ha-writer"));
  private final Semaphore inFlight = new Semaphore(IN_FLIGHT);
  private final LongAdder written = new LongAdder();
  private final LongAdder skipped = new LongAdder();
  private final LongAdder failed = new LongAdder();

  FlinkHaWrites(KubernetesClient client, FakeFlinkFleet fleet, Duration checkpointEvery) {
    this.client = client;
    this.fleet = fleet;
    this.checkpointEvery = checkpointEvery;
  }

  /** Starts writing for the job {@code namespace/name} running as Flink job {@code jobId}. */
  void track(String namespace, String name, String jobId) {
    String key = namespace + "/" + name;
    if (jobs.putIfAbsent(key, new Job(namespace, name, jobId)) != null) {
      return;
    }
    long phase = Math.floorMod(key.hashCode(), RENEW.toMillis());
    timer.scheduleAtFixedRate(() -> due(key), phase, RENEW.toMillis(), TimeUnit.MILLISECONDS);
  }

  /** Writes so far: written, skipped (the API server behind), failed. */
  long[] counts() {
    return new long[] {written.sum(), skipped.sum(), failed.sum()};
  }

  private void due(String key) {
    Job job = jobs.get(key);
    if (fleet.isDown(key)) {
      job.holder = null; // its JobManager is gone; the next one is a new leader
      return;
    }
    long tick = job.ticks++;
    submit(() -> renew(job));
    if (tick % Math.max(1, checkpointEvery.toMillis() / RENEW.toMillis()) == 0) {
      submit(() -> checkpoint(job));
    }
  }

  private void submit(Runnable write) {
    if (!inFlight.tryAcquire()) {
      skipped.increment();
      return;
    }
    writers.execute(
        () -> {
          try {
            write.run();
            written.increment();
          } catch (KubernetesClientException e) {
            failed.increment();
          } finally {
            inFlight.release();
          }
        });
  }

  private void renew(Job job) {
    String now = Instant.now().toString();
    if (job.holder == null) {
      job.holder = UUID.randomUUID().toString();
      job.acquired = now;
    }
    String record =
        "{\"holderIdentity\":\""
            + job.holder
            + "\",\"leaseDuration\":15.0,\"acquireTime\":\""
            + job.acquired
            + "\",\"renewTime\":\""
            + now
            + "\",\"leaderTransitions\":0}";
    ConfigMap cm = job.cluster;
    if (cm == null) {
      cm =
          new ConfigMapBuilder()
              .withNewMetadata()
              .withName(job.name + "-cluster-config-map")
              .withNamespace(job.namespace)
              .withLabels(labels(job.name))
              .withAnnotations(Map.of(LOCK_ANNOTATION, record))
              .endMetadata()
              .build();
      job.cluster = write(cm, true);
      return;
    }
    cm.getMetadata().getAnnotations().put(LOCK_ANNOTATION, record);
    job.cluster = write(cm, false);
  }

  private void checkpoint(Job job) {
    long id = ++job.checkpointId;
    ConfigMap cm = job.checkpoints;
    boolean create = cm == null;
    if (create) {
      cm =
          new ConfigMapBuilder()
              .withNewMetadata()
              .withName(job.name + "-" + job.jobId + "-config-map")
              .withNamespace(job.namespace)
              .withLabels(labels(job.name))
              .endMetadata()
              .build();
    }
    cm.setData(
        Map.of(
            String.format("checkpointID-%019d", id), "stand-in", "counter", Long.toString(id + 1)));
    job.checkpoints = write(cm, create);
  }

  /**
   * Creates or replaces {@code cm} on its resourceVersion; taken by someone else meanwhile (the
   * benchmark's own first write of the job ConfigMap, the operator's handover), read again and
   * written over, as Flink's own read-then-write does.
   */
  private ConfigMap write(ConfigMap cm, boolean create) {
    var resource = client.configMaps().inNamespace(cm.getMetadata().getNamespace());
    try {
      return create ? resource.resource(cm).create() : resource.resource(cm).update();
    } catch (KubernetesClientException e) {
      if (e.getCode() != 409) {
        throw e;
      }
      ConfigMap fresh = resource.withName(cm.getMetadata().getName()).get();
      if (fresh == null) {
        cm.getMetadata().setResourceVersion(null);
        return resource.resource(cm).create();
      }
      if (cm.getMetadata().getAnnotations() != null) {
        fresh.getMetadata().setAnnotations(cm.getMetadata().getAnnotations());
      }
      if (cm.getData() != null) {
        fresh.setData(cm.getData());
      }
      return resource.resource(fresh).update();
    }
  }

  private static Map<String, String> labels(String cluster) {
    return Map.of("app", cluster, "type", "flink-native-kubernetes");
  }

  private static java.util.concurrent.ThreadFactory daemon(String name) {
    return r -> {
      Thread t = new Thread(r, name);
      t.setDaemon(true);
      return t;
    };
  }

  @Override
  public void close() {
    timer.shutdownNow();
    writers.shutdownNow();
  }
}
