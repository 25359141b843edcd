package dev.flinkresilience.operator.model;

import io.fabric8.kubernetes.api.model.ConfigMap;
import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.Service;
import io.fabric8.kubernetes.api.model.apps.Deployment;
import java.util.List;
import java.util.Set;

/**
 * The objects the operator accepts from Flink's factory, by kind and name: the JobManager
 * Deployment, its two Services and its two ConfigMaps (configuration, TaskManager pod template).
 *
 * <p>Flink's decorators run inside the operator's JVM and decide for themselves what to add: a
 * keytab Secret, a krb5.conf or Hadoop ConfigMap built from files they read locally. Those are
 * switched off in the rendered configuration; this allow-list is the second fence, so that a
 * decorator switched on by a future Flink version, or a key that slipped through, fails the
 * deployment loudly instead of shipping the operator's files to a tenant's namespace.
 */
final class FlinkObjects {
  private FlinkObjects() {}

  /**
   * @throws IllegalArgumentException naming the first object that is not expected
   */
  static List<HasMetadata> expected(String clusterId, List<HasMetadata> objects) {
    for (HasMetadata object : objects) {
      String name = object.getMetadata().getName();
      if (!expected(clusterId, object, name)) {
        throw new IllegalArgumentException(
            "Flink's factory built an object the operator does not apply: "
                + object.getKind()
                + " "
                + name
                + " (only the JobManager Deployment, its Services and its ConfigMaps are applied)");
      }
    }
    return objects;
  }

  private static boolean expected(String clusterId, HasMetadata object, String name) {
    if (object instanceof Deployment) {
      return name.equals(clusterId);
    }
    if (object instanceof Service) {
      return Set.of(clusterId, clusterId + "-rest").contains(name);
    }
    if (object instanceof ConfigMap) {
      return Set.of("flink-config-" + clusterId, "pod-template-" + clusterId).contains(name);
    }
    return false;
  }
}
