package dev.flinkresilience.operator.bench;

import com.sun.management.OperatingSystemMXBean;
import dev.flinkresilience.operator.decide.MassLoss;
import dev.flinkresilience.operator.decide.NodeThresholds;
import dev.flinkresilience.operator.decide.WatchHealth;
import dev.flinkresilience.operator.observe.NodeWatch;
import dev.flinkresilience.operator.testing.Kubelet;
import dev.flinkresilience.operator.testing.Nodes;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.server.mock.KubernetesMockServer;
import io.javaoperatorsdk.operator.processing.event.ResourceID;
import java.lang.management.ManagementFactory;
import java.time.Clock;
import java.time.Duration;
import java.util.Locale;
import java.util.Set;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;

/**
 * What {@link NodeWatch} costs in steady state, with N jobs on three healthy nodes whose Leases are
 * renewed every 10 s (as kubelets do) and its 1-s tick: the CPU this whole process spends in a
 * window, and the jobs checked a second. Two watches, one after the other in the same run: one
 * checking every job on every tick and every job on a node at each renewal (as before the
 * selection, {@code fullSweepEvery} zero), and one checking only the jobs whose nodes' verdicts
 * changed (the operator's). Nothing is lost in the window, so no job is woken in either.
 *
 * <p>Run as README.md here says, with this class and the arguments jobs and window seconds ({@code
 * 5000 30}). The last line is one JSON object.
 */
public final class NodeWatchCost {
  private static final Duration RENEW_EVERY = Duration.ofSeconds(10);
  private static final Duration TICK = NodeWatch.DEFAULT_CHECK_EVERY;
  private static final int NODES = 3;

  /** One watch's figures over the window. */
  public record Cost(double cpuMillisPerSecond, double checksPerSecond, long woken) {}

  public static void main(String[] args) throws Exception {
    int jobs = args.length > 0 ? Integer.parseInt(args[0]) : 5000;
    Duration window = Duration.ofSeconds(args.length > 1 ? Long.parseLong(args[1]) : 30);
    System.out.println(run(jobs, window));
    System.exit(0); // the mock server's threads are not all daemons
  }

  /** Both watches, a table and the JSON line. */
  public static String run(int jobs, Duration window) throws InterruptedException {
    KubernetesMockServer server = CrudMockServer.start();
    ScheduledExecutorService kubelets = Executors.newSingleThreadScheduledExecutor();
    try (KubernetesClient client = server.createClient()) {
      for (int i = 0; i < NODES; i++) {
        String node = "node-" + i;
        client.nodes().resource(Nodes.node(node, "True")).create();
        Kubelet.writeLease(client, node);
        long phase = RENEW_EVERY.toMillis() * i / NODES;
        kubelets.scheduleAtFixedRate(
            () -> Kubelet.writeLease(client, node),
            phase,
            RENEW_EVERY.toMillis(),
            TimeUnit.MILLISECONDS);
      }
      Cost every = measure(client, jobs, window, Duration.ZERO);
      Cost selected = measure(client, jobs, window, NodeWatch.FULL_SWEEP_EVERY);
      return String.format(
          Locale.ROOT,
          "node watch, %d jobs on %d nodes, renewals every %d s, a tick every %d s, a window of %d"
              + " s each (this process's CPU)%n"
              + "  every job checked:   %7.1f ms CPU/s, %8.1f checks/s, woken %d%n"
              + "  selected jobs only:  %7.1f ms CPU/s, %8.1f checks/s, woken %d%n"
              + "{\"jobs\":%d,\"everyCpuMsPerSecond\":%.1f,\"everyChecksPerSecond\":%.1f,"
              + "\"selectedCpuMsPerSecond\":%.1f,\"selectedChecksPerSecond\":%.1f}",
          jobs,
          NODES,
          RENEW_EVERY.toSeconds(),
          TICK.toSeconds(),
          window.toSeconds(),
          every.cpuMillisPerSecond(),
          every.checksPerSecond(),
          every.woken(),
          selected.cpuMillisPerSecond(),
          selected.checksPerSecond(),
          selected.woken(),
          jobs,
          every.cpuMillisPerSecond(),
          every.checksPerSecond(),
          selected.cpuMillisPerSecond(),
          selected.checksPerSecond());
    } finally {
      kubelets.shutdownNow();
      server.destroy();
    }
  }

  private static Cost measure(
      KubernetesClient client, int jobs, Duration window, Duration fullSweepEvery)
      throws InterruptedException {
    AtomicLong woken = new AtomicLong();
    try (NodeWatch watch =
        new NodeWatch(
            client,
            Clock.systemUTC(),
            TICK,
            WatchHealth.DEFAULT_SILENCE,
            MassLoss.DEFAULT_FRACTION,
            fullSweepEvery)) {
      watch.setEventHandler(e -> woken.incrementAndGet());
      watch.start();
      NodeThresholds thresholds =
          new NodeThresholds(Duration.ofSeconds(20), Duration.ofSeconds(12));
      for (int i = 0; i < jobs; i++) {
        // The JobManager on one node, a TaskManager on the next, as the benchmark's jobs spread.
        watch.track(
            new ResourceID("job-" + i, "ns-" + (i % 20)),
            Set.of("node-" + (i % NODES), "node-" + ((i + 1) % NODES)),
            thresholds);
      }
      Thread.sleep(3 * TICK.toMillis()); // the first ticks check every job newly tracked
      OperatingSystemMXBean os =
          (OperatingSystemMXBean) ManagementFactory.getOperatingSystemMXBean();
      long cpu = os.getProcessCpuTime();
      long checks = watch.checks();
      long wokenBefore = woken.get();
      long start = System.nanoTime();
      Thread.sleep(window.toMillis());
      double seconds = (System.nanoTime() - start) / 1e9;
      return new Cost(
          (os.getProcessCpuTime() - cpu) / 1e6 / seconds,
          (watch.checks() - checks) / seconds,
          woken.get() - wokenBefore);
    }
  }

  private NodeWatchCost() {}
}
