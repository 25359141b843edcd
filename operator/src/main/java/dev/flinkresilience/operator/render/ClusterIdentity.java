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

  private static void requireText(String value, String what) {
    if (Objects.requireNonNull(value, what).isBlank()) {
      throw new IllegalArgumentException(what + " must not be blank");
    }
  }
}
