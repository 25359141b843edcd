package dev.flinkresilience.operator.ship;

/**
 * One right: a verb on a resource of an API group, in one namespace or cluster-wide ({@link
 * #CLUSTER}). Wildcards are not used by the chart, and {@link RbacGrants} rejects them so that a
 * {@code *} cannot slip in unreviewed.
 */
public record Grant(String namespace, String group, String resource, String verb) {
  public static final String CLUSTER = "*";

  @Override
  public String toString() {
    return (namespace.equals(CLUSTER) ? "cluster-wide" : namespace)
        + " "
        + (group.isEmpty() ? "core" : group)
        + "/"
        + resource
        + " "
        + verb;
  }
}
