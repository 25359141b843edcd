package dev.flinkresilience.local.node;

import io.fabric8.kubernetes.api.model.ConfigMap;
import io.fabric8.kubernetes.api.model.ContainerState;
import io.fabric8.kubernetes.api.model.ContainerStateBuilder;
import io.fabric8.kubernetes.api.model.ContainerStatus;
import io.fabric8.kubernetes.api.model.ContainerStatusBuilder;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.PodCondition;
import io.fabric8.kubernetes.api.model.PodConditionBuilder;
import io.fabric8.kubernetes.api.model.PodIPBuilder;
import io.fabric8.kubernetes.api.model.PodStatus;
import io.fabric8.kubernetes.api.model.PodStatusBuilder;
import io.fabric8.kubernetes.api.model.Volume;
import io.fabric8.kubernetes.api.model.VolumeMount;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientException;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.function.Function;
import java.util.function.Supplier;
import org.apache.flink.configuration.GlobalConfiguration;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The kubelet of one emulated node: every pod bound to the node runs as a local JVM ({@link
 * ContainerPlan}), and the pod's status says what a kubelet would: phase, IP, container state,
 * restarts and exit codes; {@code restartPolicy} is honoured with the kubelet's back-off, and a
 * graceful deletion stops the process (SIGTERM, then SIGKILL after the grace period) before the pod
 * is removed for good.
 *
 * <p>Everything runs on one thread per node, so a pod's events are handled in order. A dead node's
 * kubelet does nothing at all (its pods stay "Running" in the API, as on a real dead node); a
 * frozen one remembers and catches up when thawed.
 */
public final class Kubelet implements NodeAgent {
  private static final Logger LOG = LoggerFactory.getLogger(Kubelet.class);
  private static final Duration MAX_BACKOFF = Duration.ofMinutes(5);
  private static final Duration RESET_BACKOFF_AFTER = Duration.ofMinutes(10);
  private static final Path MACHINE_HOSTS = Path.of("/etc/hosts");

  /** What a node's kubelet can be doing. */
  public enum Health {
    RUNNING,
    FROZEN,
    DEAD
  }

  /** What every kubelet of the cluster shares. */
  public record Setup(
      KubernetesClient client,
      Path podsRoot,
      Path kubeconfig,
      FlinkImages images,
      Function<String, Optional<String>> resolveJobManager) {}

  private final Setup setup;
  private final String node;
  private final String hostIp;
  private final Supplier<List<Pod>> podsOnNode;
  private final PodAddresses addresses;
  private final ScheduledExecutorService thread;
  private final Map<String, PodRun> runs = new HashMap<>();
  private volatile Health health = Health.RUNNING;
  private volatile boolean closing;

  public Kubelet(
      Setup setup,
      String node,
      String hostIp,
      PodAddresses addresses,
      Supplier<List<Pod>> podsOnNode) {
    this.setup = setup;
    this.node = node;
    this.hostIp = hostIp;
    this.addresses = addresses;
    this.podsOnNode = podsOnNode;
    this.thread =
        Executors.newSingleThreadScheduledExecutor(
            r -> {
              Thread t = new Thread(r, "kubelet-" + node);
              t.setDaemon(true);
              return t;
            });
  }

  public String node() {
    return node;
  }

  @Override
  public Health health() {
    return health;
  }

  /** A pod bound to this node was added or changed. */
  @Override
  public void podChanged(Pod pod) {
    run(() -> sync(pod));
  }

  /** A pod bound to this node is gone from the API (deleted with grace 0, or finally removed). */
  @Override
  public void podDeleted(Pod pod) {
    // A partitioned kubelet does not hear of it; thaw() catches up.
    run(
        () -> {
          if (health == Health.RUNNING) {
            removed(uid(pod));
          }
        });
  }

  /** The process of {@code pod}'s container, if it runs here. */
  public Optional<PodProcess> process(String namespace, String name) {
    return call(
        () ->
            runs.values().stream()
                .filter(r -> r.namespace.equals(namespace) && r.name.equals(name))
                .map(r -> r.process)
                .filter(p -> p != null)
                .findFirst());
  }

  /** Where the container of {@code pod} writes its output (stdout, stderr and Flink's log). */
  public Optional<Path> log(String namespace, String name) {
    return call(
        () ->
            runs.values().stream()
                .filter(r -> r.namespace.equals(namespace) && r.name.equals(name))
                .filter(r -> r.logFile != null)
                .map(r -> r.logFile)
                .findFirst());
  }

  /**
   * Power off: every process stops at once and says nothing more. They are stopped (SIGSTOP), not
   * killed: this machine's kernel would reset a killed process's connections and tell its peers at
   * once what a dead machine never tells them, so they must find out by their own timeouts, as in
   * the field. The processes are killed when the node boots again or the cluster stops.
   */
  @Override
  public void kill() {
    call(
        () -> {
          health = Health.DEAD;
          runs.values().stream().filter(r -> r.process != null).forEach(r -> r.process.freeze());
          return null;
        });
  }

  /** SIGSTOP every process and stop acting, as on a partitioned or hung node. */
  @Override
  public void freeze() {
    call(
        () -> {
          health = Health.FROZEN;
          runs.values().stream().filter(r -> r.process != null).forEach(r -> r.process.freeze());
          return null;
        });
  }

  /**
   * SIGCONT only: the processes run on while the kubelet still acts as partitioned, as when a
   * partition heals and the old processes reach the API server before the kubelet syncs.
   */
  public void resumeProcesses() {
    call(
        () -> {
          runs.values().stream().filter(r -> r.process != null).forEach(r -> r.process.thaw());
          return null;
        });
  }

  /** SIGCONT, and catch up with what changed in the API meanwhile. */
  @Override
  public void thaw() {
    call(
        () -> {
          runs.values().stream().filter(r -> r.process != null).forEach(r -> r.process.thaw());
          health = Health.RUNNING;
          List<Pod> pods = podsOnNode.get();
          List<String> present = pods.stream().map(Kubelet::uid).toList();
          new ArrayList<>(runs.keySet())
              .stream().filter(uid -> !present.contains(uid)).forEach(this::removed);
          pods.forEach(this::sync);
          return null;
        });
  }

  /**
   * The node boots again: its processes are gone (a dead or frozen node's stopped ones are killed
   * now), and the kubelet starts over with the pods still bound to it, as after a reboot.
   */
  @Override
  public void revive() {
    call(
        () -> {
          runs.values().stream().filter(r -> r.process != null).forEach(r -> r.process.kill());
          runs.clear();
          health = Health.RUNNING;
          podsOnNode.get().forEach(this::sync);
          return null;
        });
  }

  private void sync(Pod pod) {
    if (health != Health.RUNNING) {
      return;
    }
    String uid = uid(pod);
    PodRun run = runs.get(uid);
    if (pod.getMetadata().getDeletionTimestamp() != null) {
      if (run != null && run.process != null && run.process.alive()) {
        if (!run.terminating) {
          run.terminating = true;
          run.process.terminate();
          long grace =
              Optional.ofNullable(pod.getMetadata().getDeletionGracePeriodSeconds()).orElse(30L);
          PodProcess process = run.process;
          thread.schedule(process::kill, Math.min(grace, 30), TimeUnit.SECONDS);
        }
        return;
      }
      runs.remove(uid);
      deleteForGood(pod);
      return;
    }
    if (run == null) {
      String phase = pod.getStatus() == null ? null : pod.getStatus().getPhase();
      if ("Failed".equals(phase) || "Succeeded".equals(phase)) {
        return;
      }
      run = new PodRun(pod, addresses.next());
      runs.put(uid, run);
      start(run, pod);
    } else if (run.reported != null && !run.terminating && !readyInApi(pod, run.reported)) {
      // As a kubelet's status manager does: the node lifecycle controller marks a node's pods
      // not Ready when it missed the node's renewals (an API server freeze does that); the
      // kubelet, whose containers still run, writes its own view back.
      report(run, run.reported);
    }
  }

  private static boolean readyInApi(Pod pod, PodStatus reported) {
    String ours = readiness(reported);
    return pod.getStatus() == null || ours == null || ours.equals(readiness(pod.getStatus()));
  }

  private static String readiness(PodStatus status) {
    return status.getConditions() == null
        ? null
        : status.getConditions().stream()
            .filter(c -> "Ready".equals(c.getType()))
            .map(PodCondition::getStatus)
            .findFirst()
            .orElse(null);
  }

  private void start(PodRun run, Pod pod) {
    try {
      Path podDir =
          setup.podsRoot().resolve(run.namespace + "_" + run.name + "_" + run.uid.substring(0, 8));
      FlinkImages.Distribution flink =
          setup.images().of(pod.getSpec().getContainers().get(0).getImage());
      ContainerPlan.Context context =
          new ContainerPlan.Context(
              run.ip,
              node,
              hostIp,
              podDir,
              flink.usrlib(),
              setup.kubeconfig(),
              setup.resolveJobManager(),
              flink.plugins());
      mountConfigMaps(pod, context);
      Path confDir = context.hostPath("/opt/flink/conf");
      Map<String, String> config =
          Files.isDirectory(confDir)
              ? GlobalConfiguration.loadConfiguration(confDir.toString()).toMap()
              : Map.of();
      ContainerPlan plan = ContainerPlan.of(pod, config, context);
      Path hosts = context.hostPath("/etc/hosts");
      Files.createDirectories(hosts.getParent());
      Files.writeString(hosts, ContainerPlan.etcHosts(Files.readString(MACHINE_HOSTS), run.ip));
      run.container = pod.getSpec().getContainers().get(0).getName();
      run.logFile = podDir.resolve(run.container + ".log");
      run.process =
          PodProcess.start(
              plan, flink.classpath(), context.hostPath("/"), podDir.resolve("work"), run.logFile);
      LOG.info(
          "{}: started {} {}/{} as pid {} on {}",
          node,
          plan.role(),
          run.namespace,
          run.name,
          run.process.pid(),
          run.ip);
      PodProcess started = run.process;
      started.exit().thenAccept(code -> run(() -> exited(run, started, code)));
      report(run, running(run));
    } catch (IOException | RuntimeException e) {
      // Usually a ConfigMap created a moment after the pod: a kubelet retries too.
      LOG.info("{}: cannot run {}/{} yet: {}", node, run.namespace, run.name, e.getMessage());
      report(run, waiting(run, "CreateContainerError", e.getMessage()));
      thread.schedule(() -> retry(run), 2, TimeUnit.SECONDS);
    }
  }

  /** A pod whose container could not be created (e.g. its ConfigMap not there yet) is retried. */
  private void retry(PodRun run) {
    if (health == Health.RUNNING && runs.get(run.uid) == run && run.process == null) {
      podsOnNode.get().stream()
          .filter(p -> uid(p).equals(run.uid))
          .findFirst()
          .ifPresent(p -> start(run, p));
    }
  }

  private void exited(PodRun run, PodProcess process, int code) {
    if (closing || health == Health.DEAD || runs.get(run.uid) != run || run.process != process) {
      return;
    }
    Instant finished = Instant.now();
    run.lastTerminated =
        new ContainerStateBuilder()
            .withNewTerminated()
            .withExitCode(code)
            .withReason(code == 0 ? "Completed" : "Error")
            .withStartedAt(process.startedAt().toString())
            .withFinishedAt(finished.toString())
            .withContainerID(containerId(process))
            .endTerminated()
            .build();
    LOG.info(
        "{}: {}/{} (pid {}) exited with {}", node, run.namespace, run.name, process.pid(), code);
    if (health == Health.FROZEN) {
      return;
    }
    if (run.terminating) {
      runs.remove(run.uid);
      podsOnNode.get().stream()
          .filter(p -> uid(p).equals(run.uid))
          .findFirst()
          .ifPresent(this::deleteForGood);
      return;
    }
    if (restarts(run.restartPolicy, code)) {
      Duration ran = Duration.between(process.startedAt(), finished);
      if (ran.compareTo(RESET_BACKOFF_AFTER) > 0) {
        run.backoff = Duration.ZERO;
      }
      Duration delay = run.backoff;
      run.backoff =
          delay.isZero()
              ? Duration.ofSeconds(10)
              : delay.multipliedBy(2).compareTo(MAX_BACKOFF) > 0
                  ? MAX_BACKOFF
                  : delay.multipliedBy(2);
      report(run, waiting(run, delay.isZero() ? "ContainerCreating" : "CrashLoopBackOff", null));
      run.process = null;
      thread.schedule(() -> restart(run), delay.toMillis(), TimeUnit.MILLISECONDS);
    } else {
      report(run, terminated(run, code == 0 ? "Succeeded" : "Failed"));
    }
  }

  private void restart(PodRun run) {
    if (health != Health.RUNNING || runs.get(run.uid) != run || run.process != null) {
      return;
    }
    run.restartCount++;
    podsOnNode.get().stream()
        .filter(p -> uid(p).equals(run.uid))
        .filter(p -> p.getMetadata().getDeletionTimestamp() == null)
        .findFirst()
        .ifPresent(p -> start(run, p));
  }

  private void removed(String uid) {
    PodRun run = runs.remove(uid);
    if (run != null && run.process != null && run.process.alive()) {
      LOG.info(
          "{}: {}/{} is gone from the API; killing pid {}",
          node,
          run.namespace,
          run.name,
          run.process.pid());
      run.process.kill();
    }
  }

  private static boolean restarts(String policy, int code) {
    return policy == null || "Always".equals(policy) || ("OnFailure".equals(policy) && code != 0);
  }

  private void mountConfigMaps(Pod pod, ContainerPlan.Context context) throws IOException {
    Map<String, Volume> volumes = new HashMap<>();
    for (Volume v : Optional.ofNullable(pod.getSpec().getVolumes()).orElse(List.of())) {
      volumes.put(v.getName(), v);
    }
    var container = pod.getSpec().getContainers().get(0);
    for (VolumeMount mount : Optional.ofNullable(container.getVolumeMounts()).orElse(List.of())) {
      Volume volume = volumes.get(mount.getName());
      Path target = context.hostPath(mount.getMountPath());
      Files.createDirectories(target);
      if (volume == null || volume.getConfigMap() == null) {
        continue; // emptyDir and the like: a directory of the pod is enough
      }
      String name = volume.getConfigMap().getName();
      ConfigMap cm =
          setup
              .client()
              .configMaps()
              .inNamespace(pod.getMetadata().getNamespace())
              .withName(name)
              .get();
      if (cm == null) {
        throw new IllegalStateException("configmap \"" + name + "\" not found");
      }
      Map<String, String> data = Optional.ofNullable(cm.getData()).orElse(Map.of());
      if (volume.getConfigMap().getItems() == null || volume.getConfigMap().getItems().isEmpty()) {
        for (var e : data.entrySet()) {
          Files.writeString(target.resolve(e.getKey()), e.getValue());
        }
      } else {
        for (var item : volume.getConfigMap().getItems()) {
          if (data.containsKey(item.getKey())) {
            Path file = target.resolve(item.getPath());
            Files.createDirectories(file.getParent());
            Files.writeString(file, data.get(item.getKey()));
          }
        }
      }
    }
  }

  private PodStatus running(PodRun run) {
    ContainerState state =
        new ContainerStateBuilder()
            .withNewRunning()
            .withStartedAt(Instant.now().toString())
            .endRunning()
            .build();
    return status(run, "Running", true, state);
  }

  private PodStatus waiting(PodRun run, String reason, String message) {
    ContainerState state =
        new ContainerStateBuilder()
            .withNewWaiting()
            .withReason(reason)
            .withMessage(message)
            .endWaiting()
            .build();
    return status(
        run,
        "Pending".equals(run.phase) || run.phase == null ? "Pending" : run.phase,
        false,
        state);
  }

  private PodStatus terminated(PodRun run, String phase) {
    PodStatus s = status(run, phase, false, run.lastTerminated);
    s.getContainerStatuses().get(0).setLastState(null);
    return s;
  }

  private PodStatus status(PodRun run, String phase, boolean ready, ContainerState state) {
    run.phase = phase;
    String now = Instant.now().toString();
    String readyValue = ready ? "True" : "False";
    List<PodCondition> conditions =
        List.of(
            condition("Initialized", "True", now),
            condition("Ready", readyValue, now),
            condition("ContainersReady", readyValue, now),
            condition("PodScheduled", "True", now));
    ContainerStatus container =
        new ContainerStatusBuilder()
            .withName(run.container == null ? "main" : run.container)
            .withImage(run.image)
            .withImageID("")
            .withContainerID(run.process == null ? null : containerId(run.process))
            .withReady(ready)
            .withStarted(ready)
            .withRestartCount(run.restartCount)
            .withState(state)
            .withLastState(run.lastTerminated)
            .build();
    return new PodStatusBuilder()
        .withPhase(phase)
        .withHostIP(hostIp)
        .withPodIP(run.ip)
        .withPodIPs(new PodIPBuilder().withIp(run.ip).build())
        .withStartTime(run.startTime)
        .withConditions(conditions)
        .withContainerStatuses(container)
        .build();
  }

  private static PodCondition condition(String type, String status, String now) {
    return new PodConditionBuilder()
        .withType(type)
        .withStatus(status)
        .withLastTransitionTime(now)
        .build();
  }

  private void report(PodRun run, PodStatus status) {
    run.reported = status;
    try {
      // A JSON patch computed from the pod as it is: a merge patch would do, but the mock API
      // server appends to lists in merge patches instead of replacing them.
      setup
          .client()
          .pods()
          .inNamespace(run.namespace)
          .withName(run.name)
          .editStatus(
              p -> {
                p.setStatus(status);
                return p;
              });
    } catch (KubernetesClientException e) {
      if (e.getCode() != 404) {
        LOG.warn(
            "{}: status of {}/{} not written: {}", node, run.namespace, run.name, e.getMessage());
      }
    }
  }

  private void deleteForGood(Pod pod) {
    LOG.info(
        "{}: {}/{} stopped; removing it from the API",
        node,
        pod.getMetadata().getNamespace(),
        pod.getMetadata().getName());
    try {
      setup
          .client()
          .pods()
          .inNamespace(pod.getMetadata().getNamespace())
          .withName(pod.getMetadata().getName())
          .withGracePeriod(0)
          .delete();
    } catch (KubernetesClientException e) {
      if (e.getCode() != 404) {
        LOG.warn("{}: {} not removed: {}", node, pod.getMetadata().getName(), e.getMessage());
      }
    }
  }

  private static String containerId(PodProcess process) {
    return "local://" + process.pid();
  }

  private static String uid(Pod pod) {
    return pod.getMetadata().getUid();
  }

  private void run(Runnable task) {
    if (closing || health == Health.DEAD || thread.isShutdown()) {
      return;
    }
    thread.execute(
        () -> {
          try {
            task.run();
          } catch (RuntimeException e) {
            LOG.warn("{}: {}", node, e.toString(), e);
          }
        });
  }

  private <T> T call(java.util.concurrent.Callable<T> task) {
    try {
      return thread.submit(task).get(30, TimeUnit.SECONDS);
    } catch (Exception e) {
      throw new IllegalStateException("kubelet " + node + ": " + e, e);
    }
  }

  /** Stops every process of this node and the kubelet itself. */
  @Override
  public void close() {
    closing = true;
    if (!thread.isShutdown()) {
      try {
        call(
            () -> {
              runs.values().stream().filter(r -> r.process != null).forEach(r -> r.process.kill());
              return null;
            });
      } finally {
        thread.shutdownNow();
      }
    }
  }

  /** One pod on this node. */
  private static final class PodRun {
    final String uid;
    final String namespace;
    final String name;
    final String ip;
    final String restartPolicy;
    final String image;
    final String startTime = Instant.now().toString();
    String container;
    Path logFile;
    PodProcess process;
    ContainerState lastTerminated;
    int restartCount;
    Duration backoff = Duration.ZERO;
    boolean terminating;
    String phase;
    PodStatus reported;

    PodRun(Pod pod, String ip) {
      this.uid = pod.getMetadata().getUid();
      this.namespace = pod.getMetadata().getNamespace();
      this.name = pod.getMetadata().getName();
      this.ip = ip;
      this.restartPolicy = pod.getSpec().getRestartPolicy();
      this.image = pod.getSpec().getContainers().get(0).getImage();
    }
  }
}
