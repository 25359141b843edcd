package dev.flinkresilience.local.image;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.TimeUnit;

/**
 * The operator image, built from the repository's Dockerfile without Docker Hub ({@code
 * e2e/build-image.sh --debian}: base images made from Debian packages, {@code buildah bud}) and run
 * with podman as a cluster runs it: read-only root filesystem, numeric non-root user.
 */
public final class OperatorImage {
  /** The user the Dockerfile's USER names; a run as any other would hide a permission problem. */
  public static final String USER = "10001";

  private static final List<String> TOOLS = List.of("podman", "buildah", "debootstrap");

  private final String name;

  private OperatorImage(String name) {
    this.name = name;
  }

  public String name() {
    return name;
  }

  /**
   * Why this machine cannot build and run the image, if it cannot: a tool missing, not root
   * (debootstrap needs it), or podman failing to start a container. The last is tried for real,
   * with a root filesystem of {@code /bin/true} and its libraries: no base image is needed.
   */
  public static Optional<String> cannotRunContainers(Path scratch) {
    for (String tool : TOOLS) {
      if (!onPath(tool)) {
        return Optional.of(
            tool + " is not installed (apt-get install podman buildah runc debootstrap)");
      }
    }
    if (!"root".equals(System.getProperty("user.name"))) {
      return Optional.of("not root: debootstrap and rootful podman need root");
    }
    try {
      Path rootfs = Files.createTempDirectory(scratch, "probe-rootfs-");
      Result probe;
      try {
        copyWithLibraries(Path.of("/bin/true"), rootfs, scratch.resolve("probe-ldd.log"));
        probe =
            run(
                List.of(
                    "podman",
                    "run",
                    "--rm",
                    "--network",
                    "host",
                    "--rootfs",
                    rootfs.toString(),
                    "/bin/true"),
                Duration.ofMinutes(1),
                scratch.resolve("probe.log"));
      } finally {
        deleteTree(rootfs);
      }
      if (probe.exitCode() != 0) {
        return Optional.of(
            "podman cannot start a container here (exit "
                + probe.exitCode()
                + "; where crun refuses hybrid cgroups the runtime must be runc, and where"
                + " CAP_SYS_RESOURCE is missing containers.conf must lower default_ulimits, as"
                + " .ci/run does): "
                + probe.output().strip());
      }
      return Optional.empty();
    } catch (IOException e) {
      return Optional.of("cannot prepare the container probe: " + e);
    }
  }

  /**
   * Builds {@code name} with {@code e2e/build-image.sh --debian}, its output (with the time of each
   * step) in {@code log}.
   */
  public static OperatorImage build(Path repo, String name, Path log, Duration timeout) {
    Result built =
        run(
            List.of("bash", repo.resolve("e2e/build-image.sh").toString(), "--debian", name),
            timeout,
            log);
    if (built.exitCode() != 0) {
      throw new IllegalStateException(
          "e2e/build-image.sh --debian "
              + name
              + " failed (exit "
              + built.exitCode()
              + "):\n"
              + tail(built.output(), 60));
    }
    return new OperatorImage(name);
  }

  /**
   * {@code podman run --rm --read-only --user 10001} of the image with {@code args}, each mount a
   * read-only bind {@code host:container}.
   */
  public Result runOnce(List<String> args, List<String> readOnlyMounts, Path log) {
    List<String> command = new ArrayList<>(List.of("podman", "run", "--rm"));
    command.addAll(secured());
    for (String mount : readOnlyMounts) {
      command.addAll(List.of("-v", mount + ":ro"));
    }
    command.add(name);
    command.addAll(args);
    return run(command, Duration.ofMinutes(2), log);
  }

  /** A value of the image's configuration, by Go template ({@code podman image inspect}). */
  public String inspect(String template, Path log) {
    Result r =
        run(
            List.of("podman", "image", "inspect", "--format", template, name),
            Duration.ofMinutes(1),
            log);
    if (r.exitCode() != 0) {
      throw new IllegalStateException("podman image inspect failed: " + r.output());
    }
    return r.output().strip();
  }

  /** How every container of the image runs: as a cluster with a restricted pod security runs it. */
  static List<String> secured() {
    return List.of("--read-only", "--user", USER);
  }

  /** A command's exit code and its output (stdout and stderr together, also kept in a file). */
  public record Result(int exitCode, String output) {}

  static Result run(List<String> command, Duration timeout, Path log) {
    try {
      Files.createDirectories(log.toAbsolutePath().getParent());
      Process p =
          new ProcessBuilder(command)
              .redirectErrorStream(true)
              .redirectOutput(log.toFile())
              .start();
      if (!p.waitFor(timeout.toMillis(), TimeUnit.MILLISECONDS)) {
        p.destroyForcibly().waitFor(10, TimeUnit.SECONDS);
        throw new IllegalStateException(
            String.join(" ", command) + " did not finish within " + timeout + "; see " + log);
      }
      return new Result(p.exitValue(), Files.readString(log));
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException(e);
    }
  }

  private static String tail(String text, int lines) {
    List<String> all = text.lines().toList();
    return String.join("\n", all.subList(Math.max(0, all.size() - lines), all.size()));
  }

  private static void deleteTree(Path root) throws IOException {
    try (var files = Files.walk(root)) {
      for (Path p : files.sorted(java.util.Comparator.reverseOrder()).toList()) {
        Files.delete(p);
      }
    }
  }

  private static boolean onPath(String tool) {
    String path = System.getenv().getOrDefault("PATH", "/usr/bin:/bin");
    for (String dir : path.split(java.io.File.pathSeparator)) {
      if (Files.isExecutable(Path.of(dir, tool))) {
        return true;
      }
    }
    return false;
  }

  /**
   * {@code binary} and the shared libraries {@code ldd} names, at their paths under {@code root}.
   */
  private static void copyWithLibraries(Path binary, Path root, Path log) throws IOException {
    List<Path> files = new ArrayList<>(List.of(binary));
    Result ldd = run(List.of("ldd", binary.toString()), Duration.ofSeconds(30), log);
    for (String word : ldd.output().split("\\s+")) {
      if (word.startsWith("/")) {
        files.add(Path.of(word));
      }
    }
    for (Path file : files) {
      Path target = root.resolve(file.toString().substring(1));
      Files.createDirectories(target.getParent());
      Files.copy(file.toRealPath(), target, java.nio.file.StandardCopyOption.COPY_ATTRIBUTES);
    }
  }
}
