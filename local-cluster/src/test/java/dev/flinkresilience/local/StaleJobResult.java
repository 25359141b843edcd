package dev.flinkresilience.local;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import dev.flinkresilience.local.storage.StorageLayout;
import io.fabric8.kubernetes.api.model.ConfigMap;
import io.fabric8.kubernetes.client.KubernetesClient;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.Iterator;
import java.util.Map;

/**
 * Leaves in a running cluster's job result store what Flink leaves there when its cleanup of a
 * finished job is cut short (the cluster torn down right after a stop-with-savepoint): a result
 * still marked dirty, here of a job of another application. Flink 2.3's dispatcher then refuses to
 * start in any later cluster that reads the same store. The path is the one the running JobManager
 * was given, read from its mounted configuration, or Flink's default; on S3, written as the file
 * S3Proxy's filesystem backend serves as the object.
 */
final class StaleJobResult {
  private static final ObjectMapper YAML = new ObjectMapper(new YAMLFactory());
  private static final String FOREIGN_JOB = "5ca1ab1e5ca1ab1e5ca1ab1e5ca1ab1e";

  private StaleJobResult() {}

  /** The file written, in the store of {@code clusterId}'s current configuration. */
  static Path plant(
      KubernetesClient client, String namespace, String clusterId, StorageLayout storage)
      throws Exception {
    Map<String, String> config = configuration(client, namespace, clusterId);
    String store = config.get("job-result-store.storage-path");
    if (store == null) { // Flink's default
      store =
          config.get("high-availability.storageDir").replaceAll("/+$", "")
              + "/job-result-store"
              + config.get("high-availability.cluster-id");
    }
    // On S3, the file S3Proxy's filesystem backend serves as the object.
    Path dir = storage.local(store);
    Files.createDirectories(dir);
    long now = System.currentTimeMillis();
    Path file = dir.resolve(FOREIGN_JOB + "_DIRTY.json");
    Files.writeString(
        file,
        "{\"result\":{\"id\":\""
            + FOREIGN_JOB
            + "\",\"name\":\"sequence\",\"application-status\":\"SUCCEEDED\","
            + "\"accumulator-results\":{},\"net-runtime\":1000,\"application-id\":\""
            + FOREIGN_JOB
            + "\",\"start-time\":"
            + (now - 1000)
            + ",\"end-time\":"
            + now
            + "},\"version\":1}");
    return file;
  }

  /** Flink's configuration as mounted into the JobManager, flattened to its dotted keys. */
  private static Map<String, String> configuration(
      KubernetesClient client, String namespace, String clusterId) throws Exception {
    ConfigMap cm =
        client.configMaps().inNamespace(namespace).withName("flink-config-" + clusterId).get();
    if (cm == null || cm.getData() == null || !cm.getData().containsKey("config.yaml")) {
      throw new IllegalStateException("no flink-config-" + clusterId + " with config.yaml");
    }
    Map<String, String> flat = new HashMap<>();
    flatten("", YAML.readTree(cm.getData().get("config.yaml")), flat);
    return flat;
  }

  private static void flatten(String prefix, JsonNode node, Map<String, String> into) {
    if (node.isObject()) {
      for (Iterator<Map.Entry<String, JsonNode>> it = node.fields(); it.hasNext(); ) {
        var e = it.next();
        flatten(prefix.isEmpty() ? e.getKey() : prefix + "." + e.getKey(), e.getValue(), into);
      }
    } else {
      into.put(prefix, node.isTextual() ? node.textValue() : node.toString());
    }
  }
}
