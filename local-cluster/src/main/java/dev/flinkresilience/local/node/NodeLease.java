package dev.flinkresilience.local.node;

import io.fabric8.kubernetes.api.model.Node;
import io.fabric8.kubernetes.api.model.NodeBuilder;
import io.fabric8.kubernetes.api.model.Quantity;
import io.fabric8.kubernetes.api.model.coordination.v1.Lease;
import io.fabric8.kubernetes.api.model.coordination.v1.LeaseBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientException;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.ZonedDateTime;
import java.time.temporal.ChronoUnit;
import java.util.Map;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A node's registration and heartbeat, as a kubelet does it: the Node object with a Ready
 * condition, capacity and addresses, and its Lease in {@code kube-node-lease} renewed every {@code
 * interval} (10 s for a kubelet). Stopping it is what a dead or partitioned node looks like.
 */
public final class NodeLease implements AutoCloseable {
  private static final Logger LOG = LoggerFactory.getLogger(NodeLease.class);
  static final String LEASE_NAMESPACE = "kube-node-lease";

  private final KubernetesClient client;
  private final String node;
  private final Duration interval;
  private final ScheduledExecutorService timer;
  private final Map<String, Quantity> capacity;
  private ScheduledFuture<?> renewing;

  public NodeLease(KubernetesClient client, String node, Duration interval) {
    this(client, node, interval, capacity());
  }

  /**
   * @param capacity what the node offers the scheduler (cpu, memory, pods, ephemeral-storage)
   */
  public NodeLease(
      KubernetesClient client, String node, Duration interval, Map<String, Quantity> capacity) {
    this.client = client;
    this.node = node;
    this.interval = interval;
    this.capacity = Map.copyOf(capacity);
    this.timer =
        Executors.newSingleThreadScheduledExecutor(
            r -> {
              Thread t = new Thread(r, "lease-" + node);
              t.setDaemon(true);
              return t;
            });
  }

  /** Creates the Node (Ready) and starts renewing its Lease. */
  public synchronized void register(String hostIp) {
    // Instant prints its seconds always (ZonedDateTime drops ":00", which the API server refuses).
    String now = Instant.now().truncatedTo(ChronoUnit.SECONDS).toString();
    Node object =
        new NodeBuilder()
            .withNewMetadata()
            .withName(node)
            .withLabels(
                Map.of(
                    "kubernetes.io/hostname", node,
                    "kubernetes.io/os", "linux",
                    "kubernetes.io/arch", "amd64",
                    "flinkresilience.dev/emulated", "true"))
            .endMetadata()
            .withNewStatus()
            .addNewCondition()
            .withType("Ready")
            .withStatus("True")
            .withReason("KubeletReady")
            .withMessage("emulated kubelet is posting ready status")
            .withLastHeartbeatTime(now)
            .withLastTransitionTime(now)
            .endCondition()
            .addNewAddress()
            .withType("InternalIP")
            .withAddress(hostIp)
            .endAddress()
            .addNewAddress()
            .withType("Hostname")
            .withAddress(node)
            .endAddress()
            .withCapacity(capacity)
            .withAllocatable(capacity)
            .withNewNodeInfo()
            .withKubeletVersion("v1.20.2")
            .withOperatingSystem("linux")
            .withArchitecture("amd64")
            .withContainerRuntimeVersion("local://jvm")
            .withKernelVersion("")
            .withOsImage("flink-resilience node emulator")
            .withKubeProxyVersion("")
            .withMachineID(node)
            .withSystemUUID(node)
            .withBootID(node)
            .endNodeInfo()
            .endStatus()
            .build();
    client.nodes().resource(object).create();
    resume();
  }

  /** Renews now and every interval from now on. */
  public synchronized void resume() {
    if (renewing == null) {
      renewing =
          timer.scheduleAtFixedRate(this::renew, 0, interval.toMillis(), TimeUnit.MILLISECONDS);
    }
  }

  /**
   * Renews at random gaps between {@code min} and {@code max} from now on, as a kubelet under load
   * or on a lossy network does (a gap above the 10 s interval is a missed renewal). {@link #stop}
   * ends it; {@link #resume} afterwards renews at the steady interval again.
   */
  public synchronized void renewIrregularly(Duration min, Duration max, java.util.Random random) {
    stop();
    long spread = Math.max(1, max.toMillis() - min.toMillis());
    Runnable[] next = new Runnable[1];
    next[0] =
        () -> {
          renew();
          synchronized (this) {
            if (renewing != null) {
              renewing =
                  timer.schedule(
                      next[0],
                      min.toMillis() + (long) (random.nextDouble() * spread),
                      TimeUnit.MILLISECONDS);
            }
          }
        };
    renewing =
        timer.schedule(
            next[0], min.toMillis() + (long) (random.nextDouble() * spread), TimeUnit.MILLISECONDS);
  }

  /** One last renewal, then silence. */
  public synchronized void renewOnceAndStop() {
    stop();
    renew();
  }

  /** No more renewals: to the control plane the node goes silent. */
  public synchronized void stop() {
    if (renewing != null) {
      renewing.cancel(false);
      renewing = null;
    }
  }

  private void renew() {
    // The API server's MicroTime keeps microseconds.
    ZonedDateTime now =
        ZonedDateTime.ofInstant(Instant.now().truncatedTo(ChronoUnit.MICROS), ZoneOffset.UTC);
    try {
      Lease lease = client.leases().inNamespace(LEASE_NAMESPACE).withName(node).get();
      if (lease == null) {
        client
            .leases()
            .inNamespace(LEASE_NAMESPACE)
            .resource(
                new LeaseBuilder()
                    .withNewMetadata()
                    .withName(node)
                    .withNamespace(LEASE_NAMESPACE)
                    .endMetadata()
                    .withNewSpec()
                    .withHolderIdentity(node)
                    .withLeaseDurationSeconds(40)
                    .withRenewTime(now)
                    .endSpec()
                    .build())
            .create();
      } else {
        lease.getSpec().setRenewTime(now);
        client.leases().inNamespace(LEASE_NAMESPACE).resource(lease).update();
      }
    } catch (KubernetesClientException e) {
      LOG.warn("{}: lease not renewed: {}", node, e.getMessage());
    }
    postReady();
  }

  /**
   * Ready again after a silence: the node lifecycle controller set the Ready condition to Unknown
   * (and tainted the node) when the Lease stopped; a kubelet that is back posts its status, and the
   * controller then lifts the taints.
   */
  private void postReady() {
    try {
      Node current = client.nodes().withName(node).get();
      boolean ready =
          current == null
              || current.getStatus() == null
              || current.getStatus().getConditions() == null
              || current.getStatus().getConditions().stream()
                  .anyMatch(c -> "Ready".equals(c.getType()) && "True".equals(c.getStatus()));
      if (ready) {
        return;
      }
      String at = Instant.now().truncatedTo(ChronoUnit.SECONDS).toString();
      client
          .nodes()
          .withName(node)
          .editStatus(
              n -> {
                n.getStatus().getConditions().stream()
                    .filter(c -> "Ready".equals(c.getType()))
                    .forEach(
                        c -> {
                          c.setStatus("True");
                          c.setReason("KubeletReady");
                          c.setMessage("emulated kubelet is posting ready status");
                          c.setLastHeartbeatTime(at);
                          c.setLastTransitionTime(at);
                        });
                return n;
              });
      LOG.info("{}: posted Ready again", node);
    } catch (KubernetesClientException e) {
      LOG.warn("{}: status not posted: {}", node, e.getMessage());
    }
  }

  /** A machine of 16 CPUs, 64 GiB and Kubernetes' default of 110 pods. */
  public static Map<String, Quantity> capacity() {
    return Map.of(
        "cpu", new Quantity("16"),
        "memory", new Quantity("64Gi"),
        "pods", new Quantity("110"),
        "ephemeral-storage", new Quantity("100Gi"));
  }

  @Override
  public void close() {
    stop();
    timer.shutdownNow();
  }
}
