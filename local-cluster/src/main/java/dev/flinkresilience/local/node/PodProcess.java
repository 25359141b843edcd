package dev.flinkresilience.local.node;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

/**
 * One container's process: a JVM started by {@link PodMain} with the plan's entrypoint, its output
 * in the pod's log file. Signals go through {@code kill(1)}: {@link Process} can only terminate or
 * kill, and a frozen node needs SIGSTOP and SIGCONT.
 */
public final class PodProcess {
  private final Process process;
  private final Instant startedAt;

  private PodProcess(Process process, Instant startedAt) {
    this.process = process;
    this.startedAt = startedAt;
  }

  /**
   * Starts {@code plan} on {@code classpath}, seeing {@code podFs}'s {@code opt} and {@code
   * etc/hosts} as its own where the machine allows ({@link ContainerMounts}); stdout and stderr go
   * to {@code log}.
   */
  public static PodProcess start(
      ContainerPlan plan, String classpath, Path podFs, Path workDir, Path log) throws IOException {
    Files.createDirectories(workDir);
    Files.createDirectories(log.getParent());
    Files.createDirectories(podFs.resolve("opt"));
    List<String> command = new ArrayList<>(ContainerMounts.prefix(podFs, classpath));
    command.addAll(plan.wrapper());
    command.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
    command.addAll(plan.jvmOptions());
    command.add("-cp");
    command.add(classpath);
    command.add(PodMain.class.getName());
    command.add(Long.toString(ProcessHandle.current().pid()));
    command.add(plan.mainClass());
    command.addAll(plan.args());
    ProcessBuilder builder = new ProcessBuilder(command).directory(workDir.toFile());
    Map<String, String> env = builder.environment();
    env.keySet().removeIf(k -> k.startsWith("FLINK_") || k.startsWith("KUBE"));
    env.putAll(plan.env());
    builder
        .redirectErrorStream(true)
        .redirectOutput(ProcessBuilder.Redirect.appendTo(log.toFile()));
    return new PodProcess(builder.start(), Instant.now());
  }

  public long pid() {
    return process.pid();
  }

  public Instant startedAt() {
    return startedAt;
  }

  public boolean alive() {
    return process.isAlive();
  }

  /** Completes with the exit code when the process ends. */
  public CompletableFuture<Integer> exit() {
    return process.onExit().thenApply(Process::exitValue);
  }

  /** SIGKILL, and waits (briefly) until it is gone. */
  public void kill() {
    process.destroyForcibly();
    try {
      process.waitFor(5, TimeUnit.SECONDS);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }

  /** SIGTERM: Flink's entrypoints shut down cleanly on it. */
  public void terminate() {
    process.destroy();
  }

  /** SIGSTOP: the process is frozen as on a partitioned or hung node. */
  public void freeze() {
    signal("STOP");
  }

  /** SIGCONT. */
  public void thaw() {
    signal("CONT");
  }

  private void signal(String name) {
    // kill(1) knows a number, not our child: a pid that exited may already belong to another
    // process (the pid space here is 32768), so only a live child is signalled.
    if (!process.isAlive()) {
      return;
    }
    try {
      new ProcessBuilder("kill", "-" + name, Long.toString(pid())).start().waitFor();
    } catch (IOException e) {
      throw new IllegalStateException("kill -" + name + " " + pid() + " failed", e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }
}
