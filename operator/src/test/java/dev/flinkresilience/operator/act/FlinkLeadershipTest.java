package dev.flinkresilience.operator.act;

import static org.assertj.core.api.Assertions.assertThat;

import dev.flinkresilience.operator.observe.ha.KubernetesHaLayout;
import io.fabric8.kubernetes.api.model.ConfigMap;
import io.fabric8.kubernetes.api.model.ConfigMapBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.server.mock.EnableKubernetesMockClient;
import io.fabric8.kubernetes.client.server.mock.KubernetesMockServer;
import java.time.Duration;
import java.time.Instant;
import org.junit.jupiter.api.Test;

/**
 * Releasing Flink's leader lock against the fabric8 mock API server, with the ConfigMap laid out as
 * Flink 2.3 writes it: the lock record in an annotation, each component's leader in the data.
 */
@EnableKubernetesMockClient(crud = true)
class FlinkLeadershipTest {
  private static final Duration RETRY = Duration.ofSeconds(5);

  KubernetesClient client;
  KubernetesMockServer server;

  @Test
  void releasesTheLockOfTheReleasedJobManager() {
    lock("10.0.0.5", Instant.now().minusSeconds(12));

    assertThat(new FlinkLeadership(client).handOver("streaming", "orders", "10.0.0.5", RETRY, null))
        .isTrue();

    String record = annotation();
    assertThat(record).contains("\"holderIdentity\":\"\"");
    assertThat(record).as("the rest of the record is kept").contains("\"leaderTransitions\":3");
  }

  @Test
  void leavesALiveOrForeignLockAlone() {
    lock("10.0.0.6", Instant.now().minusSeconds(12));
    assertThat(new FlinkLeadership(client).handOver("streaming", "orders", "10.0.0.5", RETRY, null))
        .as("another JobManager leads")
        .isFalse();
    assertThat(annotation()).contains("\"holderIdentity\":\"69a78e34");

    lock("10.0.0.5", Instant.now().minusSeconds(2));
    assertThat(new FlinkLeadership(client).handOver("streaming", "orders", "10.0.0.5", RETRY, null))
        .as("renewed 2 s ago")
        .isFalse();
    assertThat(annotation()).contains("\"holderIdentity\":\"69a78e34");
  }

  @Test
  void noConfigMapIsNoHandoverAndNoError() {
    assertThat(new FlinkLeadership(client).handOver("streaming", "orders", "10.0.0.5", RETRY, null))
        .isFalse();
  }

  @Test
  void decidesOnTheCachedConfigMapWithoutReadingIt() {
    lock("10.0.0.5", Instant.now().minusSeconds(12));
    ConfigMap cached = configMap();
    int before = server.getRequestCount();

    assertThat(
            new FlinkLeadership(client).handOver("streaming", "orders", "10.0.0.5", RETRY, cached))
        .isTrue();

    assertThat(server.getRequestCount() - before).as("the write only").isEqualTo(1);
    assertThat(annotation()).contains("\"holderIdentity\":\"\"");
    assertThat(cached.getMetadata().getAnnotations().get(KubernetesHaLayout.LOCK_ANNOTATION))
        .as("the informer's object is left as it was")
        .contains("\"holderIdentity\":\"69a78e34");
  }

  @Test
  void aCacheBehindTheServerIsDecidedAgainOnAFreshRead() {
    lock("10.0.0.5", Instant.now().minusSeconds(12));
    ConfigMap stale = configMap();
    lock("10.0.0.5", Instant.now().minusSeconds(1));
    assertThat(
            new FlinkLeadership(client).handOver("streaming", "orders", "10.0.0.5", RETRY, stale))
        .as("the holder renewed after the cache's copy: alive, left alone")
        .isFalse();
    assertThat(annotation()).contains("\"holderIdentity\":\"69a78e34");

    lock("10.0.0.5", Instant.now().minusSeconds(12));
    stale = configMap();
    lock("10.0.0.5", Instant.now().minusSeconds(14)); // written again, the holder as dead
    assertThat(
            new FlinkLeadership(client).handOver("streaming", "orders", "10.0.0.5", RETRY, stale))
        .as("the write from the cache conflicts; the fresh read still shows a dead holder")
        .isTrue();
    assertThat(annotation()).contains("\"holderIdentity\":\"\"");
  }

  private ConfigMap configMap() {
    return client.configMaps().inNamespace("streaming").withName("orders-cluster-config-map").get();
  }

  private void lock(String leaderIp, Instant renewed) {
    client
        .configMaps()
        .inNamespace("streaming")
        .resource(
            new ConfigMapBuilder()
                .withNewMetadata()
                .withName("orders-cluster-config-map")
                .withNamespace("streaming")
                .addToAnnotations(
                    KubernetesHaLayout.LOCK_ANNOTATION,
                    "{\"holderIdentity\":\"69a78e34-28a2-4d41-82c2-ec33fa1fe14b\","
                        + "\"leaseDuration\":\"PT15S\",\"acquireTime\":\"2026-12-05T17:46:16.823144Z\","
                        + "\"renewTime\":\""
                        + renewed
                        + "\",\"leaderTransitions\":3}")
                .endMetadata()
                .addToData(
                    "org.apache.flink.k8s.leader.restserver",
                    "95731748-2eb1-4b3d-be9e-7206bed5f72c,http://" + leaderIp + ":8081")
                .build())
        .createOr(r -> r.update());
  }

  private String annotation() {
    return client
        .configMaps()
        .inNamespace("streaming")
        .withName("orders-cluster-config-map")
        .get()
        .getMetadata()
        .getAnnotations()
        .get(KubernetesHaLayout.LOCK_ANNOTATION);
  }
}
