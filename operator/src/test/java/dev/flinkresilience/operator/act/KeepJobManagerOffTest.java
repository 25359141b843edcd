package dev.flinkresilience.operator.act;

import static org.assertj.core.api.Assertions.assertThat;

import io.fabric8.kubernetes.api.model.OwnerReferenceBuilder;
import io.fabric8.kubernetes.api.model.apps.Deployment;
import io.fabric8.kubernetes.api.model.apps.DeploymentBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.server.mock.EnableKubernetesMockClient;
import io.fabric8.kubernetes.client.server.mock.KubernetesMockServer;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * Keeping the JobManager Deployment off a lost node writes from the informer's copy when it has
 * one, and reads the API server only when that copy is behind (the mock API server answers a write
 * with an old resourceVersion with 409, as the real one does).
 */
@EnableKubernetesMockClient(crud = true)
class KeepJobManagerOffTest {
  private static final String NS = "streaming";
  private static final String NAME = "orders";
  private static final String UID = "uid-orders";

  KubernetesClient client;
  KubernetesMockServer server;

  @Test
  void writesFromTheCachedCopyWithoutReadingTheServer() {
    create();
    Deployment cached = live();
    int before = server.getRequestCount();

    new ClusterActions(client).keepJobManagerOff(NS, NAME, UID, "node-a", cached);

    assertThat(server.getRequestCount() - before).as("the write only").isEqualTo(1);
    assertThat(avoided(live())).containsExactly("node-a");
    assertThat(cached.getSpec().getTemplate().getSpec().getAffinity())
        .as("the informer's object is left as it was")
        .isNull();
  }

  @Test
  void aCachedCopyBehindTheServerIsReadAgainAndNothingOfTheServersIsLost() {
    create();
    Deployment stale = live();
    client
        .apps()
        .deployments()
        .inNamespace(NS)
        .withName(NAME)
        .edit(
            d ->
                new DeploymentBuilder(d)
                    .editMetadata()
                    .addToLabels("team", "a")
                    .endMetadata()
                    .build());

    new ClusterActions(client).keepJobManagerOff(NS, NAME, UID, "node-a", stale);

    Deployment live = live();
    assertThat(avoided(live)).containsExactly("node-a");
    assertThat(live.getMetadata().getLabels()).containsEntry("team", "a");
  }

  @Test
  void withoutACachedCopyTheServerIsRead() {
    create();

    new ClusterActions(client).keepJobManagerOff(NS, NAME, UID, "node-a", null);

    assertThat(avoided(live())).containsExactly("node-a");
  }

  @Test
  void aCachedCopyAlreadyKeptOffWritesNothing() {
    create();
    new ClusterActions(client).keepJobManagerOff(NS, NAME, UID, "node-a", null);
    Deployment cached = live();
    int before = server.getRequestCount();

    new ClusterActions(client).keepJobManagerOff(NS, NAME, UID, "node-a", cached);

    assertThat(server.getRequestCount() - before).isZero();
  }

  private void create() {
    client
        .resource(
            new DeploymentBuilder()
                .withNewMetadata()
                .withName(NAME)
                .withNamespace(NS)
                .withOwnerReferences(
                    new OwnerReferenceBuilder()
                        .withApiVersion("flinkresilience.dev/v1alpha1")
                        .withKind("FlinkResilientJob")
                        .withName(NAME)
                        .withUid(UID)
                        .build())
                .endMetadata()
                .withNewSpec()
                .withReplicas(1)
                .withNewTemplate()
                .withNewSpec()
                .endSpec()
                .endTemplate()
                .endSpec()
                .build())
        .create();
  }

  private Deployment live() {
    return client.apps().deployments().inNamespace(NS).withName(NAME).get();
  }

  private static List<String> avoided(Deployment d) {
    var affinity = d.getSpec().getTemplate().getSpec().getAffinity();
    if (affinity == null) {
      return List.of();
    }
    return affinity
        .getNodeAffinity()
        .getRequiredDuringSchedulingIgnoredDuringExecution()
        .getNodeSelectorTerms()
        .get(0)
        .getMatchExpressions()
        .stream()
        .filter(e -> "NotIn".equals(e.getOperator()))
        .flatMap(e -> e.getValues().stream())
        .toList();
  }
}
