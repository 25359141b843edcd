package dev.flinkresilience.operator.bench;

import dev.flinkresilience.operator.decide.NodeThresholds;
import dev.flinkresilience.operator.observe.NodeWatch;
import io.fabric8.kubernetes.api.model.NodeBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.dsl.base.PatchContext;
import io.fabric8.kubernetes.client.dsl.base.PatchType;
import io.fabric8.kubernetes.client.server.mock.KubernetesMockServer;
import io.javaoperatorsdk.operator.processing.event.ResourceID;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;

/**
 * Node-loss detection latency of {@link NodeWatch}, against the fabric8 mock API server.
 *
 * <p>N nodes, each hosting one job; this program renews their Leases as heartbeats would, then
 * stops renewing one node after another (staggered, so the losses overlap as they would in a rack
 * failure). For each node: the time from its last renewal, and from the moment that renewal became
 * older than {@code nodeLostAfter}, to the event that wakes its job. Detection only: no reconciler,
 * decision or action is involved.
 *
 * <p>Run as {@link DetectionLatency} says (see README.md here), with this class and the arguments
 * events, nodeLostAfter seconds, check period seconds ({@code 50 2 1}). The last line is one JSON
 * object.
 */
public final class NodeLossLatency {
  private static final Duration RENEW_EVERY = Duration.ofMillis(400);
  private static final Duration STAGGER = Duration.ofMillis(350);
  private static final DateTimeFormatter MICRO_TIME =
      DateTimeFormatter.ofPattern("yyyy-MM-dd'T'HH:mm:ss.SSSSSS'Z'").withZone(ZoneOffset.UTC);

  /** One measured loss: seconds from the last renewal and from the threshold to the event. */
  public record Sample(double fromLastRenewal, double overThreshold) {}

  /** The figures, ready to print. */
  public record Result(List<Sample> samples, Duration nodeLostAfter, Duration checkEvery) {
    double p(double q, boolean fromRenewal) {
      List<Double> xs = new ArrayList<>();
      samples.forEach(s -> xs.add(fromRenewal ? s.fromLastRenewal() : s.overThreshold()));
      xs.sort(Double::compare);
      int rank = (int) Math.ceil(q * xs.size()); // nearest rank
      return xs.get(Math.max(0, rank - 1));
    }

    String json() {
      return String.format(
          Locale.ROOT,
          "{\"nodeLossP50Seconds\":%.3f,\"nodeLossP99Seconds\":%.3f,"
              + "\"nodeLossOverThresholdP50Seconds\":%.3f,\"nodeLossOverThresholdP99Seconds\":%.3f,"
              + "\"nodeLostAfterSeconds\":%.3f,\"checkEverySeconds\":%.3f,\"events\":%d}",
          p(0.5, true),
          p(0.99, true),
          p(0.5, false),
          p(0.99, false),
          nodeLostAfter.toMillis() / 1000.0,
          checkEvery.toMillis() / 1000.0,
          samples.size());
    }
  }

  public static void main(String[] args) throws Exception {
    int events = args.length > 0 ? Integer.parseInt(args[0]) : 50;
    Duration lostAfter = Duration.ofMillis(seconds(args, 1, 2.0));
    Duration checkEvery = Duration.ofMillis(seconds(args, 2, 1.0));
    Result r = run(events, lostAfter, checkEvery);
    System.out.printf(
        Locale.ROOT,
        "node loss, %d events, nodeLostAfter %.1f s, check every %.1f s%n",
        r.samples().size(),
        lostAfter.toMillis() / 1000.0,
        checkEvery.toMillis() / 1000.0);
    System.out.printf(
        Locale.ROOT,
        "  from last renewal to event:       p50 %.3f s  p99 %.3f s%n",
        r.p(0.5, true),
        r.p(0.99, true));
    System.out.printf(
        Locale.ROOT,
        "  from lease older than threshold:  p50 %.3f s  p99 %.3f s%n",
        r.p(0.5, false),
        r.p(0.99, false));
    System.out.println(r.json());
    System.exit(0); // the mock server's threads are not all daemons
  }

  private static long seconds(String[] args, int i, double fallback) {
    return Math.round((args.length > i ? Double.parseDouble(args[i]) : fallback) * 1000);
  }

  public static Result run(int events, Duration lostAfter, Duration checkEvery)
      throws InterruptedException {
    KubernetesMockServer server = CrudMockServer.start();
    try (KubernetesClient client = server.createClient()) {
      return measure(client, events, lostAfter, checkEvery);
    } finally {
      server.destroy();
    }
  }

  private static Result measure(
      KubernetesClient client, int events, Duration lostAfter, Duration checkEvery)
      throws InterruptedException {
    List<String> names = new ArrayList<>();
    Map<String, Heartbeat> heartbeats = new ConcurrentHashMap<>();
    for (int i = 0; i < events; i++) {
      String name = "node-" + i;
      names.add(name);
      client
          .nodes()
          .resource(new NodeBuilder().withNewMetadata().withName(name).endMetadata().build())
          .create();
      heartbeats.put(name, new Heartbeat(name));
    }

    Map<ResourceID, Instant> firedAt = new ConcurrentHashMap<>();
    Map<ResourceID, String> nodeOf = new HashMap<>();
    ScheduledExecutorService renewer = Executors.newSingleThreadScheduledExecutor();
    // Kubelets renew before anything watches, so no Lease starts out already stale.
    renewer.scheduleWithFixedDelay(
        () -> heartbeats.values().forEach(k -> k.renew(client)),
        0,
        RENEW_EVERY.toMillis(),
        TimeUnit.MILLISECONDS);
    while (heartbeats.values().stream().anyMatch(k -> k.lastRenewal() == null)) {
      Thread.sleep(20);
    }
    try (NodeWatch watch = new NodeWatch(client, Clock.systemUTC(), checkEvery)) {
      watch.setEventHandler(
          e -> firedAt.putIfAbsent(e.getRelatedCustomResourceID(), Instant.now()));
      watch.start();
      for (String name : names) {
        ResourceID job = new ResourceID("job-" + name, "bench");
        nodeOf.put(job, name);
        watch.track(job, Set.of(name), NodeThresholds.leaseOnly(lostAfter));
      }
      Thread.sleep(lostAfter.toMillis() + 500); // steady state first: renewals wake nobody
      if (!firedAt.isEmpty()) {
        throw new IllegalStateException("events before any loss: " + firedAt.keySet());
      }
      for (String name : names) {
        heartbeats.get(name).die();
        Thread.sleep(STAGGER.toMillis());
      }
      long deadline = System.nanoTime() + lostAfter.plus(checkEvery).plusSeconds(5).toNanos();
      while (firedAt.size() < events && System.nanoTime() < deadline) {
        Thread.sleep(50);
      }
    } finally {
      renewer.shutdownNow();
    }

    List<Sample> samples = new ArrayList<>();
    firedAt.forEach(
        (job, at) -> {
          Instant last = heartbeats.get(nodeOf.get(job)).lastRenewal();
          double fromRenewal = Duration.between(last, at).toNanos() / 1e9;
          samples.add(new Sample(fromRenewal, fromRenewal - lostAfter.toNanos() / 1e9));
        });
    if (samples.size() < events) {
      throw new IllegalStateException(
          "only " + samples.size() + " of " + events + " losses detected");
    }
    return new Result(samples, lostAfter, checkEvery);
  }

  /** Renews one node's Lease until it dies; the last renewal is known exactly. */
  private static final class Heartbeat {
    final String node;
    private boolean alive = true;
    private Instant lastRenewal;

    Heartbeat(String node) {
      this.node = node;
    }

    synchronized void renew(KubernetesClient client) {
      if (!alive) {
        return;
      }
      if (lastRenewal == null) {
        lastRenewal = dev.flinkresilience.operator.testing.Kubelet.writeLease(client, node);
        return;
      }
      // One request per renewal, as a kubelet does it (a merge patch of the Lease).
      Instant now = Instant.now().truncatedTo(ChronoUnit.MICROS);
      client
          .leases()
          .inNamespace(NodeWatch.LEASE_NAMESPACE)
          .withName(node)
          .patch(
              PatchContext.of(PatchType.JSON_MERGE),
              "{\"spec\":{\"renewTime\":\"" + MICRO_TIME.format(now) + "\"}}");
      lastRenewal = now;
    }

    synchronized void die() {
      alive = false;
    }

    synchronized Instant lastRenewal() {
      return lastRenewal;
    }
  }
}
