package dev.flinkresilience.local.node;

import dev.flinkresilience.local.BuildCache;
import dev.flinkresilience.local.controlplane.RealControlPlane;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Real nodes (the local cluster's {@code Kubelets.REAL}): kubelet 1.20.2 + containerd, each node in
 * its own network, mount and PID namespaces, started and killed by the scripts of {@code
 * local/realnode} (its README has the details). Every pod is a real container; the Flink image
 * ({@code local/realnode/flink-image.sh}) is imported into each node and tagged with the names the
 * jobs give, as nothing can be pulled. Node {@code i} is {@code node-i} at 10.200.0.(10+i), its
 * pods in 10.244.i.0/24, routed from this machine.
 */
public final class RealNodes implements AutoCloseable {
  /** This machine on the nodes' bridge: pods reach the host only there. */
  public static final String BRIDGE_IP = "10.200.0.1";

  private static final Logger LOG = LoggerFactory.getLogger(RealNodes.class);

  private final Path scripts;
  private final Path root;
  private final Path planeState;
  private final Consumer<String> out;
  private Path image;
  private List<String> tags = List.of();
  private final List<String> names = new ArrayList<>();
  private final Map<String, Boolean> alive = new LinkedHashMap<>();
  private Process reaper;

  private RealNodes(Path scripts, Path root, Path planeState, Consumer<String> out) {
    this.scripts = scripts;
    this.root = root;
    this.planeState = planeState;
    this.out = out;
  }

  /**
   * The kube-apiserver flags real nodes need, for the control plane with its state in {@code
   * planeState}: a client certificate for the kubelets' API (logs, exec) and their InternalIP first
   * (node names do not resolve).
   */
  public static String apiServerArgs(Path planeState) {
    Path pki = planeState.resolve("pki");
    return "--kubelet-client-certificate "
        + pki.resolve("admin.crt")
        + " --kubelet-client-key "
        + pki.resolve("admin.key")
        + " --kubelet-preferred-address-types InternalIP,Hostname";
  }

  /** {@code flink:2.3.0-java17} as containerd names it: {@code docker.io/library/...}. */
  public static String dockerName(String image) {
    String name = image;
    int slash = name.indexOf('/');
    boolean registry =
        slash > 0
            && (name.substring(0, slash).contains(".")
                || name.substring(0, slash).contains(":")
                || name.startsWith("localhost/"));
    if (!registry) {
      name = "docker.io/" + (slash < 0 ? "library/" : "") + name;
    }
    return name.contains(":") && name.lastIndexOf(':') > name.lastIndexOf('/')
        ? name
        : name + ":latest";
  }

  /** The Flink 2.3 image tarball {@code local/realnode/flink-image.sh} writes. */
  public static Path flinkImage() {
    return BuildCache.root().resolve("image").resolve("fro-flink-2.3.0.tar");
  }

  /** Whether this machine can run them: kubelet built and the Flink image saved. */
  public static String missing() {
    List<String> missing = new ArrayList<>();
    if (!Files.isExecutable(RealControlPlane.binaries().resolve("kubelet"))) {
      missing.add("kubelet (local/realnode/build-kubelet.sh)");
    }
    if (!Files.isRegularFile(flinkImage())) {
      missing.add(flinkImage() + " (local/realnode/flink-image.sh)");
    }
    return String.join(", ", missing);
  }

  /**
   * Starts {@code count} nodes joined to the control plane in {@code planeState}, their state in
   * {@code root}, and imports {@code image} into each, tagged {@code tags}. {@code out} gets the
   * scripts' progress lines.
   */
  public static RealNodes start(
      Path repo,
      Path planeState,
      Path root,
      int count,
      Path image,
      List<String> tags,
      Consumer<String> out) {
    String missing = missing();
    if (!missing.isEmpty()) {
      throw new IllegalStateException("real nodes need: " + missing);
    }
    RealNodes nodes = new RealNodes(repo.resolve("local/realnode"), root, planeState, out);
    nodes.image = image;
    nodes.tags = List.copyOf(tags);
    try {
      Files.createDirectories(root);
      nodes.reapWhenGone(ProcessHandle.current().pid());
      // One after the other: start-node.sh creates the shared bridge and API forward once, and
      // routes each new node's pod CIDR in the nodes already running.
      for (int i = 1; i <= count; i++) {
        String name = "node-" + i;
        nodes.names.add(name);
        nodes.alive.put(name, true);
        nodes.run(List.of("start-node.sh", name, Integer.toString(i)), 240);
      }
      // The imports in parallel: each node's containerd unpacks its copy.
      List<Process> imports = new ArrayList<>();
      for (String name : nodes.names) {
        imports.add(nodes.launch(nodes.importArgs(name)));
      }
      for (int i = 0; i < imports.size(); i++) {
        nodes.await(imports.get(i), "import-image.sh " + nodes.names.get(i), 300);
      }
      return nodes;
    } catch (IOException e) {
      nodes.close();
      throw new UncheckedIOException(e);
    } catch (RuntimeException e) {
      nodes.close();
      throw e;
    }
  }

  public List<String> names() {
    return List.copyOf(names);
  }

  /** Whether {@code name} is one of them and was not killed. */
  public boolean alive(String name) {
    return alive.getOrDefault(name, false);
  }

  public boolean contains(String name) {
    return alive.containsKey(name);
  }

  /**
   * The node dies at once ({@code stop-node.sh}): kubelet, containerd and every container
   * SIGKILLed, its network gone; its Node and pods stay as they were in the API.
   */
  public synchronized void kill(String name) {
    if (!contains(name)) {
      throw new IllegalArgumentException("no node " + name + "; nodes: " + names);
    }
    run(List.of("stop-node.sh", name), 60);
    alive.put(name, false);
  }

  /**
   * A killed node boots again ({@code start-node.sh} under the same name and index: the same Node
   * object, Ready and its Lease renewed when this returns), with the image imported again (a node
   * keeps nothing of its containerd across a start). About 30 s + 10-20 s.
   */
  public synchronized void revive(String name) {
    if (!contains(name)) {
      throw new IllegalArgumentException("no node " + name + "; nodes: " + names);
    }
    if (alive(name)) {
      throw new IllegalStateException(name + " is running");
    }
    run(List.of("start-node.sh", name, Integer.toString(names.indexOf(name) + 1)), 240);
    alive.put(name, true);
    run(importArgs(name), 300);
  }

  private List<String> importArgs(String name) {
    List<String> args = new ArrayList<>(List.of("import-image.sh", name, image.toString()));
    args.addAll(tags);
    return args;
  }

  /**
   * A detached watcher that tears the nodes down once this JVM is gone: they are not its children,
   * and a JVM killed outright runs no shutdown hook.
   */
  private void reapWhenGone(long pid) throws IOException {
    String watch =
        "while kill -0 "
            + pid
            + " 2>/dev/null; do sleep 1; done; exec bash '"
            + scripts.resolve("teardown.sh")
            + "'";
    ProcessBuilder builder =
        new ProcessBuilder("setsid", "bash", "-c", watch)
            .redirectErrorStream(true)
            .redirectOutput(root.resolve("reaper.out").toFile());
    env(builder);
    reaper = builder.start();
  }

  private void env(ProcessBuilder builder) {
    builder.environment().put("FRO_CP_STATE", planeState.toString());
    builder.environment().put("FRO_REALNODE_ROOT", root.toString());
  }

  private Process launch(List<String> nameAndArgs) {
    List<String> command = new ArrayList<>();
    command.add("bash");
    command.add(scripts.resolve(nameAndArgs.get(0)).toString());
    command.addAll(nameAndArgs.subList(1, nameAndArgs.size()));
    ProcessBuilder builder = new ProcessBuilder(command).redirectErrorStream(true);
    env(builder);
    try {
      return builder.start();
    } catch (IOException e) {
      throw new UncheckedIOException(nameAndArgs.get(0) + ": " + e.getMessage(), e);
    }
  }

  /** Waits for a script, passing its lines on; fails with its output. */
  private void await(Process p, String what, int timeoutSeconds) {
    StringBuilder output = new StringBuilder();
    Thread reader =
        new Thread(
            () -> {
              try (var lines = p.inputReader().lines()) {
                lines.forEach(
                    l -> {
                      synchronized (output) {
                        output.append(l).append('\n');
                      }
                      LOG.info("{}", l);
                      out.accept(l);
                    });
              }
            },
            "realnode-script");
    reader.setDaemon(true);
    reader.start();
    try {
      if (!p.waitFor(timeoutSeconds, TimeUnit.SECONDS)) {
        p.destroyForcibly();
        throw new IllegalStateException(what + " did not finish in " + timeoutSeconds + " s");
      }
      reader.join(5000);
      if (p.exitValue() != 0) {
        synchronized (output) {
          throw new IllegalStateException(
              what + " failed (exit " + p.exitValue() + "):\n" + output);
        }
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      p.destroyForcibly();
      throw new IllegalStateException(what + " interrupted", e);
    }
  }

  private void run(List<String> nameAndArgs, int timeoutSeconds) {
    await(launch(nameAndArgs), String.join(" ", nameAndArgs), timeoutSeconds);
  }

  /**
   * Every node stopped, the API forward and the bridge gone ({@code teardown.sh}); the nodes' logs
   * stay, their containerd storage (the unpacked images) is removed.
   */
  @Override
  public synchronized void close() {
    try {
      run(List.of("teardown.sh"), 120);
    } finally {
      if (reaper != null) {
        reaper.destroyForcibly();
      }
      for (String name : names) {
        deleteTree(root.resolve(name).resolve("containerd"));
      }
    }
  }

  private static void deleteTree(Path dir) {
    if (!Files.isDirectory(dir)) {
      return;
    }
    try (var files = Files.walk(dir)) {
      files.sorted(java.util.Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
    } catch (IOException | UncheckedIOException e) {
      LOG.warn("removing {}: {}", dir, e.toString());
    }
  }
}
