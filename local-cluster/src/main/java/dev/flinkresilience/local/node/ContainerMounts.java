package dev.flinkresilience.local.node;

import java.io.File;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Gives a container's process the pod's own {@code /opt}, as its image and volumes would.
 *
 * <p>Most of Flink's paths come from its configuration, which the plan rewrites, but a few are
 * fixed: the JobManager reads the TaskManager pod template only from {@code
 * /opt/flink/pod-template/taskmanager-pod-template.yaml}, and without it every TaskManager pod
 * silently loses the template (affinity, tolerations, resources), so what the operator puts there
 * could never be seen here. A private mount namespace ({@code unshare(1)}) binds the pod's
 * directory over {@code /opt} for that process alone, and the pod's {@code /etc/hosts} (when the
 * kubelet wrote one: {@link ContainerPlan#etcHosts}) over the machine's; the process keeps its pid
 * ({@code unshare} and the shell both exec), so signals still reach the JVM.
 *
 * <p>Where mount namespaces are not allowed, processes run without, and the kubelet says so once.
 */
final class ContainerMounts {
  private static final Logger LOG = LoggerFactory.getLogger(ContainerMounts.class);
  static final Path OPT = Path.of("/opt");

  /** How to get a private mount namespace here: as root, or inside a user namespace; or none. */
  private static List<String> unshare;

  private ContainerMounts() {}

  /**
   * The command that runs the rest of a command line with {@code podFs/opt} as its {@code /opt} and
   * {@code podFs/etc/hosts}, if there is one, as its {@code /etc/hosts}; empty where that is not
   * possible (then the process sees the machine's).
   */
  static List<String> prefix(Path podFs, String classpath) {
    List<String> how = unshare(classpath);
    if (how.isEmpty()) {
      return List.of();
    }
    List<String> prefix = new ArrayList<>(how);
    Path hosts = podFs.resolve("etc/hosts");
    if (Files.isRegularFile(hosts)) {
      prefix.addAll(
          List.of(
              "bash",
              "-c",
              "mount --bind \"$0\" /opt && mount --bind \"$1\" /etc/hosts && shift && exec \"$@\"",
              podFs.resolve("opt").toString(),
              hosts.toString()));
    } else {
      prefix.addAll(
          List.of(
              "bash",
              "-c",
              "mount --bind \"$0\" /opt && exec \"$@\"",
              podFs.resolve("opt").toString()));
    }
    return prefix;
  }

  private static synchronized List<String> unshare(String classpath) {
    if (unshare == null) {
      unshare = probe(classpath);
    }
    return unshare;
  }

  private static List<String> probe(String classpath) {
    String javaHome = System.getProperty("java.home");
    for (String entry : (classpath + File.pathSeparator + javaHome).split(File.pathSeparator)) {
      if (!entry.isEmpty() && Path.of(entry).toAbsolutePath().startsWith(OPT)) {
        LOG.warn(
            "{} is under /opt, which pods see as their own: TaskManager pod templates are not"
                + " applied, and a pod's localhost is the machine's",
            entry);
        return List.of();
      }
    }
    if (!Files.isDirectory(OPT)) {
      LOG.warn(
          "no /opt on this machine: TaskManager pod templates are not applied, and a pod's"
              + " localhost is the machine's");
      return List.of();
    }
    List<List<String>> ways =
        List.of(
            List.of("unshare", "--mount", "--propagation", "private"),
            // Not root: a user namespace in which this user is root may mount.
            List.of("unshare", "--user", "--map-root-user", "--mount", "--propagation", "private"));
    String why = "";
    for (List<String> way : ways) {
      List<String> probe = new ArrayList<>(way);
      probe.addAll(List.of("mount", "--bind", "/opt", "/opt"));
      try {
        Process p = new ProcessBuilder(probe).redirectErrorStream(true).start();
        String out = new String(p.getInputStream().readAllBytes());
        if (p.waitFor(10, TimeUnit.SECONDS) && p.exitValue() == 0) {
          return way;
        }
        why = out.trim();
      } catch (IOException e) {
        why = e.toString();
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        return List.of();
      }
    }
    LOG.warn(
        "no mount namespaces here ({}): TaskManager pod templates are not applied, and a pod's"
            + " localhost is the machine's (Flink 1.20's JobManager cannot reach its BlobServer)",
        why);
    return List.of();
  }
}
