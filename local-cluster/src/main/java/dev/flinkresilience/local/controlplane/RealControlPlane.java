package dev.flinkresilience.local.controlplane;

import dev.flinkresilience.local.BuildCache;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/**
 * The real control plane: etcd, kube-apiserver, kube-controller-manager and kube-scheduler, started
 * and stopped by the scripts in {@code local/controlplane} (whose README has the details), with its
 * state (pids, logs, certificates, kubeconfig) in a directory of its own.
 */
public final class RealControlPlane implements ControlPlane {
  private final Path scripts;
  private final Path state;
  private final Map<String, String> env;

  private RealControlPlane(Path scripts, Path state, Map<String, String> env) {
    this.scripts = scripts;
    this.state = state;
    this.env = env;
  }

  /** The binaries {@code build.sh} makes, where {@code start.sh} looks for them. */
  public static Path binaries() {
    return BuildCache.root().resolve("k8s-1.20.2").resolve("bin");
  }

  /** Whether {@code build.sh} has run on this machine (and etcd is installed). */
  public static boolean available() {
    return Files.isExecutable(binaries().resolve("kube-apiserver"))
        && Files.isExecutable(binaries().resolve("kube-controller-manager"))
        && Files.isExecutable(binaries().resolve("kube-scheduler"))
        && (Files.isExecutable(Path.of("/usr/bin/etcd"))
            || Files.isExecutable(Path.of("/usr/local/bin/etcd")));
  }

  /**
   * Starts it with its state in {@code state}; {@code controllerManagerArgs} are extra flags, e.g.
   * a shorter {@code --node-monitor-grace-period}.
   */
  public static RealControlPlane start(Path repo, Path state, String controllerManagerArgs) {
    return start(repo, state, controllerManagerArgs, DEFAULT_SERVICE_RANGE);
  }

  /** The Service IP range {@code start.sh} sets unless told: room for 253 Services. */
  public static final String DEFAULT_SERVICE_RANGE = "10.0.0.0/24";

  /**
   * As above, with the Service IP range {@code serviceRange} (a CIDR; the scale benchmark needs one
   * Service per job, more than the default /24 holds).
   */
  public static RealControlPlane start(
      Path repo, Path state, String controllerManagerArgs, String serviceRange) {
    return start(repo, state, controllerManagerArgs, serviceRange, "");
  }

  /**
   * As above, with extra kube-apiserver flags ({@code APISERVER_EXTRA_ARGS} of {@code start.sh}),
   * e.g. what real nodes need for the API server to reach their kubelets ({@code
   * node.RealNodes#apiServerArgs}).
   */
  public static RealControlPlane start(
      Path repo,
      Path state,
      String controllerManagerArgs,
      String serviceRange,
      String apiServerArgs) {
    Path scripts = repo.resolve("local/controlplane");
    RealControlPlane plane =
        new RealControlPlane(
            scripts,
            state,
            Map.of(
                "FRO_CP_STATE",
                state.toString(),
                "CM_EXTRA_ARGS",
                controllerManagerArgs,
                "SERVICE_CIDR",
                serviceRange,
                "APISERVER_EXTRA_ARGS",
                apiServerArgs));
    try {
      plane.script("start.sh", 120);
      plane.reapWhenGone(ProcessHandle.current().pid());
    } catch (RuntimeException e) {
      plane.close();
      throw e;
    }
    return plane;
  }

  /**
   * A detached watcher that runs {@code stop.sh} once {@code pid} is gone: the control plane is not
   * a child of this JVM, and a JVM killed outright runs no shutdown hook.
   */
  private void reapWhenGone(long pid) {
    String watch =
        "while kill -0 "
            + pid
            + " 2>/dev/null; do sleep 1; done; exec bash '"
            + scripts.resolve("stop.sh")
            + "'";
    try {
      ProcessBuilder builder =
          new ProcessBuilder("setsid", "bash", "-c", watch)
              .redirectErrorStream(true)
              .redirectOutput(state.resolve("reaper.out").toFile());
      builder.environment().putAll(env);
      builder.start();
    } catch (IOException e) {
      throw new IllegalStateException(
          "cannot start the control plane's reaper: " + e.getMessage(), e);
    }
  }

  /** Its state directory (certificates, kubeconfig, {@code env}): what node scripts need. */
  public Path state() {
    return state;
  }

  @Override
  public Kind kind() {
    return Kind.REAL;
  }

  @Override
  public Path kubeconfig() {
    return state.resolve("kubeconfig");
  }

  /**
   * The bearer token of user {@code tenant-a} (group {@code tenants}), who has no rights until a
   * test grants some: the application team of the tenant-isolation tests.
   */
  public String tenantToken() {
    try {
      return java.nio.file.Files.readString(state.resolve("tenant-a.token")).trim();
    } catch (java.io.IOException e) {
      throw new java.io.UncheckedIOException(e);
    }
  }

  @Override
  public String describe() {
    return "real Kubernetes 1.20.2 control plane (etcd, kube-apiserver, kube-controller-manager, kube-scheduler), state in "
        + state;
  }

  @Override
  public void close() {
    script("stop.sh", 60);
  }

  /** The components a fault can hit, by the name start.sh gives their pid files. */
  public enum Component {
    ETCD("etcd"),
    API_SERVER("kube-apiserver"),
    CONTROLLER_MANAGER("kube-controller-manager"),
    SCHEDULER("kube-scheduler");

    final String process;

    Component(String process) {
      this.process = process;
    }
  }

  /**
   * Freezes a component (SIGSTOP): its sockets stay open and silent, as in a stalled etcd or an API
   * server stuck in a long GC, which is harder for a client than a refused connection.
   */
  public void freeze(Component component) {
    signal(component, "STOP");
  }

  public void thaw(Component component) {
    signal(component, "CONT");
  }

  /** Stops a component, keeps it down for {@code down}, starts it again and waits until healthy. */
  public void restart(Component component, java.time.Duration down) {
    script(
        List.of("restart.sh", component.process, Long.toString(down.toSeconds())),
        120 + (int) down.toSeconds());
  }

  private void signal(Component component, String signal) {
    try {
      String pid = Files.readString(state.resolve("pids/" + component.process + ".pid")).trim();
      Process kill = new ProcessBuilder("kill", "-" + signal, pid).inheritIO().start();
      if (!kill.waitFor(10, TimeUnit.SECONDS) || kill.exitValue() != 0) {
        throw new IllegalStateException("kill -" + signal + " " + component.process + " failed");
      }
    } catch (IOException e) {
      throw new java.io.UncheckedIOException(e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException(e);
    }
  }

  private void script(String name, int timeoutSeconds) {
    script(List.of(name), timeoutSeconds);
  }

  private void script(List<String> nameAndArgs, int timeoutSeconds) {
    String name = nameAndArgs.get(0);
    try {
      Files.createDirectories(state);
      // Beside the state directory, not in it: start.sh empties that directory first, and a log
      // in it is gone when the failure it explains is reported.
      Path log = state.resolveSibling(state.getFileName() + "-" + name.replace(".sh", ".out"));
      ProcessBuilder builder =
          new ProcessBuilder(command(nameAndArgs))
              .redirectErrorStream(true)
              .redirectOutput(log.toFile());
      builder.environment().putAll(env);
      Process p = builder.start();
      if (!p.waitFor(timeoutSeconds, TimeUnit.SECONDS)) {
        p.destroyForcibly();
        throw new IllegalStateException(
            name + " did not finish in " + timeoutSeconds + " s; see " + log);
      }
      if (p.exitValue() != 0) {
        throw new IllegalStateException(
            name + " failed (exit " + p.exitValue() + "):\n" + Files.readString(log));
      }
    } catch (IOException e) {
      throw new IllegalStateException(name + ": " + e.getMessage(), e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException(name + " interrupted", e);
    }
  }

  private List<String> command(List<String> nameAndArgs) {
    List<String> command = new java.util.ArrayList<>();
    command.add("bash");
    command.add(scripts.resolve(nameAndArgs.get(0)).toString());
    command.addAll(nameAndArgs.subList(1, nameAndArgs.size()));
    return command;
  }
}
