package dev.flinkresilience.operator.act;

import static org.assertj.core.api.Assertions.assertThat;

import dev.flinkresilience.operator.decide.NodeView;
import dev.flinkresilience.operator.observe.NodeWatch;
import dev.flinkresilience.operator.testing.Kubelet;
import io.fabric8.kubernetes.api.model.Node;
import io.fabric8.kubernetes.api.model.NodeBuilder;
import io.fabric8.kubernetes.api.model.Taint;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.server.mock.EnableKubernetesMockClient;
import io.fabric8.kubernetes.client.server.mock.KubernetesMockServer;
import java.net.HttpURLConnection;
import java.time.Clock;
import java.time.Duration;
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
    Node node =
        new NodeBuilder()
            .withNewMetadata()
            .withName(name)
            .endMetadata()
            .withNewSpec()
            .addNewTaint()
            .withKey("example.com/dedicated")
            .withValue("flink")
            .withEffect("NoSchedule")
            .endTaint()
            .endSpec()
            .withNewStatus()
            .addNewCondition()
            .withType("Ready")
            .withStatus("True")
            .endCondition()
            .endStatus()
            .build();
    client.nodes().resource(node).create();
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
