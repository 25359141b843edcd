package dev.flinkresilience.local;

import dev.flinkresilience.local.controlplane.ControlPlane;
import dev.flinkresilience.local.controlplane.MockControlPlane;
import dev.flinkresilience.local.controlplane.RealControlPlane;
import dev.flinkresilience.local.node.FlinkImages;
import dev.flinkresilience.local.node.Kubelet;
import dev.flinkresilience.local.node.NodeAgent;
import dev.flinkresilience.local.node.NodeLease;
import dev.flinkresilience.local.node.PodAddresses;
import dev.flinkresilience.local.node.PodMain;
import dev.flinkresilience.local.node.PodProcess;
import dev.flinkresilience.local.node.RealNodes;
import dev.flinkresilience.local.node.StandInKubelet;
import dev.flinkresilience.local.storage.S3Server;
import dev.flinkresilience.operator.decide.NodeView;
import io.fabric8.kubernetes.api.model.NamespaceBuilder;
import io.fabric8.kubernetes.api.model.Node;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.Quantity;
import io.fabric8.kubernetes.api.model.Service;
import io.fabric8.kubernetes.api.model.Taint;
import io.fabric8.kubernetes.api.model.TaintBuilder;
import io.fabric8.kubernetes.client.Config;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientBuilder;
import io.fabric8.kubernetes.client.KubernetesClientException;
import io.fabric8.kubernetes.client.informers.ResourceEventHandler;
import io.fabric8.kubernetes.client.informers.SharedIndexInformer;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.UnaryOperator;
import org.apache.curator.test.TestingServer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The local cluster (DESIGN.md §7): a control plane on this machine, N emulated nodes (a Node with
 * a Lease renewed as a kubelet does, and a {@link Kubelet} that runs the node's pods as Flink
 * JVMs), an embedded ZooKeeper for ZooKeeper HA, an S3 server ({@link S3Server}) for checkpoints,
 * savepoints and HA data, and the failures the chaos tests inject. Everything it starts stops on
 * {@link #close()}, or when the JVM exits.
 */
public final class LocalCluster implements AutoCloseable {
  static final String OUT_OF_SERVICE = "node.kubernetes.io/out-of-service";

  /** A stand-in node holds thousands of pods: their requests are never run. */
  private static final Map<String, Quantity> STAND_IN_CAPACITY =
      Map.of(
          "cpu", new Quantity("10000"),
          "memory", new Quantity("100Ti"),
          "pods", new Quantity("10000"),
          "ephemeral-storage", new Quantity("100Ti"));

  private static final Logger LOG = LoggerFactory.getLogger(LocalCluster.class);

  /** How to build it. */
  public record Settings(
      int nodes,
      Duration leaseInterval,
      ControlPlane.Kind controlPlane,
      Path state,
      Path repo,
      FlinkImages flink,
      String controllerManagerArgs,
      boolean zookeeper,
      Kubelets kubelets,
      String serviceRange) {

    /** What keeps the nodes' pods. */
    public enum Kubelets {
      /** {@link Kubelet}: every pod a Flink JVM on this machine. */
      EMULATED,
      /**
       * {@link StandInKubelet}: pods reported Running with a made-up IP, nothing started; nodes
       * large enough for thousands of pods. For the scale benchmark.
       */
      STAND_IN,
      /**
       * {@link RealNodes}: real kubelets and containerd ({@code local/realnode}), every pod a
       * container of the Flink image; needs the real control plane. No ZooKeeper (pods could not
       * reach it), S3 on the nodes' bridge address.
       */
      REAL
    }

    /**
     * Three nodes renewing every 10 s, the real control plane if built, state in a new temporary
     * directory, and as the Flink the pods run: this JVM's classpath with jars from {@code
     * sample-job/target}, and for {@code flink:1.20} images the {@code flink-1.20} module's build
     * (when built).
     */
    public static Settings defaults() {
      try {
        Path repo = Path.of(System.getProperty("repo.dir", ".")).toAbsolutePath().normalize();
        FlinkImages flink =
            FlinkImages.only(
                new FlinkImages.Distribution(
                    absolute(System.getProperty("java.class.path")),
                    Path.of(
                        System.getProperty(
                            "fro.usrlib", repo.resolve("sample-job/target").toString())),
                    S3Server.plugins(repo)));
        Optional<FlinkImages.Distribution> flink120 =
            builtDistribution(
                Path.of(
                    System.getProperty(
                        "fro.flink-1.20", repo.resolve("flink-1.20/target").toString())));
        if (flink120.isPresent()) {
          flink = flink.with("1.20", flink120.get());
        }
        return new Settings(
            3,
            Duration.ofSeconds(10),
            ControlPlane.Kind.valueOf(
                System.getProperty("fro.control-plane", "auto").toUpperCase(java.util.Locale.ROOT)),
            Files.createTempDirectory("fro-local-"),
            repo,
            flink,
            "",
            true,
            Kubelets.EMULATED,
            RealControlPlane.DEFAULT_SERVICE_RANGE);
      } catch (IOException e) {
        throw new UncheckedIOException(e);
      }
    }

    /**
     * A Flink version's distribution as its module built it into {@code target}: the job jar there,
     * and its runtime classpath ({@code classpath.txt}) behind the pods' first class ({@link
     * PodMain}, from wherever this JVM has it). Empty when not built.
     */
    static Optional<FlinkImages.Distribution> builtDistribution(Path target) throws IOException {
      Path classpath = target.resolve("classpath.txt");
      if (!Files.isRegularFile(classpath)) {
        return Optional.empty();
      }
      String podMain;
      try {
        podMain =
            Path.of(PodMain.class.getProtectionDomain().getCodeSource().getLocation().toURI())
                .toString();
      } catch (java.net.URISyntaxException e) {
        throw new IllegalStateException(e);
      }
      return Optional.of(
          new FlinkImages.Distribution(
              podMain + java.io.File.pathSeparator + Files.readString(classpath).trim(), target));
    }

    /** The pods run in their own directories: a relative classpath entry would not resolve. */
    static String absolute(String classpath) {
      return java.util.Arrays.stream(classpath.split(java.io.File.pathSeparator))
          .map(e -> Path.of(e).toAbsolutePath().toString())
          .collect(java.util.stream.Collectors.joining(java.io.File.pathSeparator));
    }

    public Settings withControlPlane(ControlPlane.Kind kind) {
      return new Settings(
          nodes,
          leaseInterval,
          kind,
          state,
          repo,
          flink,
          controllerManagerArgs,
          zookeeper,
          kubelets,
          serviceRange);
    }

    public Settings withNodes(int count) {
      return new Settings(
          count,
          leaseInterval,
          controlPlane,
          state,
          repo,
          flink,
          controllerManagerArgs,
          zookeeper,
          kubelets,
          serviceRange);
    }

    public Settings withControllerManagerArgs(String args) {
      return new Settings(
          nodes,
          leaseInterval,
          controlPlane,
          state,
          repo,
          flink,
          args,
          zookeeper,
          kubelets,
          serviceRange);
    }

    /** Real nodes ({@link Kubelets#REAL}) on the real control plane, no ZooKeeper. */
    public Settings withRealNodes() {
      return new Settings(
          nodes,
          leaseInterval,
          ControlPlane.Kind.REAL,
          state,
          repo,
          flink,
          controllerManagerArgs,
          false,
          Kubelets.REAL,
          serviceRange);
    }

    /**
     * Stand-in kubelets ({@link Kubelets#STAND_IN}), no ZooKeeper, and the Service IP range {@code
     * serviceRange} (the real control plane only): the scale benchmark's cluster.
     */
    public Settings withStandInKubelets(String serviceRange) {
      return new Settings(
          nodes,
          leaseInterval,
          controlPlane,
          state,
          repo,
          flink,
          controllerManagerArgs,
          false,
          Kubelets.STAND_IN,
          serviceRange);
    }
  }

  private final Settings settings;
  private final List<AutoCloseable> toClose = new ArrayList<>();
  private final Map<String, EmulatedNode> nodes = new LinkedHashMap<>();
  private final Thread shutdownHook = new Thread(this::close, "local-cluster-shutdown");
  private ControlPlane controlPlane;
  private KubernetesClient client;
  private SharedIndexInformer<Pod> pods;
  private TestingServer zookeeper;
  private S3Server s3;
  private RealNodes realNodes;
  private boolean closed;

  private LocalCluster(Settings settings) {
    this.settings = settings;
  }

  /** One emulated node: its heartbeat and its kubelet (emulated or stand-in). */
  private record EmulatedNode(NodeLease lease, NodeAgent agent) {
    /** The emulated kubelet, for what only one that runs processes can do. */
    Kubelet kubelet() {
      if (agent instanceof Kubelet k) {
        return k;
      }
      throw new UnsupportedOperationException("a stand-in kubelet runs no processes");
    }
  }

  public static LocalCluster start(Settings settings) {
    LocalCluster cluster = new LocalCluster(settings);
    Runtime.getRuntime().addShutdownHook(cluster.shutdownHook);
    try {
      cluster.startAll();
      return cluster;
    } catch (RuntimeException | Error e) {
      cluster.close();
      throw e;
    }
  }

  private void startAll() {
    boolean real =
        settings.controlPlane() == ControlPlane.Kind.REAL
            || settings.controlPlane() == ControlPlane.Kind.AUTO && RealControlPlane.available();
    Path planeState = settings.state().resolve("controlplane");
    boolean onRealNodes = settings.kubelets() == Settings.Kubelets.REAL;
    if (onRealNodes && !real) {
      throw new IllegalStateException(
          "real nodes need the real control plane (local/controlplane/build.sh)");
    }
    controlPlane =
        real
            ? RealControlPlane.start(
                settings.repo(),
                planeState,
                settings.controllerManagerArgs(),
                settings.serviceRange(),
                onRealNodes ? RealNodes.apiServerArgs(planeState) : "")
            : MockControlPlane.start(planeState);
    toClose.add(controlPlane);
    LOG.info("control plane: {}", controlPlane.describe());
    client = client(controlPlane.kubeconfig());
    toClose.add(0, client);
    ensureNamespace("kube-node-lease");
    if (onRealNodes) {
      startRealNodes((RealControlPlane) controlPlane);
      return;
    }
    boolean standIn = settings.kubelets() == Settings.Kubelets.STAND_IN;
    if (!standIn) {
      s3 = S3Server.start(settings.state().resolve("s3"));
      toClose.add(0, s3);
    }
    if (settings.zookeeper()) {
      try {
        zookeeper = new TestingServer(true);
        toClose.add(0, zookeeper);
      } catch (Exception e) {
        throw new IllegalStateException("embedded ZooKeeper did not start: " + e, e);
      }
    }

    if (!standIn) {
      reapPodsWhenGone(settings.state().resolve("pods"));
    }
    Kubelet.Setup setup =
        new Kubelet.Setup(
            client,
            settings.state().resolve("pods"),
            controlPlane.kubeconfig(),
            settings.flink(),
            this::resolveJobManager);
    pods = client.pods().inAnyNamespace().inform(dispatch(), 0);
    toClose.add(0, pods::close);
    for (int i = 1; i <= settings.nodes(); i++) {
      String name = "node-" + i;
      PodAddresses addresses = PodAddresses.ofThisProcess(i);
      NodeLease lease =
          standIn
              ? new NodeLease(client, name, settings.leaseInterval(), STAND_IN_CAPACITY)
              : new NodeLease(client, name, settings.leaseInterval());
      NodeAgent agent =
          standIn
              ? new StandInKubelet(client, name, addresses.hostIp(), i, () -> podsOn(name))
              : new Kubelet(setup, name, addresses.hostIp(), addresses, () -> podsOn(name));
      nodes.put(name, new EmulatedNode(lease, agent));
      toClose.add(0, lease);
      toClose.add(0, agent);
      lease.register(addresses.hostIp());
    }
    LOG.info("{} nodes registered: {}", nodes.size(), nodes.keySet());
  }

  /**
   * Real nodes: started by the scripts of {@code local/realnode}, the Flink image imported into
   * each under the names the jobs give; then the controller-manager restarted (a
   * kube-controller-manager 1.20.2 that saw the nodes join may never add the NoExecute taint to one
   * that dies later: see local/realnode/README.md), and S3 on the nodes' bridge address, which pods
   * and this machine both reach.
   */
  private void startRealNodes(RealControlPlane plane) {
    // Only Flink 2.3 has an image for real nodes (local/realnode/flink-image.sh).
    List<String> tags = List.of(RealNodes.dockerName(SampleJob.Flink.V2_3.image()));
    realNodes =
        RealNodes.start(
            settings.repo(),
            plane.state(),
            settings.state().resolve("realnodes"),
            settings.nodes(),
            RealNodes.flinkImage(),
            tags,
            line -> LOG.info("{}", line));
    toClose.add(0, realNodes);
    plane.restart(RealControlPlane.Component.CONTROLLER_MANAGER, Duration.ZERO);
    s3 = S3Server.start(settings.state().resolve("s3"), RealNodes.BRIDGE_IP);
    toClose.add(0, s3);
    LOG.info("{} real nodes: {}", realNodes.names().size(), realNodes.names());
  }

  /** Whether its nodes are real ({@link Settings.Kubelets#REAL}). */
  public boolean realNodes() {
    return realNodes != null;
  }

  /**
   * A detached watcher that kills every pod process once this JVM is gone without closing the
   * cluster (killed outright, no shutdown hook). Each pod's watchdog does the same for itself, but
   * a process stopped with its node (killNode, freezeNode) cannot run its watchdog.
   */
  private void reapPodsWhenGone(Path podsRoot) {
    String watch =
        "while kill -0 "
            + ProcessHandle.current().pid()
            + " 2>/dev/null; do sleep 1; done; exec pkill -KILL -f -- '"
            + podsRoot
            + "'";
    try {
      Process reaper =
          new ProcessBuilder("setsid", "bash", "-c", watch)
              .redirectErrorStream(true)
              .redirectOutput(ProcessBuilder.Redirect.DISCARD)
              .start();
      // Closed normally, the cluster kills its pods itself and the watcher goes too.
      toClose.add(0, reaper::destroyForcibly);
    } catch (IOException e) {
      throw new UncheckedIOException("cannot start the pod reaper: " + e.getMessage(), e);
    }
  }

  private ResourceEventHandler<Pod> dispatch() {
    return new ResourceEventHandler<>() {
      @Override
      public void onAdd(Pod pod) {
        kubeletOf(pod).ifPresent(k -> k.podChanged(pod));
      }

      @Override
      public void onUpdate(Pod before, Pod pod) {
        kubeletOf(pod).ifPresent(k -> k.podChanged(pod));
      }

      @Override
      public void onDelete(Pod pod, boolean unknownFinalState) {
        kubeletOf(pod).ifPresent(k -> k.podDeleted(pod));
      }
    };
  }

  private Optional<NodeAgent> kubeletOf(Pod pod) {
    String node = pod.getSpec() == null ? null : pod.getSpec().getNodeName();
    return Optional.ofNullable(node == null ? null : nodes.get(node)).map(EmulatedNode::agent);
  }

  private List<Pod> podsOn(String node) {
    return pods.getStore().list().stream()
        .filter(p -> p.getSpec() != null && node.equals(p.getSpec().getNodeName()))
        .toList();
  }

  /**
   * Cluster DNS for the one name Flink's TaskManagers look up: the JobManager's Service ({@code
   * <service>.<namespace>[.svc…]}), answered with the IP of a running pod it selects.
   */
  Optional<String> resolveJobManager(String host) {
    String[] labels = host.split("\\.");
    if (labels.length < 2) {
      return Optional.empty();
    }
    Service service = client.services().inNamespace(labels[1]).withName(labels[0]).get();
    if (service == null || service.getSpec().getSelector() == null) {
      return Optional.empty();
    }
    Map<String, String> selector = service.getSpec().getSelector();
    return pods.getStore().list().stream()
        .filter(p -> labels[1].equals(p.getMetadata().getNamespace()))
        .filter(p -> p.getMetadata().getLabels() != null)
        .filter(p -> p.getMetadata().getLabels().entrySet().containsAll(selector.entrySet()))
        .filter(p -> p.getMetadata().getDeletionTimestamp() == null)
        .filter(p -> p.getStatus() != null && p.getStatus().getPodIP() != null)
        .max(Comparator.comparing(p -> p.getMetadata().getCreationTimestamp()))
        .map(p -> p.getStatus().getPodIP());
  }

  public ControlPlane controlPlane() {
    return controlPlane;
  }

  public KubernetesClient client() {
    return client;
  }

  public Path kubeconfig() {
    return controlPlane.kubeconfig();
  }

  public Path state() {
    return settings.state();
  }

  /** What it was started with (the Flink its pods can run, among others). */
  public Settings settings() {
    return settings;
  }

  public List<String> nodeNames() {
    return realNodes != null ? realNodes.names() : List.copyOf(nodes.keySet());
  }

  /** {@code host:port} of the embedded ZooKeeper. */
  public String zookeeperQuorum() {
    if (zookeeper == null) {
      throw new IllegalStateException("the local cluster was started without ZooKeeper");
    }
    return zookeeper.getConnectString();
  }

  public boolean hasS3() {
    return s3 != null;
  }

  /** The cluster's S3 (every cluster whose pods run Flink has one). */
  public S3Server s3() {
    if (s3 == null) {
      throw new IllegalStateException("the local cluster was started without S3 (stand-in nodes)");
    }
    return s3;
  }

  public void ensureNamespace(String name) {
    try {
      if (client.namespaces().withName(name).get() == null) {
        client
            .namespaces()
            .resource(new NamespaceBuilder().withNewMetadata().withName(name).endMetadata().build())
            .create();
      }
    } catch (KubernetesClientException e) {
      if (e.getCode() != 409) {
        throw e;
      }
    }
  }

  /** The node a pod is bound to, if any. */
  public Optional<String> nodeOf(String namespace, String pod) {
    return Optional.ofNullable(client.pods().inNamespace(namespace).withName(pod).get())
        .map(p -> p.getSpec().getNodeName());
  }

  // ---- failure injection ----

  /** SIGKILL the process of a pod's container (the kubelet then restarts it per restartPolicy). */
  public void killPodProcess(String namespace, String pod) {
    String node =
        nodeOf(namespace, pod)
            .orElseThrow(() -> new IllegalArgumentException(pod + " is not bound"));
    PodProcess process =
        node(node)
            .kubelet()
            .process(namespace, pod)
            .orElseThrow(
                () -> new IllegalStateException(pod + " has no running process on " + node));
    LOG.info(
        "failure: killing the process of {}/{} (pid {}) on {}",
        namespace,
        pod,
        process.pid(),
        node);
    process.kill();
  }

  /**
   * SIGSTOP the process of a pod's container, and only it: the pod stays Running and Ready in the
   * API, its node and Lease are fine, but the process answers nothing (a JobManager hung in a long
   * GC pause or a stuck syscall). A deletion still ends it: SIGKILL needs no cooperation.
   */
  public void freezePodProcess(String namespace, String pod) {
    PodProcess process = processOf(namespace, pod);
    LOG.info("failure: freezing the process of {}/{} (pid {})", namespace, pod, process.pid());
    process.freeze();
  }

  /** SIGCONT the process of a pod's container, if it still runs. */
  public void thawPodProcess(String namespace, String pod) {
    nodeOf(namespace, pod)
        .flatMap(node -> node(node).kubelet().process(namespace, pod))
        .ifPresent(
            process -> {
              LOG.info("thawing the process of {}/{} (pid {})", namespace, pod, process.pid());
              process.thaw();
            });
  }

  private PodProcess processOf(String namespace, String pod) {
    String node =
        nodeOf(namespace, pod)
            .orElseThrow(() -> new IllegalArgumentException(pod + " is not bound"));
    return node(node)
        .kubelet()
        .process(namespace, pod)
        .orElseThrow(() -> new IllegalStateException(pod + " has no running process on " + node));
  }

  /** Deletes a pod through the API, gracefully, as {@code kubectl delete pod} does. */
  public void deletePod(String namespace, String pod) {
    LOG.info("failure: deleting pod {}/{}", namespace, pod);
    client.pods().inNamespace(namespace).withName(pod).delete();
  }

  /**
   * Power off a node: its processes stop at once without a word (no connection is closed; peers
   * find out by their timeouts), its Lease and status stop, and its pods stay "Running" in the API,
   * as on a real dead node.
   */
  public void killNode(String node) {
    LOG.info("failure: killing node {}", node);
    if (realNodes != null) {
      realNodes.kill(node);
      return;
    }
    EmulatedNode n = node(node);
    n.lease().stop();
    n.agent().kill();
  }

  /**
   * The node dies right after its kubelet renewed the Lease: the worst case for detection, which
   * then waits a full renewal period before the Lease even looks late.
   */
  public void killNodeRightAfterRenewal(String node) {
    LOG.info("failure: killing node {} right after it renewed its Lease", node);
    if (realNodes != null) {
      killRealNodeRightAfterRenewal(node);
      return;
    }
    EmulatedNode n = node(node);
    n.lease().renewOnceAndStop();
    n.agent().kill();
  }

  /**
   * A real node's kubelet renews on its own schedule: watch its Lease (every 20 ms) and kill the
   * node as soon as the renew time moves. The kill lands some tens of milliseconds after the
   * renewal (the poll, then {@code stop-node.sh}'s SIGKILL).
   */
  private void killRealNodeRightAfterRenewal(String node) {
    var lease = client.leases().inNamespace("kube-node-lease").withName(node);
    java.util.function.Supplier<Object> renewTime =
        () -> {
          var l = lease.get();
          return l == null || l.getSpec() == null ? null : l.getSpec().getRenewTime();
        };
    Object first = renewTime.get();
    long deadline = System.nanoTime() + Duration.ofSeconds(60).toNanos();
    while (java.util.Objects.equals(first, renewTime.get())) {
      if (System.nanoTime() > deadline) {
        throw new IllegalStateException("the Lease of " + node + " was not renewed within 60 s");
      }
      try {
        Thread.sleep(20);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        throw new IllegalStateException(e);
      }
    }
    realNodes.kill(node);
  }

  /** A partition: the node's processes are stopped (SIGSTOP) and its Lease is not renewed. */
  /**
   * The node's kubelet renews its Lease at random gaps between {@code min} and {@code max}, its
   * pods untouched: a slow kubelet, not a dead node.
   */
  public void renewIrregularly(String node, Duration min, Duration max, java.util.Random random) {
    nodes.get(node).lease().renewIrregularly(min, max, random);
  }

  /** The node's kubelet renews at its steady interval again. */
  public void resumeRenewals(String node) {
    NodeLease lease = nodes.get(node).lease();
    lease.stop();
    lease.resume();
  }

  public void freezeNode(String node) {
    LOG.info("failure: freezing node {}", node);
    EmulatedNode n = node(node);
    n.lease().stop();
    n.agent().freeze();
  }

  /** The partition heals: processes continue, the Lease is renewed, the kubelet catches up. */
  public void thawNode(String node) {
    LOG.info("thawing node {}", node);
    EmulatedNode n = node(node);
    n.agent().thaw();
    n.lease().resume();
  }

  /**
   * The partition heals, the kubelet last: the node's processes continue at once and get {@code
   * kubeletBehind} before the kubelet syncs with the API (and kills what was deleted meanwhile) and
   * the Lease is renewed. The harshest fair case for fencing: a JobManager released from the node
   * runs on, and must find it is no longer the leader.
   */
  public void thawNode(String node, Duration kubeletBehind) throws InterruptedException {
    LOG.info("thawing node {}: processes now, the kubelet in {}", node, kubeletBehind);
    node(node).kubelet().resumeProcesses();
    Thread.sleep(kubeletBehind.toMillis());
    thawNode(node);
  }

  /** The output file of a running pod's container (its stdout, stderr and Flink's log). */
  public Optional<Path> podLog(String namespace, String pod) {
    return nodeOf(namespace, pod).flatMap(n -> node(n).kubelet().log(namespace, pod));
  }

  /**
   * What an administrator does for a node that is gone for good (Kubernetes' non-graceful node
   * shutdown): the {@code node.kubernetes.io/out-of-service} taint, which says nothing on the node
   * runs any more. Removed again when the node is revived.
   */
  public void taintOutOfService(String node) {
    LOG.info("tainting node {} out-of-service", node);
    editNode(
        node,
        n -> {
          List<Taint> taints =
              new ArrayList<>(
                  n.getSpec().getTaints() == null ? List.of() : n.getSpec().getTaints());
          taints.add(
              new TaintBuilder()
                  .withKey(OUT_OF_SERVICE)
                  .withValue("nodeshutdown")
                  .withEffect("NoExecute")
                  .build());
          n.getSpec().setTaints(taints);
          return n;
        });
  }

  /**
   * An edit of a Node that retries on a conflict: its kubelet and the node lifecycle controller
   * write the same object all the time.
   */
  private void editNode(String node, UnaryOperator<Node> change) {
    for (int attempt = 1; ; attempt++) {
      try {
        client().nodes().withName(node).edit(change);
        return;
      } catch (KubernetesClientException e) {
        if (e.getCode() != 409 || attempt == 5) {
          throw e;
        }
      }
    }
  }

  /** A killed node boots again: its Lease is renewed and its kubelet starts over. */
  public void reviveNode(String node) {
    LOG.info("reviving node {}", node);
    if (realNodes != null) {
      realNodes.revive(node);
    } else {
      EmulatedNode n = node(node);
      n.agent().revive();
      n.lease().resume();
    }
    Node object = client().nodes().withName(node).get();
    if (object != null
        && object.getSpec().getTaints() != null
        && object.getSpec().getTaints().stream().anyMatch(t -> OUT_OF_SERVICE.equals(t.getKey()))) {
      editNode(
          node,
          o -> {
            if (o.getSpec().getTaints() != null) {
              o.getSpec().getTaints().removeIf(t -> OUT_OF_SERVICE.equals(t.getKey()));
            }
            return o;
          });
    }
  }

  /** Nodes carrying the operator's lost-node taint ({@link NodeView#LOST_TAINT}), by name. */
  public List<String> lostTaintedNodes() {
    return client().nodes().list().getItems().stream()
        .filter(
            n ->
                n.getSpec().getTaints() != null
                    && n.getSpec().getTaints().stream()
                        .anyMatch(t -> NodeView.LOST_TAINT.equals(t.getKey())))
        .map(n -> n.getMetadata().getName())
        .sorted()
        .toList();
  }

  /**
   * Removes the operator's lost-node taint from {@code node}: cleanup between runs when the
   * operator did not lift it (it lifts it once the node's Lease renews; a run notes this).
   */
  public void removeLostTaint(String node) {
    editNode(
        node,
        o -> {
          if (o.getSpec().getTaints() != null) {
            o.getSpec().getTaints().removeIf(t -> NodeView.LOST_TAINT.equals(t.getKey()));
          }
          return o;
        });
  }

  /** Boots every node a failure left dead or frozen, so the next run has them all. */
  public void reviveDeadNodes() {
    for (String name : nodeNames()) {
      if (health(name) != Kubelet.Health.RUNNING) {
        reviveNode(name);
      }
    }
  }

  public Kubelet.Health health(String node) {
    if (realNodes != null) {
      return realNodes.alive(node) ? Kubelet.Health.RUNNING : Kubelet.Health.DEAD;
    }
    return node(node).agent().health();
  }

  private EmulatedNode node(String name) {
    if (realNodes != null) {
      throw new UnsupportedOperationException(
          "not on real nodes (only killing, killing right after a renewal and reviving are): "
              + name
              + " of "
              + realNodes.names());
    }
    EmulatedNode n = nodes.get(name);
    if (n == null) {
      throw new IllegalArgumentException("no node " + name + "; nodes: " + nodes.keySet());
    }
    return n;
  }

  static KubernetesClient client(Path kubeconfig) {
    try {
      Config config = Config.fromKubeconfig(Files.readString(kubeconfig));
      return new KubernetesClientBuilder().withConfig(config).build();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /** Stops every process, node, informer, ZooKeeper and the control plane. */
  @Override
  public synchronized void close() {
    if (closed) {
      return;
    }
    closed = true;
    for (AutoCloseable c : toClose) {
      try {
        c.close();
      } catch (Exception e) {
        LOG.warn("closing {}: {}", c, e.toString());
      }
    }
    try {
      Runtime.getRuntime().removeShutdownHook(shutdownHook);
    } catch (IllegalStateException e) {
      // already shutting down: this is the hook
    }
  }
}
