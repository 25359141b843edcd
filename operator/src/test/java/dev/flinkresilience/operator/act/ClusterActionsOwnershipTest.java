package dev.flinkresilience.operator.act;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.flinkresilience.operator.decide.RestorePoint;
import dev.flinkresilience.operator.model.DeploymentStamp;
import dev.flinkresilience.operator.model.DesiredState;
import dev.flinkresilience.operator.model.Labels;
import dev.flinkresilience.operator.testing.Jobs;
import io.fabric8.kubernetes.api.model.ConfigMapBuilder;
import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.OwnerReference;
import io.fabric8.kubernetes.api.model.OwnerReferenceBuilder;
import io.fabric8.kubernetes.api.model.PodBuilder;
import io.fabric8.kubernetes.api.model.Service;
import io.fabric8.kubernetes.api.model.ServiceAccountBuilder;
import io.fabric8.kubernetes.api.model.ServiceBuilder;
import io.fabric8.kubernetes.api.model.apps.Deployment;
import io.fabric8.kubernetes.api.model.apps.DeploymentBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.server.mock.EnableKubernetesMockClient;
import io.fabric8.kubernetes.client.utils.Serialization;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * The operator creates objects, and updates or deletes only those whose ownerReferences hold the
 * job's uid: against the fabric8 mock API server, with the objects a deploy really applies.
 */
@EnableKubernetesMockClient(crud = true)
class ClusterActionsOwnershipTest {
  private static final String NS = "streaming";
  private static final String NAME = "orders";
  private static final String UID = "uid-orders";

  KubernetesClient client;

  /** A name of the cluster held first by someone else, owned by nobody or by another object. */
  static Stream<Arguments> foreignObjects() {
    List<OwnerReference> nobody = List.of();
    List<OwnerReference> otherJob = List.of(owner("FlinkResilientJob", "payments", "uid-payments"));
    return Stream.of(
        Arguments.of(service("orders-rest", nobody), "Service streaming/orders-rest (no owner)"),
        Arguments.of(
            service("orders-rest", otherJob),
            "Service streaming/orders-rest (owned by FlinkResilientJob payments)"),
        Arguments.of(
            new ConfigMapBuilder()
                .withNewMetadata()
                .withName("flink-config-orders")
                .withNamespace(NS)
                .withOwnerReferences(otherJob)
                .endMetadata()
                .withData(Map.of("config.yaml", "someone: else"))
                .build(),
            "ConfigMap streaming/flink-config-orders (owned by FlinkResilientJob payments)"),
        Arguments.of(
            new ServiceAccountBuilder()
                .withNewMetadata()
                .withName("orders-flink")
                .withNamespace(NS)
                .endMetadata()
                .build(),
            "ServiceAccount streaming/orders-flink (no owner)"),
        Arguments.of(
            new DeploymentBuilder()
                .withNewMetadata()
                .withName(NAME)
                .withNamespace(NS)
                .withOwnerReferences(owner("ReplicaSet", "web", "uid-web"))
                .endMetadata()
                .withNewSpec()
                .withReplicas(3)
                .endSpec()
                .build(),
            "Deployment streaming/orders (owned by ReplicaSet web)"));
  }

  @ParameterizedTest
  @MethodSource("foreignObjects")
  void aNameTakenByAnObjectTheJobDoesNotOwnIsLeftAsItIsAndNoJobManagerIsApplied(
      HasMetadata foreign, String named) {
    String before = Serialization.asJson(client.resource(foreign).create());

    assertThatThrownBy(() -> actions().apply(desired()))
        .isInstanceOfSatisfying(
            ObjectNotOwned.class,
            e -> assertThat(e.taken()).extracting(Object::toString).containsExactly(named));

    assertThat(Serialization.asJson(client.resource(foreign).get()))
        .as("byte for byte as it was")
        .isEqualTo(before);
    if (!(foreign instanceof Deployment)) {
      assertThat(client.apps().deployments().inNamespace(NS).withName(NAME).get())
          .as("no JobManager beside someone else's object")
          .isNull();
    }
    assertThat(client.rbac().roles().inNamespace(NS).withName("orders-flink").get())
        .as("the job's other objects are applied")
        .satisfies(cm -> assertThat(ownerUids(cm)).containsExactly(UID));
  }

  @Test
  void everyTakenNameIsNamedAtOnce() {
    client.resource(service("orders-rest", List.of())).create();
    client
        .resource(
            new ServiceAccountBuilder()
                .withNewMetadata()
                .withName("orders-flink")
                .withNamespace(NS)
                .endMetadata()
                .build())
        .create();

    assertThatThrownBy(() -> actions().apply(desired()))
        .isInstanceOfSatisfying(
            ObjectNotOwned.class,
            e ->
                assertThat(e.taken())
                    .extracting(ObjectNotOwned.Taken::name)
                    .containsExactlyInAnyOrder("orders-rest", "orders-flink"));
  }

  @Test
  void objectsTheJobOwnsAreUpdatedAndAServiceKeepsItsClusterIp() {
    actions().apply(desired());
    Service rest = client.services().inNamespace(NS).withName("orders-rest").get();
    rest.getSpec().setClusterIP("10.96.0.7");
    client.resource(rest).update();
    var deployment = client.apps().deployments().inNamespace(NS).withName(NAME).get();
    deployment.getMetadata().getAnnotations().put(Labels.JOB_ID, "stale");
    client.resource(deployment).update();

    actions().apply(desired());

    assertThat(client.services().inNamespace(NS).withName("orders-rest").get().getSpec())
        .satisfies(s -> assertThat(s.getClusterIP()).isEqualTo("10.96.0.7"));
    assertThat(
            client
                .apps()
                .deployments()
                .inNamespace(NS)
                .withName(NAME)
                .get()
                .getMetadata()
                .getAnnotations())
        .containsEntry(Labels.JOB_ID, "00000000000000000000000000000001");
  }

  @Test
  void teardownDeletesWhatTheJobOwnsAndLeavesWhatCarriesItsLabelOnly() {
    actions().apply(desired());
    var labels = Labels.of(NAME);
    String foreignConfigMap =
        Serialization.asJson(
            client
                .resource(
                    new ConfigMapBuilder()
                        .withNewMetadata()
                        .withName("orders-settings")
                        .withNamespace(NS)
                        .withLabels(labels)
                        .withOwnerReferences(owner("FlinkResilientJob", "payments", "uid-payments"))
                        .endMetadata()
                        .build())
                .create());
    var unowned = service("orders-metrics", List.of());
    unowned.getMetadata().setLabels(labels);
    String foreignService = Serialization.asJson(client.resource(unowned).create());
    client
        .resource(
            new PodBuilder()
                .withNewMetadata()
                .withName("orders-taskmanager-1-1")
                .withNamespace(NS)
                .withLabels(labels)
                .endMetadata()
                .build())
        .create();

    actions().deleteCluster(NS, NAME, NAME, UID);

    assertThat(client.apps().deployments().inNamespace(NS).withName(NAME).get()).isNull();
    assertThat(client.pods().inNamespace(NS).list().getItems()).as("pods go by label").isEmpty();
    assertThat(client.configMaps().inNamespace(NS).list().getItems())
        .extracting(Serialization::asJson)
        .containsExactly(foreignConfigMap);
    assertThat(client.services().inNamespace(NS).list().getItems())
        .extracting(Serialization::asJson)
        .containsExactly(foreignService);
  }

  @Test
  void teardownLeavesADeploymentOfTheClusterNameThatIsNotTheJobs() {
    var foreign =
        new DeploymentBuilder()
            .withNewMetadata()
            .withName(NAME)
            .withNamespace(NS)
            .withLabels(Labels.of(NAME))
            .endMetadata()
            .build();
    client.resource(foreign).create();

    actions().deleteCluster(NS, NAME, NAME, UID);
    actions().keepJobManagerOff(NS, NAME, UID, "node-a", null);

    var live = client.apps().deployments().inNamespace(NS).withName(NAME).get();
    assertThat(live).isNotNull();
    assertThat(live.getMetadata().getGeneration()).as("not edited either").isEqualTo(1L);
  }

  private ClusterActions actions() {
    return new ClusterActions(client);
  }

  private static List<HasMetadata> desired() {
    var job = Jobs.job(NS, NAME);
    return DesiredState.objects(
        job,
        job.getSpec(),
        new DeploymentStamp(1, "h1", 1, "00000000000000000000000000000001"),
        RestorePoint.NONE);
  }

  private static List<String> ownerUids(HasMetadata o) {
    return o.getMetadata().getOwnerReferences().stream().map(OwnerReference::getUid).toList();
  }

  private static Service service(String name, List<OwnerReference> owners) {
    return new ServiceBuilder()
        .withNewMetadata()
        .withName(name)
        .withNamespace(NS)
        .withOwnerReferences(owners)
        .endMetadata()
        .withNewSpec()
        .withSelector(Map.of("app", "web"))
        .addNewPort()
        .withPort(80)
        .endPort()
        .endSpec()
        .build();
  }

  private static OwnerReference owner(String kind, String name, String uid) {
    return new OwnerReferenceBuilder()
        .withApiVersion("v1")
        .withKind(kind)
        .withName(name)
        .withUid(uid)
        .build();
  }
}
