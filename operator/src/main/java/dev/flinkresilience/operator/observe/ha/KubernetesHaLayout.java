package dev.flinkresilience.operator.observe.ha;

import java.util.Map;
import java.util.OptionalLong;
import java.util.UUID;

/**
 * How Flink's Kubernetes HA services name and label their ConfigMaps and encode their entries, as
 * read from Flink's own code (1.20 and 2.0 to 2.3): {@code KubernetesLeaderElectionHaServices}
 * (ConfigMap names, the {@code restserver} component), {@code KubernetesCheckpointStoreUtil}
 * (checkpoint keys), {@code KubernetesUtils} (labels, leader keys and values) and {@code
 * Constants}. Flink names them after {@code kubernetes.cluster-id}, which the operator sets to the
 * resource name. The one place that knows this: the reader and the cleaner both use it.
 */
public final class KubernetesHaLayout {
  /** {@code Constants.LABEL_APP_KEY}: its value is the cluster id. */
  public static final String APP_LABEL = "app";

  /** {@code Constants.LABEL_TYPE_KEY}/{@code LABEL_TYPE_NATIVE_TYPE}, on every HA ConfigMap. */
  public static final String TYPE_LABEL = "type";

  public static final String TYPE_VALUE = "flink-native-kubernetes";

  /**
   * {@code configmap-type: high-availability}: Flink 1.x only. Flink 2.0 dropped it ({@code
   * KubernetesUtils.getConfigMapLabels(clusterId)} gives {@code app} and {@code type} only), so a
   * selector must not require it.
   */
  public static final String LEGACY_CONFIGMAP_TYPE_LABEL = "configmap-type";

  /** {@code KubernetesUtils.LEADER_PREFIX} + the REST server's component id. */
  public static final String REST_SERVER_LEADER_KEY = "org.apache.flink.k8s.leader.restserver";

  /**
   * The annotation fabric8's ConfigMap lock, and so Flink's leader election, keeps its record in
   * (holder, renew time) on the cluster ConfigMap.
   */
  public static final String LOCK_ANNOTATION = "control-plane.alpha.kubernetes.io/leader";

  /** {@code Constants.CHECKPOINT_COUNTER_KEY}: the job's next checkpoint id. */
  public static final String CHECKPOINT_COUNTER_KEY = "counter";

  /** {@code Constants.CHECKPOINT_ID_KEY_PREFIX}; the id follows zero-padded ({@code %019d}). */
  public static final String CHECKPOINT_KEY_PREFIX = "checkpointID-";

  private static final int MAX_LONG_DIGITS = 19;

  private KubernetesHaLayout() {}

  /**
   * The labels every HA ConfigMap of {@code clusterId} carries in all supported Flink versions: the
   * selector for an informer of one cluster, or (without {@code app}) of all clusters.
   */
  public static Map<String, String> labels(String clusterId) {
    return Map.of(APP_LABEL, clusterId, TYPE_LABEL, TYPE_VALUE);
  }

  /** {@code <cluster-id>-cluster-config-map}: the leader information of every component. */
  public static String clusterConfigMap(String clusterId) {
    return clusterId + "-cluster-config-map";
  }

  /** {@code <cluster-id>-<job-id>-config-map}: the job's checkpoint ids and id counter. */
  public static String jobConfigMap(String clusterId, String jobId) {
    return clusterId + "-" + jobId + "-config-map";
  }

  /**
   * Whether a ConfigMap of this cluster is one of its HA ConfigMaps. Flink's own JobManager
   * ConfigMaps ({@code flink-config-<id>}, {@code pod-template-<id>}) carry the same labels, so the
   * labels alone do not say it.
   */
  public static boolean isHaConfigMap(String clusterId, String name) {
    return name != null && name.startsWith(clusterId + "-") && name.endsWith("-config-map");
  }

  /** {@code checkpointID-0000000000000000042} → 42; empty for any other key. */
  public static OptionalLong checkpointId(String key) {
    if (key == null || !key.startsWith(CHECKPOINT_KEY_PREFIX)) {
      return OptionalLong.empty();
    }
    return digits(key.substring(CHECKPOINT_KEY_PREFIX.length()));
  }

  /**
   * The address in a leader entry, {@code <leader session UUID>,<address>} ({@code
   * KubernetesUtils.encodeLeaderInformation}); null when the value is not of that shape.
   */
  public static String leaderAddress(String value) {
    int comma = value == null ? -1 : value.indexOf(',');
    if (comma < 0) {
      return null;
    }
    try {
      UUID.fromString(value.substring(0, comma));
    } catch (IllegalArgumentException e) {
      return null;
    }
    String address = value.substring(comma + 1).trim();
    return address.isEmpty() ? null : address;
  }

  /** A non-negative id written as decimal digits only (no sign: Flink never writes one). */
  static OptionalLong digits(String text) {
    if (text.isEmpty()
        || text.length() > MAX_LONG_DIGITS
        || !text.chars().allMatch(c -> c >= '0' && c <= '9')) {
      return OptionalLong.empty();
    }
    try {
      return OptionalLong.of(Long.parseLong(text));
    } catch (NumberFormatException tooLarge) {
      return OptionalLong.empty();
    }
  }
}
