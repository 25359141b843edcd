package dev.flinkresilience.local;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.flinkresilience.operator.act.ClusterActions;
import dev.flinkresilience.operator.act.ObjectNotOwned;
import io.fabric8.kubernetes.api.model.Service;
import io.fabric8.kubernetes.api.model.ServiceBuilder;
import io.fabric8.kubernetes.client.utils.Serialization;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * The operator's writes against the local cluster's control plane (the real API server when it is
 * built, as in CI): what the in-process mock accepts and a real API server refuses.
 */
class ClusterActionsOnTheControlPlaneTest {
  private static final String JOB_UID = "6a1c2f34-0000-4000-8000-000000000001";
  private static final String OTHER_UID = "6a1c2f34-0000-4000-8000-000000000002";

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
      actions.apply(List.of(service("v1", JOB_UID)));
      Service first =
          cluster.client().services().inNamespace("apply").withName("orders-rest").get();

      actions.apply(List.of(service("v2", JOB_UID)));

      Service second =
          cluster.client().services().inNamespace("apply").withName("orders-rest").get();
      assertThat(second.getMetadata().getLabels()).containsEntry("version", "v2");
      assertThat(second.getSpec().getClusterIP()).isEqualTo(first.getSpec().getClusterIP());
      System.out.println(
          cluster.controlPlane().kind() + ": cluster IP " + second.getSpec().getClusterIP());
    }
  }

  /**
   * A Service of the cluster's name held by someone else (here another job's) is refused and left
   * exactly as the API server holds it, resourceVersion and all.
   */
  @Test
  void aServiceOwnedBySomeoneElseIsRefusedAndLeftUnchanged() {
    try (LocalCluster cluster = LocalCluster.start(LocalCluster.Settings.defaults())) {
      cluster.ensureNamespace("apply");
      var services = cluster.client().services().inNamespace("apply");
      Service foreign = services.resource(service("theirs", OTHER_UID)).create();
      String before = Serialization.asJson(foreign);

      assertThatThrownBy(
              () -> new ClusterActions(cluster.client()).apply(List.of(service("v1", JOB_UID))))
          .isInstanceOfSatisfying(
              ObjectNotOwned.class,
              e ->
                  assertThat(e.taken())
                      .extracting(Object::toString)
                      .containsExactly(
                          "Service apply/orders-rest (owned by FlinkResilientJob payments)"));

      assertThat(Serialization.asJson(services.withName("orders-rest").get())).isEqualTo(before);
    }
  }

  /**
   * Owned as the operator owns what it applies: by a FlinkResilientJob. No such CRD is installed
   * here, so neither garbage collector (the real one, or the fallback's) takes an owner it cannot
   * look up for gone.
   */
  private static Service service(String version, String ownerUid) {
    return new ServiceBuilder()
        .withNewMetadata()
        .withName("orders-rest")
        .withNamespace("apply")
        .withLabels(Map.of("version", version))
        .addNewOwnerReference()
        .withApiVersion("flinkresilience.dev/v1alpha1")
        .withKind("FlinkResilientJob")
        .withName(JOB_UID.equals(ownerUid) ? "orders" : "payments")
        .withUid(ownerUid)
        .withController(true)
        .endOwnerReference()
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
