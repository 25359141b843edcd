package dev.flinkresilience.operator.observe.ha;

import com.fasterxml.jackson.databind.ObjectMapper;
import io.fabric8.kubernetes.api.model.ConfigMap;
import java.util.HashMap;
import java.util.Map;
import java.util.Objects;

/**
 * Whether an update of one of Flink's Kubernetes HA ConfigMaps is news for the job's reconciler
 * (issue 14). Flink's leading JobManager renews its lock on the cluster ConfigMap every retry
 * period (5 s by default) and writes the job ConfigMap at every checkpoint; each write is an
 * informer event, and each event was a reconcile pass: a pass every 5 s per job for nothing, 200 a
 * second at 1,000 jobs. A renewal by the same holder changes nothing the operator reads from the
 * cache (the leader handover reads the lock from the API server itself), and a checkpoint is news
 * only while the operator waits on one ({@code CheckpointNews}). Everything else wakes a pass: a
 * new holder or a released lock, a leader address, any other entry or annotation, labels. Pure.
 */
public final class HaConfigMapChange {
  private static final ObjectMapper JSON = new ObjectMapper();

  private HaConfigMapChange() {}

  /**
   * @param checkpointWakes whether a new checkpoint of the job is news now
   */
  public static boolean worthAPass(ConfigMap before, ConfigMap now, boolean checkpointWakes) {
    if (before == null
        || now == null
        || before.getMetadata() == null
        || now.getMetadata() == null) {
      return true;
    }
    if (!Objects.equals(before.getMetadata().getLabels(), now.getMetadata().getLabels())
        || !Objects.equals(
            before.getMetadata().getDeletionTimestamp(),
            now.getMetadata().getDeletionTimestamp())) {
      return true;
    }
    if (!Objects.equals(data(before, checkpointWakes), data(now, checkpointWakes))) {
      return true;
    }
    return !Objects.equals(annotations(before), annotations(now));
  }

  /** The entries, without the checkpoint ones (ids and counter) unless they are news. */
  private static Map<String, String> data(ConfigMap map, boolean checkpointWakes) {
    Map<String, String> data = map.getData() == null ? Map.of() : map.getData();
    if (checkpointWakes) {
      return data;
    }
    Map<String, String> kept = new HashMap<>();
    data.forEach(
        (key, value) -> {
          if (!key.startsWith(KubernetesHaLayout.CHECKPOINT_KEY_PREFIX)
              && !key.equals(KubernetesHaLayout.CHECKPOINT_COUNTER_KEY)) {
            kept.put(key, value);
          }
        });
    return kept;
  }

  /** The annotations, with the lock's record reduced to its holder. */
  private static Map<String, String> annotations(ConfigMap map) {
    Map<String, String> annotations = map.getMetadata().getAnnotations();
    if (annotations == null || !annotations.containsKey(KubernetesHaLayout.LOCK_ANNOTATION)) {
      return annotations == null ? Map.of() : annotations;
    }
    Map<String, String> kept = new HashMap<>(annotations);
    kept.put(
        KubernetesHaLayout.LOCK_ANNOTATION,
        holder(annotations.get(KubernetesHaLayout.LOCK_ANNOTATION)));
    return kept;
  }

  /** The lock's holder; a record that cannot be read is kept whole, so any change of it wakes. */
  private static String holder(String record) {
    try {
      var node = JSON.readTree(record);
      return node != null && node.has("holderIdentity")
          ? "holder:" + node.get("holderIdentity").asText()
          : record;
    } catch (java.io.IOException | RuntimeException e) {
      return record;
    }
  }
}
