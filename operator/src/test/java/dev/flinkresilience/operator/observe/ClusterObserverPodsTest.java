package dev.flinkresilience.operator.observe;

import static org.assertj.core.api.Assertions.assertThat;

import dev.flinkresilience.operator.decide.ObservedCluster;
import dev.flinkresilience.operator.decide.PodView;
import dev.flinkresilience.operator.decide.PodView.Role;
import io.fabric8.kubernetes.api.model.ContainerState;
import io.fabric8.kubernetes.api.model.ContainerStateBuilder;
import io.fabric8.kubernetes.api.model.ContainerStateTerminated;
import io.fabric8.kubernetes.api.model.ContainerStateTerminatedBuilder;
import io.fabric8.kubernetes.api.model.ContainerStatus;
import io.fabric8.kubernetes.api.model.ContainerStatusBuilder;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.PodBuilder;
import io.fabric8.kubernetes.api.model.PodConditionBuilder;
import io.fabric8.kubernetes.api.model.apps.DeploymentBuilder;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.function.UnaryOperator;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/** Pods as the kubelet reports them, mapped to what detection reads. */
class ClusterObserverPodsTest {
  static final String CREATED = "2026-11-21T09:00:00Z";
  static final String T1 = "2026-11-21T10:00:00Z";
  static final String T2 = "2026-11-21T10:05:00Z";

  /** One row: a pod built from a running JobManager by {@code edit}, and the failure it shows. */
  static Stream<Arguments> failures() {
    return Stream.of(
        row("running and ready", p -> p, null, null),
        row(
            "container OOMKilled now",
            p -> container(p, now("OOMKilled", 137, T1), null, "Failed"),
            "OOMKilled",
            T1),
        row(
            "container Error now",
            p -> container(p, now("Error", 1, T1), null, "Failed"),
            "Error",
            T1),
        row(
            "terminated without a reason reads as Error",
            p -> container(p, now(null, 2, T1), null, "Failed"),
            "Error",
            T1),
        row(
            "restarted in place after an OOM: the last state, dated by it",
            p -> container(p, running(), terminated("OOMKilled", 137, T1), "Running"),
            "OOMKilled",
            T1),
        row(
            "CrashLoopBackOff, dated by the crash it waits after",
            p -> container(p, waiting("CrashLoopBackOff"), terminated("Error", 1, T2), "Running"),
            "CrashLoopBackOff",
            T2),
        row(
            "waiting for an image is no failure",
            p -> container(p, waiting("ContainerCreating"), null, "Pending"),
            null,
            null),
        row(
            "exited 0 is no failure",
            p -> container(p, now("Completed", 0, T1), null, "Succeeded"),
            null,
            null),
        row(
            "evicted: the pod's reason wins over its containers'",
            p -> status(container(p, now("Error", 137, T2), null, "Failed"), "Evicted", null),
            "Evicted",
            T2),
        row(
            "evicted with no container state: dated by the DisruptionTarget condition",
            p -> status(p, "Evicted", T1),
            "Evicted",
            T1),
        row(
            "terminated by a graceful node shutdown",
            p -> status(container(p, null, null, "Failed"), "Terminated", null),
            "Terminated",
            null),
        row(
            "phase Failed and nothing else known",
            p -> container(p, null, null, "Failed"),
            "Failed",
            null),
        row(
            "the newest of two current failures",
            p ->
                new PodBuilder(container(p, now("Error", 1, T1), null, "Failed"))
                    .editStatus()
                    .addToContainerStatuses(
                        new ContainerStatusBuilder()
                            .withName("sidecar")
                            .withNewState()
                            .withTerminated(terminated("OOMKilled", 137, T2))
                            .endState()
                            .build())
                    .endStatus()
                    .build(),
            "OOMKilled",
            T2),
        row(
            "a current failure beats a newer past one",
            p ->
                new PodBuilder(container(p, now("Error", 1, T1), null, "Failed"))
                    .editStatus()
                    .addToContainerStatuses(
                        new ContainerStatusBuilder()
                            .withName("sidecar")
                            .withNewState()
                            .withNewRunning()
                            .endRunning()
                            .endState()
                            .withNewLastState()
                            .withTerminated(terminated("OOMKilled", 137, T2))
                            .endLastState()
                            .build())
                    .endStatus()
                    .build(),
            "Error",
            T1),
        row(
            "an init container in CrashLoopBackOff",
            p ->
                new PodBuilder(p)
                    .editStatus()
                    .withPhase("Pending")
                    .addToInitContainerStatuses(
                        new ContainerStatusBuilder()
                            .withName("init")
                            .withNewState()
                            .withNewWaiting()
                            .withReason("CrashLoopBackOff")
                            .endWaiting()
                            .endState()
                            .build())
                    .endStatus()
                    .build(),
            "CrashLoopBackOff",
            null));
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("failures")
  void failureAndItsTime(String name, Pod pod, String failure, Instant failedAt) {
    PodView view = only(pod);
    assertThat(view.failure()).isEqualTo(failure);
    assertThat(view.failedAt()).isEqualTo(failedAt);
    assertThat(view.isFailing()).isEqualTo(failure != null || "Failed".equals(view.phase()));
  }

  @Test
  void healthyJobManager() {
    PodView view = only(jobManager());
    assertThat(view)
        .isEqualTo(
            new PodView(
                "orders-jm-1",
                Role.JOB_MANAGER,
                "node-a",
                "Running",
                true,
                null,
                null,
                null,
                Instant.parse(CREATED)));
  }

  @Test
  void rolesFromFlinksComponentLabel() {
    assertThat(only(labelled("taskmanager")).role()).isEqualTo(Role.TASK_MANAGER);
    assertThat(only(labelled("jobmanager")).role()).isEqualTo(Role.JOB_MANAGER);
    assertThat(only(labelled("history")).role()).isEqualTo(Role.OTHER);
    assertThat(
            only(new PodBuilder(jobManager())
                    .editMetadata()
                    .withLabels(Map.of())
                    .endMetadata()
                    .build())
                .role())
        .isEqualTo(Role.OTHER);
  }

  @Test
  void terminatingUnreadyAndUnscheduled() {
    Pod pod =
        new PodBuilder(jobManager())
            .editMetadata()
            .withDeletionTimestamp(T1)
            .endMetadata()
            .editSpec()
            .withNodeName(null)
            .endSpec()
            .editStatus()
            .withConditions(new PodConditionBuilder().withType("Ready").withStatus("False").build())
            .endStatus()
            .build();
    PodView view = only(pod);
    assertThat(view.deletingSince()).isEqualTo(Instant.parse(T1));
    assertThat(view.node()).isNull();
    assertThat(view.ready()).isFalse();
    assertThat(view.isFailing()).isTrue();
  }

  /**
   * A graceful deletion sets deletionTimestamp to when the pod may be killed: the request time plus
   * the grace period. The deletion began at the request; dated from the deadline, a TaskManager
   * deleted by Flink on a dead node (whose kubelet never confirms it) looked like a new failure
   * after every incident closed, for as long as the grace period lasted.
   */
  @Test
  void aGracefulDeletionIsDatedFromItsRequestNotItsDeadline() {
    Pod pod =
        new PodBuilder(jobManager())
            .editMetadata()
            .withDeletionTimestamp(T1)
            .withDeletionGracePeriodSeconds(30L)
            .endMetadata()
            .build();
    assertThat(only(pod).deletingSince()).isEqualTo(Instant.parse(T1).minusSeconds(30));
  }

  @Test
  void aPodWithoutStatusIsPendingNothing() {
    Pod pod = new PodBuilder(jobManager()).withStatus(null).build();
    PodView view = only(pod);
    assertThat(view.phase()).isNull();
    assertThat(view.ready()).isFalse();
    assertThat(view.failure()).isNull();
  }

  @Test
  void keepsTheDeploymentAndCountAndSortsPods() {
    Pod b =
        new PodBuilder(labelled("taskmanager")).editMetadata().withName("b").endMetadata().build();
    Pod a = new PodBuilder(jobManager()).editMetadata().withName("a").endMetadata().build();
    var deployment =
        new DeploymentBuilder()
            .withNewMetadata()
            .withName("orders")
            .withAnnotations(Map.of())
            .endMetadata()
            .build();
    ObservedCluster cluster = ClusterObserver.observe("orders", List.of(deployment), List.of(b, a));
    assertThat(cluster.podsRemaining()).isEqualTo(2);
    assertThat(cluster.pods()).extracting(PodView::name).containsExactly("a", "b");
    assertThat(cluster.nodes()).isEmpty();
    assertThat(
            ClusterObserver.nodesHosting(
                List.of(a, b, new PodBuilder(a).editSpec().withNodeName(null).endSpec().build())))
        .containsExactly("node-a");
  }

  private static PodView only(Pod pod) {
    List<PodView> pods = ClusterObserver.observe("orders", List.of(), List.of(pod)).pods();
    assertThat(pods).hasSize(1);
    return pods.get(0);
  }

  private static Arguments row(String name, UnaryOperator<Pod> edit, String failure, String at) {
    return Arguments.of(
        name, edit.apply(jobManager()), failure, at == null ? null : Instant.parse(at));
  }

  static Pod jobManager() {
    return labelled("jobmanager");
  }

  static Pod labelled(String component) {
    return new PodBuilder()
        .withNewMetadata()
        .withName("orders-jm-1")
        .withNamespace("streaming")
        .withCreationTimestamp(CREATED)
        .withLabels(Map.of("component", component, "flinkresilience.dev/job", "orders"))
        .endMetadata()
        .withNewSpec()
        .withNodeName("node-a")
        .endSpec()
        .withNewStatus()
        .withPhase("Running")
        .withConditions(new PodConditionBuilder().withType("Ready").withStatus("True").build())
        .addToContainerStatuses(
            new ContainerStatusBuilder()
                .withName("flink-main-container")
                .withNewState()
                .withNewRunning()
                .endRunning()
                .endState()
                .build())
        .endStatus()
        .build();
  }

  /** Replaces the main container's status and sets the phase. */
  private static Pod container(
      Pod p, ContainerState state, ContainerStateTerminated last, String phase) {
    ContainerStatusBuilder c = new ContainerStatusBuilder().withName("flink-main-container");
    if (state != null) {
      c.withState(state);
    }
    if (last != null) {
      c.withNewLastState().withTerminated(last).endLastState();
    }
    ContainerStatus status = c.build();
    return new PodBuilder(p)
        .editStatus()
        .withPhase(phase)
        .withContainerStatuses(status)
        .withConditions(new PodConditionBuilder().withType("Ready").withStatus("False").build())
        .endStatus()
        .build();
  }

  private static Pod status(Pod p, String reason, String disruptedAt) {
    PodBuilder b =
        new PodBuilder(p).editStatus().withPhase("Failed").withReason(reason).endStatus();
    if (disruptedAt != null) {
      b.editStatus()
          .addToConditions(
              new PodConditionBuilder()
                  .withType("DisruptionTarget")
                  .withStatus("True")
                  .withReason("TerminationByKubelet")
                  .withLastTransitionTime(disruptedAt)
                  .build())
          .endStatus();
    }
    return b.build();
  }

  private static ContainerStateTerminated terminated(String reason, int exit, String finishedAt) {
    return new ContainerStateTerminatedBuilder()
        .withReason(reason)
        .withExitCode(exit)
        .withFinishedAt(finishedAt)
        .build();
  }

  private static ContainerState now(String reason, int exit, String finishedAt) {
    return new ContainerStateBuilder().withTerminated(terminated(reason, exit, finishedAt)).build();
  }

  private static ContainerState running() {
    return new ContainerStateBuilder().withNewRunning().endRunning().build();
  }

  private static ContainerState waiting(String reason) {
    return new ContainerStateBuilder().withNewWaiting().withReason(reason).endWaiting().build();
  }
}
