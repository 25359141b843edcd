package dev.flinkresilience.operator.observe;

import static org.assertj.core.api.Assertions.assertThat;

import dev.flinkresilience.operator.observe.JobManagerAddress.Mode;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.PodBuilder;
import java.util.List;
import java.util.Map;
import java.util.function.UnaryOperator;
import java.util.stream.Stream;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/** Where the JobManager's REST API is, from pods and the HA leader: one row per situation. */
class JobManagerAddressTest {
  private static final String NS = "streaming";
  private static final String NAME = "orders";

  @ParameterizedTest(name = "{0}")
  @MethodSource("rows")
  void resolves(String situation, Mode mode, List<Pod> pods, String haLeader, String expected) {
    var resolved = JobManagerAddress.resolve(mode, NS, NAME, pods, haLeader);
    assertThat(resolved.map(Object::toString).orElse(null)).isEqualTo(expected);
  }

  @org.junit.jupiter.api.Test
  void aTemplateNamesEachJobsJobManagerOnceOneIsReady() {
    var rule =
        new JobManagerAddress.Rule(Mode.TEMPLATE, "https://{name}-{namespace}.flink.example.com");
    assertThat(
            JobManagerAddress.resolve(
                rule, NS, NAME, List.of(jm("jm-a", "10.0.0.5", p -> p)), null))
        .hasValue(java.net.URI.create("https://orders-streaming.flink.example.com"));
    assertThat(
            JobManagerAddress.resolve(
                rule, NS, NAME, List.of(jm("jm-a", "10.0.0.5", p -> ready(p, "False"))), null))
        .isEmpty();
  }

  @org.junit.jupiter.api.Test
  void aTemplateGoesWithTemplateModeOnly() {
    org.assertj.core.api.Assertions.assertThatThrownBy(
            () -> new JobManagerAddress.Rule(Mode.TEMPLATE, null))
        .hasMessageContaining("--jobmanager-address TEMPLATE");
    org.assertj.core.api.Assertions.assertThatThrownBy(
            () -> new JobManagerAddress.Rule(Mode.POD_IP, "http://{name}"))
        .isInstanceOf(IllegalArgumentException.class);
  }

  static Stream<Arguments> rows() {
    return Stream.of(
        row("no pods", List.of(), null, null),
        row("JM pod not Running", List.of(jm("jm-0", "10.0.0.5", p -> phase(p, "Pending"))), null),
        row("JM pod not Ready", List.of(jm("jm-0", "10.0.0.5", p -> ready(p, "False"))), null),
        row("JM pod without an IP", List.of(jm("jm-0", null, p -> p)), null),
        row(
            "JM pod terminating",
            List.of(jm("jm-0", "10.0.0.5", JobManagerAddressTest::terminating)),
            null),
        row("TaskManager pods only", List.of(tm("tm-0", "10.0.0.7"), tm("tm-1", "10.0.0.8")), null),
        row(
            "ready JM: its IP and the port named rest",
            List.of(tm("tm-0", "10.0.0.7"), jm("jm-0", "10.0.0.5", p -> restPort(p, 18081))),
            "http://10.0.0.5:18081"),
        row(
            "a sidecar's port named rest does not redirect the operator: main container's port",
            List.of(jm("jm-0", "10.0.0.5", p -> sidecarFirstRestPort(restPort(p, 18081), 6666))),
            "http://10.0.0.5:18081"),
        row(
            "a sidecar listed first with a port named rest, main container without: 8081",
            List.of(jm("jm-0", "10.0.0.5", p -> sidecarFirstRestPort(p, 6666))),
            "http://10.0.0.5:8081"),
        row(
            "ready JM without a rest port: 8081",
            List.of(jm("jm-0", "10.0.0.5", p -> p)),
            "http://10.0.0.5:8081"),
        row(
            "a JM pod with no Ready condition yet counts as ready once Running",
            List.of(jm("jm-0", "10.0.0.5", JobManagerAddressTest::noConditions)),
            "http://10.0.0.5:8081"),
        row(
            "IPv6 pod IP in brackets",
            List.of(jm("jm-0", "fd00::5", p -> p)),
            "http://[fd00::5]:8081"),
        row(
            "two ready JMs, no leader known: the first by name",
            List.of(jm("jm-b", "10.0.0.6", p -> p), jm("jm-a", "10.0.0.5", p -> p)),
            "http://10.0.0.5:8081"),
        Arguments.of(
            "two ready JMs, the HA leader is one of them: the leader",
            Mode.POD_IP,
            List.of(jm("jm-a", "10.0.0.5", p -> p), jm("jm-b", "10.0.0.6", p -> p)),
            "http://10.0.0.6:8081",
            "http://10.0.0.6:8081"),
        Arguments.of(
            "IPv6 HA leader among the pods",
            Mode.POD_IP,
            List.of(jm("jm-a", "fd00::5", p -> p), jm("jm-b", "fd00::6", p -> p)),
            "http://[fd00::6]:8081",
            "http://[fd00::6]:8081"),
        Arguments.of(
            "HA leader that is not one of the job's pods: ignored",
            Mode.POD_IP,
            List.of(jm("jm-a", "10.0.0.5", p -> p)),
            "http://10.9.9.9:8081",
            "http://10.0.0.5:8081"),
        Arguments.of(
            "HA leader at a TaskManager's IP: ignored",
            Mode.POD_IP,
            List.of(jm("jm-a", "10.0.0.5", p -> p), tm("tm-0", "10.0.0.7")),
            "http://10.0.0.7:8081",
            "http://10.0.0.5:8081"),
        Arguments.of(
            "HA leader on a terminating JM: ignored",
            Mode.POD_IP,
            List.of(
                jm("jm-a", "10.0.0.5", p -> p),
                jm("jm-b", "10.0.0.6", JobManagerAddressTest::terminating)),
            "http://10.0.0.6:8081",
            "http://10.0.0.5:8081"),
        Arguments.of(
            "garbage HA leader: ignored",
            Mode.POD_IP,
            List.of(jm("jm-a", "10.0.0.5", p -> p)),
            "::not a url::",
            "http://10.0.0.5:8081"),
        Arguments.of(
            "HA leader without a port: ignored",
            Mode.POD_IP,
            List.of(jm("jm-a", "10.0.0.5", p -> p)),
            "http://10.0.0.5",
            "http://10.0.0.5:8081"),
        Arguments.of(
            "SERVICE mode: the rest Service by cluster DNS, leader or not",
            Mode.SERVICE,
            List.of(jm("jm-a", "10.0.0.5", p -> restPort(p, 18081))),
            "http://10.0.0.5:18081",
            "http://orders-rest.streaming.svc:18081"),
        Arguments.of(
            "SERVICE mode without a ready JM: nothing",
            Mode.SERVICE,
            List.of(jm("jm-a", "10.0.0.5", p -> ready(p, "False"))),
            null,
            null));
  }

  private static Arguments row(String situation, List<Pod> pods, String expected) {
    return row(situation, pods, null, expected);
  }

  private static Arguments row(String situation, List<Pod> pods, String haLeader, String expected) {
    return Arguments.of(situation, Mode.POD_IP, pods, haLeader, expected);
  }

  /** A Running, Ready JobManager pod, then {@code change}. */
  private static Pod jm(String name, String ip, UnaryOperator<Pod> change) {
    return change.apply(pod(name, ip, "jobmanager"));
  }

  private static Pod tm(String name, String ip) {
    return pod(name, ip, "taskmanager");
  }

  private static Pod pod(String name, String ip, String component) {
    return new PodBuilder()
        .withNewMetadata()
        .withName(name)
        .withNamespace(NS)
        .withLabels(Map.of("app", NAME, "component", component))
        .endMetadata()
        .withNewSpec()
        .addNewContainer()
        .withName("flink-main-container")
        .endContainer()
        .endSpec()
        .withNewStatus()
        .withPhase("Running")
        .withPodIP(ip)
        .addNewCondition()
        .withType("Ready")
        .withStatus("True")
        .endCondition()
        .endStatus()
        .build();
  }

  private static Pod phase(Pod p, String phase) {
    return new PodBuilder(p).editStatus().withPhase(phase).endStatus().build();
  }

  private static Pod ready(Pod p, String status) {
    return new PodBuilder(p)
        .editStatus()
        .withConditions()
        .addNewCondition()
        .withType("Ready")
        .withStatus(status)
        .endCondition()
        .endStatus()
        .build();
  }

  private static Pod noConditions(Pod p) {
    return new PodBuilder(p).editStatus().withConditions().endStatus().build();
  }

  private static Pod terminating(Pod p) {
    return new PodBuilder(p)
        .editMetadata()
        .withDeletionTimestamp("2026-11-21T12:00:00Z")
        .endMetadata()
        .build();
  }

  private static Pod restPort(Pod p, int port) {
    return new PodBuilder(p)
        .editSpec()
        .editFirstContainer()
        .addNewPort()
        .withName("web")
        .withContainerPort(9999)
        .endPort()
        .addNewPort()
        .withName("rest")
        .withContainerPort(port)
        .endPort()
        .endContainer()
        .endSpec()
        .build();
  }

  private static Pod sidecarRestPort(Pod p, int port) {
    return new PodBuilder(p)
        .editSpec()
        .addNewContainer()
        .withName("metrics-proxy")
        .addNewPort()
        .withName("rest")
        .withContainerPort(port)
        .endPort()
        .endContainer()
        .endSpec()
        .build();
  }

  private static Pod sidecarFirstRestPort(Pod p, int port) {
    Pod withSidecar = sidecarRestPort(p, port);
    var containers = new java.util.ArrayList<>(withSidecar.getSpec().getContainers());
    java.util.Collections.reverse(containers);
    return new PodBuilder(withSidecar).editSpec().withContainers(containers).endSpec().build();
  }
}
