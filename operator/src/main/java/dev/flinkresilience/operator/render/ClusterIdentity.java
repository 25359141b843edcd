package dev.flinkresilience.operator.render;

import java.util.Objects;

/**
 * Where a Flink application cluster lives. {@code name} is also the Flink cluster id: Kubernetes HA
 * names its ConfigMaps after it, so two jobs may share a name only in different namespaces.
 */
public record ClusterIdentity(String namespace, String name) {
  public ClusterIdentity {
    requireText(namespace, "namespace");
    requireText(name, "name");
  }

  /**
   * Flink's {@code high-availability.cluster-id}: the HA data of this cluster lives under it (the
   * znodes below the ZooKeeper root, the files below the HA storage dir). It carries the namespace,
   * so same-named jobs of different namespaces sharing an ensemble or a bucket never collide.
   */
  public String haClusterId() {
    return "/" + namespace + "/" + name;
  }

  private static void requireText(String value, String what) {
    if (Objects.requireNonNull(value, what).isBlank()) {
      throw new IllegalArgumentException(what + " must not be blank");
    }
  }
}
