package dev.flinkresilience.operator.model;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.fabric8.kubernetes.api.model.HasMetadata;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The allow-list of objects taken from Flink's factory. The rendered configuration keeps Flink's
 * Kerberos decorator off; here it is switched on directly, as a future Flink default or a key that
 * slipped through would, to show the fence behind it holds.
 */
class FlinkObjectsTest {

  @Test
  void aDecoratorThatShipsAnOperatorFileIsRefused(@TempDir Path dir) throws Exception {
    Path krb5 = Files.writeString(dir.resolve("krb5.conf"), "operator's krb5.conf");
    Map<String, String> config = new TreeMap<>(baseConfig());
    config.put("kubernetes.decorator.kerberos-mount.enabled", "true");
    config.put("security.kerberos.krb5-conf.path", krb5.toString());

    List<HasMetadata> built = JobManagerFactory.build(config, null, null);

    assertThat(built)
        .extracting(o -> o.getKind() + "/" + o.getMetadata().getName())
        .contains("ConfigMap/kerberos-krb5conf-orders");
    assertThatThrownBy(() -> FlinkObjects.expected("orders", built))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("ConfigMap kerberos-krb5conf-orders");
  }

  @Test
  void theJobManagersOwnObjectsPass() {
    List<HasMetadata> built =
        JobManagerFactory.build(
            baseConfig(), null, Map.of("spec", Map.of("containers", List.of())));

    assertThat(FlinkObjects.expected("orders", built))
        .extracting(o -> o.getKind() + "/" + o.getMetadata().getName())
        .contains(
            "Deployment/orders",
            "Service/orders-rest",
            "ConfigMap/flink-config-orders",
            "ConfigMap/pod-template-orders");
  }

  private static Map<String, String> baseConfig() {
    return Map.of(
        "execution.target", "kubernetes-application",
        "kubernetes.cluster-id", "orders",
        "kubernetes.namespace", "streaming",
        "kubernetes.container.image.ref", "flink:2.3.0",
        "pipeline.jars", "local:///opt/flink/usrlib/orders.jar",
        "jobmanager.memory.process.size", "1600m",
        "taskmanager.memory.process.size", "2g");
  }
}
