package dev.flinkresilience.local.node;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A pod's process sees the pod's own {@code /opt} (where Flink reads the TaskManager pod template)
 * and nothing of it leaks to the machine's. Mount namespaces are required here: without them the
 * local cluster cannot apply TaskManager pod templates, and chaos scenario 10 would fail anyway.
 */
class ContainerMountsTest {
  @TempDir Path pod;

  @Test
  void aPodProcessSeesItsOwnOptWithTheSamePid() throws Exception {
    Path podOpt = pod.resolve("fs/opt");
    Path template = podOpt.resolve("flink/pod-template/taskmanager-pod-template.yaml");
    Files.createDirectories(template.getParent());
    Files.writeString(template, "spec: {}\n");

    List<String> prefix =
        ContainerMounts.prefix(pod.resolve("fs"), System.getProperty("java.class.path"));
    assertThat(prefix).as("mount namespaces are available on this machine").isNotEmpty();
    List<String> command = new ArrayList<>(prefix);
    command.addAll(
        List.of(
            "bash", "-c", "echo $$; cat /opt/flink/pod-template/taskmanager-pod-template.yaml"));
    Process p = new ProcessBuilder(command).redirectErrorStream(true).start();
    assertThat(p.waitFor(10, TimeUnit.SECONDS)).isTrue();
    String out = new String(p.getInputStream().readAllBytes());

    assertThat(p.exitValue()).as(out).isZero();
    assertThat(out).contains("spec: {}");
    assertThat(out.lines().findFirst().orElseThrow())
        .as("unshare and the shell exec: signals sent to the pid reach the process")
        .isEqualTo(Long.toString(p.pid()));
    assertThat(Path.of("/opt/flink/pod-template/taskmanager-pod-template.yaml"))
        .as("the machine's /opt")
        .doesNotExist();
  }

  /**
   * The pod's localhost is its own IP, as in its own network namespace (ContainerPlan#etcHosts).
   */
  @Test
  void aPodProcessResolvesLocalhostThroughItsOwnEtcHosts() throws Exception {
    Files.createDirectories(pod.resolve("fs/opt"));
    Path hosts = pod.resolve("fs/etc/hosts");
    Files.createDirectories(hosts.getParent());
    Files.writeString(
        hosts, ContainerPlan.etcHosts(Files.readString(Path.of("/etc/hosts")), "127.0.2.7"));
    String machine = Files.readString(Path.of("/etc/hosts"));

    List<String> command =
        new ArrayList<>(
            ContainerMounts.prefix(pod.resolve("fs"), System.getProperty("java.class.path")));
    command.addAll(List.of("getent", "ahostsv4", "localhost"));
    Process p = new ProcessBuilder(command).redirectErrorStream(true).start();
    assertThat(p.waitFor(10, TimeUnit.SECONDS)).isTrue();
    String out = new String(p.getInputStream().readAllBytes());

    assertThat(p.exitValue()).as(out).isZero();
    assertThat(out.lines().findFirst().orElseThrow()).startsWith("127.0.2.7 ");
    assertThat(Files.readString(Path.of("/etc/hosts"))).as("the machine's").isEqualTo(machine);
  }
}
