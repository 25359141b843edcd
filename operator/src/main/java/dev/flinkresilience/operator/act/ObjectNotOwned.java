package dev.flinkresilience.operator.act;

import java.util.List;

/**
 * One or more of a cluster's names are held by objects this job does not own: the operator leaves
 * them exactly as they are and applies no JobManager. Not transient in the sense of a conflict
 * (retrying at once changes nothing), but a human can free the name, so the reconciler reports it
 * and tries again later.
 */
public final class ObjectNotOwned extends RuntimeException {
  private final transient List<Taken> taken;

  public ObjectNotOwned(List<Taken> taken) {
    super(
        String.join(", ", taken.stream().map(Taken::toString).toList())
            + " not owned by this FlinkResilientJob");
    this.taken = List.copyOf(taken);
  }

  public List<Taken> taken() {
    return taken;
  }

  /**
   * An object in the way, and who owns it ({@code owner} is empty when it has no owner reference),
   * e.g. {@code Service streaming/orders-rest (owned by FlinkResilientJob payments)}.
   */
  public record Taken(String kind, String namespace, String name, String owner) {
    @Override
    public String toString() {
      return kind
          + " "
          + namespace
          + "/"
          + name
          + (owner.isEmpty() ? " (no owner)" : " (owned by " + owner + ")");
    }
  }
}
