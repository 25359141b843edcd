package dev.flinkresilience.operator.act;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.flinkresilience.operator.decide.NodeView;
import dev.flinkresilience.operator.observe.NodeWatch;
import dev.flinkresilience.operator.testing.Kubelet;
import dev.flinkresilience.operator.testing.MovableClock;
import dev.flinkresilience.operator.testing.Nodes;
import io.fabric8.kubernetes.api.model.Node;
import io.fabric8.kubernetes.api.model.NodeBuilder;
import io.fabric8.kubernetes.api.model.Taint;
import io.fabric8.kubernetes.api.model.TaintBuilder;
import io.fabric8.kubernetes.client.ConfigBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientBuilder;
import io.fabric8.kubernetes.client.KubernetesClientException;
import io.fabric8.kubernetes.client.server.mock.EnableKubernetesMockClient;
import io.fabric8.kubernetes.client.server.mock.KubernetesMockServer;
import java.net.HttpURLConnection;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * The taint on a lost node against the fabric8 mock API server: written once, beside the taints
 * already there, seen by the node watch, and lifted only once the node's Lease is renewed after it.
 */
@EnableKubernetesMockClient(crud = true)
class LostNodeTaintsTest {
  KubernetesClient client;
  KubernetesMockServer server;
  NodeWatch watch;

  @AfterEach
  void close() {
    if (watch != null) {
      watch.close();
    }
  }

  @Test
  void aLostNodeIsTaintedBesideItsOtherTaintsAndOnlyOnce() {
    createNode("node-a");
    LostNodeTaints taints = new LostNodeTaints(client, true, Clock.systemUTC());

    assertThat(taints.taint("node-a")).isTrue();
    assertThat(taints.taint("node-a")).as("already there").isTrue();

    assertThat(taintKeys("node-a")).containsExactly("example.com/dedicated", NodeView.LOST_TAINT);
    Taint ours = taint("node-a", NodeView.LOST_TAINT);
    assertThat(ours.getEffect()).as("nothing evicted: only scheduling").isEqualTo("NoSchedule");
    assertThat(taints.taint("node-gone")).as("a deleted node takes no pods").isTrue();
  }

  @Test
  void theTaintJustWrittenCountsForEveryJobBeforeTheInformerShowsIt() {
    createNode("node-a");
    LostNodeTaints taints = new LostNodeTaints(client, true, Clock.systemUTC());
    var views =
        Map.of(
            "node-a", new NodeView("node-a", null, "True", false, false),
            "node-b", new NodeView("node-b", null, "True", false, false));
    assertThat(taints.overlay(views).get("node-a").lostTaint()).isFalse();

    taints.taint("node-a");

    assertThat(taints.overlay(views).get("node-a").lostTaint()).isTrue();
    assertThat(taints.overlay(views).get("node-b").lostTaint()).isFalse();
    taints.lift("node-a");
    assertThat(taints.overlay(views).get("node-a").lostTaint()).isFalse();
  }

  @Test
  void aRefusalTurnsTheTaintOffSoThePlannerKeepsDeploymentsOffInstead() {
    server
        .expect()
        .get()
        .withPath("/api/v1/nodes/node-a")
        .andReturn(
            HttpURLConnection.HTTP_FORBIDDEN,
            new io.fabric8.kubernetes.api.model.StatusBuilder()
                .withCode(403)
                .withMessage("nodes \"node-a\" is forbidden")
                .build())
        .always();
    LostNodeTaints taints = new LostNodeTaints(client, true, Clock.systemUTC());
    assertThat(taints.available()).isTrue();

    assertThat(taints.taint("node-a")).isFalse();

    assertThat(taints.available()).isFalse();
    assertThat(taints.taint("node-b")).as("not tried again").isFalse();
    assertThat(new LostNodeTaints(client, false, Clock.systemUTC()).available())
        .as("off by setting")
        .isFalse();
  }

  /**
   * Another writer (the node lifecycle controller, an administrator) changes the Node between the
   * read and the write: the write's resourceVersion test fails, the Node is read again, and the
   * other writer's taint is kept beside ours.
   */
  @Test
  void aNodeChangedBetweenTheReadAndTheWriteIsReadAgainAndItsNewTaintKept() {
    createNode("node-a");
    Node stale = client.nodes().withName("node-a").get();
    client
        .nodes()
        .withName("node-a")
        .edit(
            n ->
                new NodeBuilder(n)
                    .editSpec()
                    .addNewTaint()
                    .withKey("node.kubernetes.io/unreachable")
                    .withEffect("NoSchedule")
                    .endTaint()
                    .endSpec()
                    .build());
    // The read returns the Node as it was, and the write's test of its resourceVersion fails as
    // on a real API server (422; the mock would hang on a failed test, so it is answered here).
    server.expect().get().withPath("/api/v1/nodes/node-a").andReturn(200, stale).once();
    server
        .expect()
        .patch()
        .withPath("/api/v1/nodes/node-a")
        .andReturn(
            422,
            new io.fabric8.kubernetes.api.model.StatusBuilder()
                .withCode(422)
                .withMessage("testing value /metadata/resourceVersion failed")
                .build())
        .once();
    LostNodeTaints taints = new LostNodeTaints(client, true, Clock.systemUTC());

    assertThat(taints.taint("node-a")).isTrue();

    assertThat(taintKeys("node-a"))
        .containsExactly(
            "example.com/dedicated", "node.kubernetes.io/unreachable", NodeView.LOST_TAINT);
  }

  /**
   * The API server failing the write: the pass's retry tries again (the failure is thrown) for
   * {@link LostNodeTaints#GIVE_UP_AFTER}; then the node's jobs are released without the taint (the
   * planner keeps their Deployments off the node) and the taint is tried again after {@link
   * LostNodeTaints#KEEP_OFF_FOR}. Other nodes are not affected, and a success forgets the failures.
   */
  @Test
  void aTaintThatKeepsFailingIsRetriedThenGivenUpForTheKeepOffForAWhile() {
    createNode("node-a");
    createNode("node-b");
    server
        .expect()
        .patch()
        .withPath("/api/v1/nodes/node-a")
        .andReturn(
            HttpURLConnection.HTTP_INTERNAL_ERROR,
            new io.fabric8.kubernetes.api.model.StatusBuilder()
                .withCode(500)
                .withMessage("etcdserver: request timed out")
                .build())
        .times(3);
    MovableClock clock = new MovableClock(Instant.parse("2026-12-07T10:00:00Z"));
    KubernetesClient once = withoutClientRetries();
    LostNodeTaints taints = new LostNodeTaints(once, true, clock);

    assertThatThrownBy(() -> taints.taint("node-a"))
        .as("the first failure: for the pass's retry")
        .isInstanceOf(KubernetesClientException.class);
    clock.advance(LostNodeTaints.GIVE_UP_AFTER.minusSeconds(1));
    assertThatThrownBy(() -> taints.taint("node-a")).isInstanceOf(KubernetesClientException.class);
    assertThat(taints.mayTaint(List.of("node-a"))).isTrue();

    clock.advance(Duration.ofSeconds(1));
    assertThat(taints.taint("node-a")).as("failing for GIVE_UP_AFTER: given up").isFalse();
    assertThat(taints.mayTaint(List.of("node-a"))).isFalse();
    assertThat(taints.mayTaint(List.of("node-b", "node-a"))).isFalse();
    assertThat(taints.mayTaint(List.of("node-b"))).isTrue();
    assertThat(taints.available()).as("not a refusal: the other nodes are tainted").isTrue();
    assertThat(taints.taint("node-b")).isTrue();
    assertThat(taintKeys("node-a")).doesNotContain(NodeView.LOST_TAINT);

    clock.advance(LostNodeTaints.KEEP_OFF_FOR);
    assertThat(taints.mayTaint(List.of("node-a"))).as("tried again").isTrue();
    assertThat(taints.taint("node-a")).as("the API server answers again").isTrue();
    assertThat(taintKeys("node-a")).contains(NodeView.LOST_TAINT);
    once.close();
  }

  @Test
  void aNodeThatChangesUnderEveryTryIsAFailureForThePassToRetry() {
    createNode("node-a");
    server
        .expect()
        .patch()
        .withPath("/api/v1/nodes/node-a")
        .andReturn(
            HttpURLConnection.HTTP_CONFLICT,
            new io.fabric8.kubernetes.api.model.StatusBuilder()
                .withCode(409)
                .withReason("Conflict")
                .build())
        .always();
    LostNodeTaints taints = new LostNodeTaints(client, true, Clock.systemUTC());

    assertThatThrownBy(() -> taints.taint("node-a"))
        .isInstanceOf(IllegalStateException.class)
        .hasMessageContaining("changed under 3 tries");
    assertThat(taints.available()).isTrue();
    assertThat(taints.overlay(Map.of("node-a", new NodeView("node-a", null, "True", false, false))))
        .as("nothing counts as placed")
        .allSatisfy((n, v) -> assertThat(v.lostTaint()).isFalse());
  }

  @Test
  void theTaintIsLiftedOnceTheLeaseIsRenewedAfterItAndNotBefore() throws Exception {
    createNode("node-a");
    createNode("node-b");
    Kubelet.writeLease(client, "node-a");
    Kubelet.writeLease(client, "node-b");
    watch = new NodeWatch(client, Clock.systemUTC(), Duration.ofMillis(100));
    watch.setEventHandler(e -> {});
    watch.start();
    LostNodeTaints taints = new LostNodeTaints(client, true, Clock.systemUTC());

    // node-b renews, then is tainted: a renewal from before the taint does not lift it.
    Thread.sleep(50);
    Kubelet.writeLease(client, "node-b");
    Thread.sleep(200);
    taints.taint("node-a");
    taints.taint("node-b");
    awaitView("node-a", true);
    awaitView("node-b", true);
    assertThat(watch.taintedButAlive(Duration.ofSeconds(15))).isEmpty();

    taints.liftWhileRunning(
        () -> watch.taintedButAlive(Duration.ofSeconds(15)), Duration.ofMillis(100));
    Thread.sleep(500);
    assertThat(taintKeys("node-a")).contains(NodeView.LOST_TAINT);

    // node-a's kubelet is back: the taint goes; node-b, still silent, keeps it.
    Kubelet.writeLease(client, "node-a");
    awaitView("node-a", false);
    assertThat(taintKeys("node-a")).containsExactly("example.com/dedicated");
    assertThat(taintKeys("node-b")).contains(NodeView.LOST_TAINT);
    taints.close();
  }

  /**
   * The client retries a 5xx answer by itself (ten times, about 19 s): off here, so each call meets
   * one answer of the failing API server.
   */
  private KubernetesClient withoutClientRetries() {
    return new KubernetesClientBuilder()
        .withConfig(
            new ConfigBuilder(client.getConfiguration()).withRequestRetryBackoffLimit(0).build())
        .build();
  }

  private void awaitView(String node, boolean tainted) throws InterruptedException {
    long deadline = System.nanoTime() + 5_000_000_000L;
    while (System.nanoTime() < deadline) {
      NodeView view = watch.views(List.of(node)).get(node);
      if (view != null && view.lostTaint() == tainted) {
        return;
      }
      Thread.sleep(50);
    }
    throw new AssertionError(node + " not seen " + (tainted ? "tainted" : "untainted"));
  }

  private void createNode(String name) {
    Taint dedicated =
        new TaintBuilder()
            .withKey("example.com/dedicated")
            .withValue("flink")
            .withEffect("NoSchedule")
            .build();
    client.nodes().resource(Nodes.node(name, "True", dedicated)).create();
  }

  private List<String> taintKeys(String node) {
    return client.nodes().withName(node).get().getSpec().getTaints().stream()
        .map(Taint::getKey)
        .toList();
  }

  private Taint taint(String node, String key) {
    return client.nodes().withName(node).get().getSpec().getTaints().stream()
        .filter(t -> key.equals(t.getKey()))
        .findFirst()
        .orElseThrow();
  }
}
