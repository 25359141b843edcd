package dev.flinkresilience.operator.act;

import static org.assertj.core.api.Assertions.assertThat;

import dev.flinkresilience.operator.observe.ha.KubernetesHaLayout;
import io.fabric8.kubernetes.api.model.ConfigMap;
import io.fabric8.kubernetes.api.model.ConfigMapBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.server.mock.EnableKubernetesMockClient;
import java.util.HashMap;
import java.util.Map;
import org.apache.flink.kubernetes.utils.KubernetesUtils;
import org.junit.jupiter.api.Test;

/**
 * HA cleanup on deletion against the fabric8 mock API server, with ConfigMaps labelled as Flink 2
 * labels them ({@code KubernetesUtils.getConfigMapLabels}: no {@code configmap-type} any more) and
 * as Flink 1.20 did.
 */
@EnableKubernetesMockClient(crud = true)
class HaMetadataCleanerKubernetesTest {
  KubernetesClient client;

  @Test
  void deletesTheHaConfigMapsOfThisClusterOnly() {
    create("orders-cluster-config-map", KubernetesUtils.getConfigMapLabels("orders"));
    create("orders-00000000000000000000000000000042-config-map", flink1Labels("orders"));
    create("flink-config-orders", KubernetesUtils.getConfigMapLabels("orders"));
    create("orders-2-cluster-config-map", KubernetesUtils.getConfigMapLabels("orders-2"));

    new HaMetadataCleaner(client).deleteKubernetesHa("streaming", "orders");

    assertThat(client.configMaps().inNamespace("streaming").list().getItems())
        .extracting(cm -> cm.getMetadata().getName())
        .containsExactlyInAnyOrder("flink-config-orders", "orders-2-cluster-config-map");
  }

  @Test
  void beforeANewJobKeepsOnlyTheStoppedJobsCheckpointPointers() {
    create("orders-cluster-config-map", KubernetesUtils.getConfigMapLabels("orders"));
    create(
        "orders-00000000000000000000000000000042-config-map",
        KubernetesUtils.getConfigMapLabels("orders"));
    create(
        "orders-00000000000000000000000000000041-config-map",
        KubernetesUtils.getConfigMapLabels("orders"));
    create("flink-config-orders", KubernetesUtils.getConfigMapLabels("orders"));

    new HaMetadataCleaner(client)
        .clearKubernetesHaForNewJob("streaming", "orders", "00000000000000000000000000000042");

    assertThat(client.configMaps().inNamespace("streaming").list().getItems())
        .extracting(cm -> cm.getMetadata().getName())
        .containsExactlyInAnyOrder(
            "orders-00000000000000000000000000000042-config-map", "flink-config-orders");
  }

  private static Map<String, String> flink1Labels(String clusterId) {
    Map<String, String> labels = new HashMap<>(KubernetesHaLayout.labels(clusterId));
    labels.put(KubernetesHaLayout.LEGACY_CONFIGMAP_TYPE_LABEL, "high-availability");
    return labels;
  }

  private void create(String name, Map<String, String> labels) {
    ConfigMap cm =
        new ConfigMapBuilder()
            .withNewMetadata()
            .withName(name)
            .withNamespace("streaming")
            .withLabels(labels)
            .endMetadata()
            .build();
    client.configMaps().inNamespace("streaming").resource(cm).create();
  }
}
