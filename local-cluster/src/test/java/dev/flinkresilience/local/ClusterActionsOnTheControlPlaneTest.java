package dev.flinkresilience.local;

import static org.assertj.core.api.Assertions.assertThat;

import dev.flinkresilience.operator.act.ClusterActions;
import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.Service;
import io.fabric8.kubernetes.api.model.ServiceBuilder;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * The operator's writes against the local cluster's control plane (the real API server when it is
 * built, as in CI): what the in-process mock accepts and a real API server refuses.
 */
class ClusterActionsOnTheControlPlaneTest {

  /**
   * A Deploy over a Service still there (garbage collection of the old cluster lags, or Flink
   * removed its own Deployment first) must update it: a plain update without the cluster IP the API
   * server allocated is refused ("primary clusterIP can not be unset").
   */
  @Test
  void applyingOverAnExistingServiceKeepsItsClusterIp() {
    try (LocalCluster cluster = LocalCluster.start(LocalCluster.Settings.defaults())) {
      cluster.ensureNamespace("apply");
      ClusterActions actions = new ClusterActions(cluster.client());
      actions.apply(List.of(service("v1")));
      Service first =
          cluster.client().services().inNamespace("apply").withName("orders-rest").get();

      actions.apply(List.of(service("v2")));

      Service second =
          cluster.client().services().inNamespace("apply").withName("orders-rest").get();
      assertThat(second.getMetadata().getLabels()).containsEntry("version", "v2");
      assertThat(second.getSpec().getClusterIP()).isEqualTo(first.getSpec().getClusterIP());
      System.out.println(
          cluster.controlPlane().kind() + ": cluster IP " + second.getSpec().getClusterIP());
    }
  }

  private static HasMetadata service(String version) {
    return new ServiceBuilder()
        .withNewMetadata()
        .withName("orders-rest")
        .withNamespace("apply")
        .withLabels(Map.of("version", version))
        .endMetadata()
        .withNewSpec()
        .withType("ClusterIP")
        .withSelector(Map.of("app", "orders"))
        .addNewPort()
        .withName("rest")
        .withPort(8081)
        .endPort()
        .endSpec()
        .build();
  }
}
