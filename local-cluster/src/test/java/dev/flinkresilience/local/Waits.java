package dev.flinkresilience.local;

import dev.flinkresilience.local.check.OutputCheck;
import dev.flinkresilience.local.node.PodMain;
import dev.flinkresilience.operator.api.v1alpha1.FlinkResilientJob;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.utils.Serialization;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.function.Predicate;

/** Waits on the local cluster that say what they saw when they time out. */
final class Waits {
  private final KubernetesClient client;
  private final String namespace;
  private final String name;

  Waits(KubernetesClient client, String namespace, String name) {
    this.client = client;
    this.namespace = namespace;
    this.name = name;
  }

  FlinkResilientJob job(String what, Duration timeout, Predicate<FlinkResilientJob> condition)
      throws InterruptedException {
    long deadline = System.nanoTime() + timeout.toNanos();
    FlinkResilientJob last = null;
    while (System.nanoTime() < deadline) {
      last = client.resources(FlinkResilientJob.class).inNamespace(namespace).withName(name).get();
      if (last != null && condition.test(last)) {
        return last;
      }
      Thread.sleep(500);
    }
    throw new AssertionError(
        "not "
            + what
            + " within "
            + timeout
            + "; status: "
            + (last == null ? "(no resource)" : Serialization.asYaml(last.getStatus()))
            + "\npods: "
            + pods().stream()
                .map(
                    p ->
                        p.getMetadata().getName()
                            + " "
                            + p.getSpec().getNodeName()
                            + " "
                            + p.getStatus())
                .toList());
  }

  /** The job's pods; none when this client may not list pods (a tenant's). */
  List<Pod> pods() {
    try {
      return client.pods().inNamespace(namespace).list().getItems();
    } catch (io.fabric8.kubernetes.client.KubernetesClientException e) {
      if (e.getCode() == 403) {
        return List.of();
      }
      throw e;
    }
  }

  /** The committed output once it has records (the first commit follows the first checkpoint). */
  OutputCheck output(Path dir, Duration timeout) throws InterruptedException {
    long deadline = System.nanoTime() + timeout.toNanos();
    OutputCheck check = OutputCheck.read(dir);
    while (check.records() == 0 && System.nanoTime() < deadline) {
      Thread.sleep(500);
      check = OutputCheck.read(dir);
    }
    return check;
  }

  /** Pod JVMs still alive after {@code grace}: what a teardown left behind. */
  static List<ProcessHandle> podProcesses(Duration grace) throws InterruptedException {
    long deadline = System.nanoTime() + grace.toNanos();
    List<ProcessHandle> left = alive();
    while (!left.isEmpty() && System.nanoTime() < deadline) {
      Thread.sleep(200);
      left = alive();
    }
    return left;
  }

  /** Processes still running whose command line names {@code dir} (pods, the control plane). */
  static List<String> processesUsing(Path dir, Duration grace) throws InterruptedException {
    long deadline = System.nanoTime() + grace.toNanos();
    while (true) {
      List<String> left =
          ProcessHandle.allProcesses()
              .filter(ProcessHandle::isAlive)
              .map(p -> p.pid() + " " + p.info().commandLine().orElse(""))
              .filter(c -> c.contains(dir.toString()))
              .toList();
      if (left.isEmpty() || System.nanoTime() > deadline) {
        return left;
      }
      Thread.sleep(200);
    }
  }

  private static List<ProcessHandle> alive() {
    return ProcessHandle.allProcesses()
        .filter(ProcessHandle::isAlive)
        .filter(p -> p.info().commandLine().orElse("").contains(PodMain.class.getName()))
        .filter(
            p ->
                p.info()
                    .commandLine()
                    .orElse("")
                    .contains(" " + ProcessHandle.current().pid() + " "))
        .toList();
  }
}
