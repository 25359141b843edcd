package dev.flinkresilience.local.controlplane;

import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.OwnerReference;
import io.fabric8.kubernetes.api.model.OwnerReferenceBuilder;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.PodCondition;
import io.fabric8.kubernetes.client.KubernetesClientException;
import java.util.List;
import java.util.Optional;
import java.util.function.Predicate;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** What the fallback controllers ask of API objects, and how they write without failing a pass. */
final class ApiObjects {
  private static final Logger LOG = LoggerFactory.getLogger(FallbackControllers.class);

  private ApiObjects() {}

  static String key(HasMetadata o) {
    return o.getMetadata().getNamespace() == null
        ? o.getMetadata().getName()
        : o.getMetadata().getNamespace() + "/" + o.getMetadata().getName();
  }

  static boolean deleting(HasMetadata o) {
    return o.getMetadata().getDeletionTimestamp() != null;
  }

  static List<OwnerReference> owners(HasMetadata o) {
    List<OwnerReference> refs = o.getMetadata().getOwnerReferences();
    return refs == null ? List.of() : refs;
  }

  /** Whether {@code owner} is {@code o}'s controller (the owner reference with controller=true). */
  static boolean controlledBy(HasMetadata o, HasMetadata owner) {
    return owners(o).stream()
        .anyMatch(
            r ->
                Boolean.TRUE.equals(r.getController())
                    && owner.getMetadata().getUid().equals(r.getUid()));
  }

  static Optional<OwnerReference> controller(HasMetadata o) {
    return owners(o).stream().filter(r -> Boolean.TRUE.equals(r.getController())).findFirst();
  }

  static OwnerReference controllerReference(HasMetadata owner) {
    return new OwnerReferenceBuilder()
        .withApiVersion(owner.getApiVersion())
        .withKind(owner.getKind())
        .withName(owner.getMetadata().getName())
        .withUid(owner.getMetadata().getUid())
        .withController(true)
        .withBlockOwnerDeletion(true)
        .build();
  }

  /** Failed or Succeeded: its containers will not run again. */
  static boolean terminated(Pod pod) {
    String phase = pod.getStatus() == null ? null : pod.getStatus().getPhase();
    return "Failed".equals(phase) || "Succeeded".equals(phase);
  }

  /** Neither terminated nor being deleted: a pod that counts as a replica. */
  static boolean active(Pod pod) {
    return !terminated(pod) && !deleting(pod);
  }

  static boolean ready(Pod pod) {
    return condition(pod, "Ready").map(c -> "True".equals(c.getStatus())).orElse(false);
  }

  /**
   * The pod's condition of {@code type}; the last one if there are several. There should not be,
   * but the mock server applies a merge patch to a list by appending (not replacing, as the API
   * server does), so a status written by {@code patchStatus} (as the node emulator's kubelet does)
   * piles up conditions, the newest last.
   */
  static Optional<PodCondition> condition(Pod pod, String type) {
    if (pod.getStatus() == null || pod.getStatus().getConditions() == null) {
      return Optional.empty();
    }
    return last(pod.getStatus().getConditions(), c -> type.equals(c.getType()));
  }

  static <T> Optional<T> last(List<T> items, Predicate<T> matching) {
    T found = null;
    for (T item : items) {
      if (matching.test(item)) {
        found = item;
      }
    }
    return Optional.ofNullable(found);
  }

  static boolean bound(Pod pod) {
    String node = pod.getSpec() == null ? null : pod.getSpec().getNodeName();
    return node != null && !node.isEmpty();
  }

  /**
   * Runs one write; when the object is gone (404), already exists or changed under us (409), or the
   * API fails otherwise, says so and returns false: the next pass retries from fresh state.
   */
  static boolean tryWrite(String what, Runnable write) {
    try {
      write.run();
      return true;
    } catch (KubernetesClientException e) {
      if (e.getCode() == 404 || e.getCode() == 409) {
        LOG.debug("{}: {} (retried on the next pass)", what, e.getCode());
      } else {
        LOG.warn("{} failed (retried on the next pass): {}", what, e.getMessage());
      }
      return false;
    }
  }
}
