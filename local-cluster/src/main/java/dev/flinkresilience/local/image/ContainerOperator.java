package dev.flinkresilience.local.image;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The operator image running as the operator of the local cluster: {@code podman run -d --read-only
 * --user 10001 --network host}, so that it reaches the API server and the pods' loopback IPs as the
 * in-process {@code LocalOperator} does, with the cluster's kubeconfig mounted read-only as {@code
 * $KUBECONFIG}. {@link #close()} removes the container and keeps its log.
 */
public final class ContainerOperator implements AutoCloseable {
  private static final Logger LOG = LoggerFactory.getLogger(ContainerOperator.class);
  private static final String KUBECONFIG = "/etc/flink-resilience/kubeconfig";

  private final String container;
  private final Path dir;

  private ContainerOperator(String container, Path dir) {
    this.container = container;
    this.dir = dir;
  }

  /**
   * Starts {@code image} with {@code run} and {@code args}. {@code kubeconfig} is copied into
   * {@code dir} (readable by the container's user, which is not the owner) and mounted from there;
   * each of {@code sharedDirs} is mounted read-only at its own path (the jobs' checkpoint storage,
   * which the operator reads as it reads a bucket).
   */
  public static ContainerOperator start(
      OperatorImage image, Path kubeconfig, List<Path> sharedDirs, List<String> args, Path dir) {
    String container = "fro-operator-" + ProcessHandle.current().pid() + "-" + System.nanoTime();
    try {
      Files.createDirectories(dir);
      Files.setPosixFilePermissions(dir, PosixFilePermissions.fromString("rwx------"));
      Path config = dir.resolve("kubeconfig");
      Files.copy(kubeconfig, config, java.nio.file.StandardCopyOption.REPLACE_EXISTING);
      Files.setPosixFilePermissions(config, PosixFilePermissions.fromString("rw-r--r--"));
      List<String> command = command(image.name(), container, config, sharedDirs, args);
      LOG.info("starting the operator image: {}", String.join(" ", command));
      OperatorImage.Result started =
          OperatorImage.run(command, Duration.ofMinutes(1), dir.resolve("podman-run.log"));
      if (started.exitCode() != 0) {
        throw new IllegalStateException(
            "podman run of "
                + image.name()
                + " failed (exit "
                + started.exitCode()
                + "): "
                + started.output());
      }
      removeWhenGone(container, dir);
      return new ContainerOperator(container, dir);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /**
   * A detached watcher that removes the container once this JVM is gone without closing it (killed
   * outright, no shutdown hook): the container is not a child of this JVM.
   */
  private static void removeWhenGone(String container, Path dir) throws IOException {
    String watch =
        "while kill -0 "
            + ProcessHandle.current().pid()
            + " 2>/dev/null; do sleep 1; done; exec podman rm -f -t 5 "
            + container;
    new ProcessBuilder("setsid", "bash", "-c", watch)
        .redirectErrorStream(true)
        .redirectOutput(dir.resolve("reaper.log").toFile())
        .start();
  }

  /** The {@code podman run} command line. */
  static List<String> command(
      String image, String container, Path kubeconfig, List<Path> sharedDirs, List<String> args) {
    List<String> command = new ArrayList<>(List.of("podman", "run", "-d", "--name", container));
    command.addAll(OperatorImage.secured());
    command.addAll(List.of("--network", "host"));
    command.addAll(List.of("-v", kubeconfig + ":" + KUBECONFIG + ":ro"));
    command.addAll(List.of("-e", "KUBECONFIG=" + KUBECONFIG));
    for (Path shared : sharedDirs) {
      command.addAll(List.of("-v", shared + ":" + shared + ":ro"));
    }
    command.add(image);
    command.add("run");
    command.addAll(args);
    return command;
  }

  /** Whether the container is still running. */
  public boolean running() {
    OperatorImage.Result r =
        OperatorImage.run(
            List.of("podman", "inspect", "--format", "{{.State.Running}}", container),
            Duration.ofSeconds(30),
            dir.resolve("podman-inspect.log"));
    return r.exitCode() == 0 && r.output().strip().equals("true");
  }

  /** The operator's output so far ({@code podman logs}). */
  public String logs() {
    return OperatorImage.run(
            List.of("podman", "logs", container),
            Duration.ofSeconds(30),
            dir.resolve("operator.log"))
        .output();
  }

  public Path logFile() {
    return dir.resolve("operator.log");
  }

  /** Keeps the log, then stops and removes the container. */
  @Override
  public void close() {
    logs();
    OperatorImage.Result removed =
        OperatorImage.run(
            List.of("podman", "rm", "-f", "-t", "10", container),
            Duration.ofMinutes(1),
            dir.resolve("podman-rm.log"));
    if (removed.exitCode() != 0) {
      LOG.warn("podman rm -f {} failed: {}", container, removed.output());
    }
  }
}
