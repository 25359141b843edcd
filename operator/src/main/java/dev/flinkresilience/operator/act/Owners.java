package dev.flinkresilience.operator.act;

import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.OwnerReference;
import java.util.List;
import java.util.stream.Collectors;

/**
 * Ownership by ownerReference uid. A name such as {@code <job>-rest} is predictable, so another
 * tenant (or another job) may hold it first; the operator changes and deletes only objects whose
 * ownerReferences contain this job's uid, which only the job's own objects have.
 */
final class Owners {
  private Owners() {}

  /** The job's uid, from the owner reference ClusterModel sets on every object it builds. */
  static String jobUid(HasMetadata desired) {
    return references(desired).stream()
        .map(OwnerReference::getUid)
        .filter(uid -> uid != null && !uid.isBlank())
        .findFirst()
        .orElseThrow(
            () ->
                new IllegalArgumentException(
                    desired.getKind()
                        + " "
                        + desired.getMetadata().getName()
                        + " has no owner reference: the operator applies only objects it owns"));
  }

  static boolean ownedBy(HasMetadata live, String uid) {
    return references(live).stream().anyMatch(o -> uid.equals(o.getUid()));
  }

  static ObjectNotOwned.Taken taken(HasMetadata live) {
    var meta = live.getMetadata();
    String owners =
        references(live).stream()
            .map(o -> o.getKind() + " " + o.getName())
            .collect(Collectors.joining(", "));
    return new ObjectNotOwned.Taken(live.getKind(), meta.getNamespace(), meta.getName(), owners);
  }

  private static List<OwnerReference> references(HasMetadata o) {
    var refs = o.getMetadata().getOwnerReferences();
    return refs == null ? List.of() : refs;
  }
}
