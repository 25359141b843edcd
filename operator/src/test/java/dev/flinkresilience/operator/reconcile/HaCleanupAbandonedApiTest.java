package dev.flinkresilience.operator.reconcile;

import static org.assertj.core.api.Assertions.assertThat;

import dev.flinkresilience.operator.api.v1alpha1.FlinkResilientJob;
import dev.flinkresilience.operator.api.v1alpha1.HighAvailabilityType;
import dev.flinkresilience.operator.api.v1alpha1.ZooKeeperSpec;
import dev.flinkresilience.operator.app.OperatorSettings;
import dev.flinkresilience.operator.decide.HaCleanupDeadline;
import dev.flinkresilience.operator.testing.Jobs;
import dev.flinkresilience.operator.testing.OperatorHarness;
import dev.flinkresilience.operator.testing.ShiftedClock;
import io.fabric8.kubernetes.api.model.Event;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.server.mock.EnableKubernetesMockClient;
import java.net.ServerSocket;
import java.time.Duration;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * A deleted job whose ZooKeeper cannot be reached keeps its finalizer only for a bounded time: the
 * operator retries, says why in status, and after {@link HaCleanupDeadline#GIVE_UP_AFTER} since the
 * deletion request lets the resource go with a Warning event naming the ZooKeeper path left behind.
 * The operator's clock is moved past the bound instead of waiting five minutes.
 */
@EnableKubernetesMockClient(crud = true)
class HaCleanupAbandonedApiTest {
  private static final String NS = "streaming";
  private static final String NAME = "orders";

  KubernetesClient client;
  private final ShiftedClock clock = new ShiftedClock();
  private OperatorHarness operator;

  @BeforeEach
  void startOperator() {
    operator = OperatorHarness.start(client, OperatorSettings.allNamespaces(), clock);
  }

  @AfterEach
  void stopOperator() {
    operator.close();
  }

  @Test
  void anUnreachableZooKeeperHoldsTheFinalizerOnlyUntilTheBound() throws Exception {
    String nobody;
    try (ServerSocket closed = new ServerSocket(0)) {
      nobody = "127.0.0.1:" + closed.getLocalPort();
    }
    var job = Jobs.job(NS, NAME);
    var ha = job.getSpec().getHighAvailability();
    ha.setType(HighAvailabilityType.ZOOKEEPER);
    ha.setStorageDir("file:///tmp/ha");
    var zk = new ZooKeeperSpec();
    zk.setQuorum(nobody);
    ha.setZookeeper(zk);
    client.resources(FlinkResilientJob.class).inNamespace(NS).resource(job).create();
    operator.await(
        "JobManager Deployment",
        () -> client.apps().deployments().inNamespace(NS).withName(NAME).get() != null);

    client.resources(FlinkResilientJob.class).inNamespace(NS).withName(NAME).delete();

    FlinkResilientJob retrying =
        operator.awaitJob(
            NS,
            NAME,
            "a failed HA cleanup reported in status",
            j ->
                j.getStatus() != null
                    && String.valueOf(j.getStatus().getMessage()).contains("retrying until"));
    assertThat(retrying.getMetadata().getDeletionTimestamp()).isNotNull();
    assertThat(retrying.getStatus().getMessage())
        .contains("/flink/streaming/orders")
        .contains(nobody);
    assertThat(reasons()).doesNotContain("HaCleanupAbandoned", "ClusterDeleted");

    clock.shift(HaCleanupDeadline.GIVE_UP_AFTER.plus(Duration.ofSeconds(1)));

    operator.await("resource gone", () -> operator.get(NS, NAME) == null);
    Event abandoned =
        operator.events(NS, NAME).stream()
            .filter(e -> "HaCleanupAbandoned".equals(e.getReason()))
            .findFirst()
            .orElseThrow(() -> new AssertionError("no HaCleanupAbandoned event: " + reasons()));
    assertThat(abandoned.getType()).isEqualTo("Warning");
    assertThat(abandoned.getMessage()).contains("/flink/streaming/orders").contains(nobody);
    assertThat(reasons()).doesNotContain("ClusterDeleted");
  }

  private java.util.List<String> reasons() {
    return operator.events(NS, NAME).stream().map(Event::getReason).toList();
  }
}
