package dev.flinkresilience.operator.observe;

import dev.flinkresilience.operator.decide.PodView;
import dev.flinkresilience.operator.decide.PodView.Role;
import io.fabric8.kubernetes.api.model.ContainerStateTerminated;
import io.fabric8.kubernetes.api.model.ContainerStatus;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.PodCondition;
import io.fabric8.kubernetes.api.model.PodStatus;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * Maps a cached pod to what detection needs. Facts only: whether a failure matters is the planner's
 * call.
 *
 * <p>Where a failure comes from, strongest first:
 *
 * <ol>
 *   <li>the pod's own {@code status.reason} when the kubelet gave up on the whole pod ({@code
 *       Evicted}, or {@code Terminated} on a graceful node shutdown);
 *   <li>a container that is terminated now with a non-zero exit ({@code OOMKilled}, {@code Error})
 *       or waits in {@code CrashLoopBackOff};
 *   <li>a container that runs again after a non-zero exit: its last state. A JobManager pod belongs
 *       to a Deployment and restarts in place, so without the last state an OOM of the JobManager
 *       would be invisible once the container is back. {@code failedAt} then names that past
 *       failure, so the planner can tell it from a new one;
 *   <li>phase {@code Failed} without any of the above.
 * </ol>
 *
 * A container that exited 0 (an init container that completed) is no failure.
 */
final class PodViews {
  /** Flink's label on its pods (native Kubernetes): {@code jobmanager} or {@code taskmanager}. */
  static final String COMPONENT_LABEL = JobManagerAddress.COMPONENT_LABEL;

  static final String CRASH_LOOP = "CrashLoopBackOff";

  private PodViews() {}

  static PodView of(Pod pod) {
    PodStatus status = pod.getStatus() == null ? new PodStatus() : pod.getStatus();
    Failure failure = failureOf(status);
    return new PodView(
        pod.getMetadata().getName(),
        roleOf(pod),
        pod.getSpec() == null ? null : pod.getSpec().getNodeName(),
        status.getPhase(),
        conditionTrue(status, "Ready"),
        deletionRequested(pod),
        failure == null ? null : failure.reason(),
        failure == null ? null : failure.at(),
        instant(pod.getMetadata().getCreationTimestamp()));
  }

  private static Role roleOf(Pod pod) {
    Map<String, String> labels = pod.getMetadata().getLabels();
    String component = labels == null ? null : labels.get(COMPONENT_LABEL);
    if (JobManagerAddress.JOB_MANAGER.equals(component)) {
      return Role.JOB_MANAGER;
    }
    return "taskmanager".equals(component) ? Role.TASK_MANAGER : Role.OTHER;
  }

  private static Failure failureOf(PodStatus status) {
    Optional<Failure> current = latest(containers(status), true);
    Optional<Failure> past = latest(containers(status), false);
    boolean failed = "Failed".equals(status.getPhase());
    if (status.getReason() != null && (failed || "Evicted".equals(status.getReason()))) {
      Instant at =
          current
              .map(Failure::at)
              .orElseGet(() -> conditionSince(status, "DisruptionTarget").orElse(null));
      return new Failure(status.getReason(), at);
    }
    if (current.isPresent()) {
      return current.get();
    }
    if (past.isPresent()) {
      return past.get();
    }
    return failed ? new Failure("Failed", lastFinished(status)) : null;
  }

  /** The newest container failure, from the current states or from the last ones. */
  private static Optional<Failure> latest(List<ContainerStatus> containers, boolean current) {
    List<Failure> found = new ArrayList<>();
    for (ContainerStatus c : containers) {
      Failure f = current ? currentFailure(c) : pastFailure(c);
      if (f != null) {
        found.add(f);
      }
    }
    return found.stream()
        .max(Comparator.comparing(Failure::at, Comparator.nullsFirst(Comparator.naturalOrder())));
  }

  private static Failure currentFailure(ContainerStatus c) {
    if (c.getState() == null) {
      return null;
    }
    ContainerStateTerminated t = c.getState().getTerminated();
    if (isFailure(t)) {
      return new Failure(reasonOf(t), instant(t.getFinishedAt()));
    }
    var waiting = c.getState().getWaiting();
    if (waiting != null && CRASH_LOOP.equals(waiting.getReason())) {
      // Dated by the crash it waits after, not by now: the same crash loop keeps one date.
      ContainerStateTerminated last =
          c.getLastState() == null ? null : c.getLastState().getTerminated();
      return new Failure(CRASH_LOOP, last == null ? null : instant(last.getFinishedAt()));
    }
    return null;
  }

  private static Failure pastFailure(ContainerStatus c) {
    ContainerStateTerminated t = c.getLastState() == null ? null : c.getLastState().getTerminated();
    return isFailure(t) ? new Failure(reasonOf(t), instant(t.getFinishedAt())) : null;
  }

  private static boolean isFailure(ContainerStateTerminated t) {
    return t != null && (t.getExitCode() == null || t.getExitCode() != 0);
  }

  private static String reasonOf(ContainerStateTerminated t) {
    return t.getReason() == null ? "Error" : t.getReason();
  }

  private static Instant lastFinished(PodStatus status) {
    return containers(status).stream()
        .map(c -> c.getState() == null ? null : c.getState().getTerminated())
        .filter(t -> t != null)
        .map(t -> instant(t.getFinishedAt()))
        .filter(i -> i != null)
        .max(Comparator.naturalOrder())
        .orElse(null);
  }

  /** Init containers too: one stuck crashing keeps the pod from ever running. */
  private static List<ContainerStatus> containers(PodStatus status) {
    List<ContainerStatus> all = new ArrayList<>();
    if (status.getInitContainerStatuses() != null) {
      all.addAll(status.getInitContainerStatuses());
    }
    if (status.getContainerStatuses() != null) {
      all.addAll(status.getContainerStatuses());
    }
    return all;
  }

  private static boolean conditionTrue(PodStatus status, String type) {
    return conditions(status).stream()
        .anyMatch(c -> type.equals(c.getType()) && "True".equals(c.getStatus()));
  }

  private static Optional<Instant> conditionSince(PodStatus status, String type) {
    return conditions(status).stream()
        .filter(c -> type.equals(c.getType()) && "True".equals(c.getStatus()))
        .map(c -> instant(c.getLastTransitionTime()))
        .filter(i -> i != null)
        .findFirst();
  }

  private static List<PodCondition> conditions(PodStatus status) {
    return status.getConditions() == null ? List.of() : status.getConditions();
  }

  /** Kubernetes timestamps are RFC 3339; a malformed one reads as unknown rather than failing. */
  /**
   * When the pod's deletion was asked for. A graceful deletion sets deletionTimestamp to the
   * deadline, the request plus the grace period; the failure began at the request (and a deadline
   * in the future would read as a new failure after every incident closed before it).
   */
  private static Instant deletionRequested(Pod pod) {
    Instant deadline = instant(pod.getMetadata().getDeletionTimestamp());
    Long grace = pod.getMetadata().getDeletionGracePeriodSeconds();
    return deadline == null || grace == null ? deadline : deadline.minusSeconds(grace);
  }

  static Instant instant(String timestamp) {
    if (timestamp == null || timestamp.isEmpty()) {
      return null;
    }
    try {
      return OffsetDateTime.parse(timestamp).toInstant();
    } catch (DateTimeParseException e) {
      return null;
    }
  }

  private record Failure(String reason, Instant at) {}
}
