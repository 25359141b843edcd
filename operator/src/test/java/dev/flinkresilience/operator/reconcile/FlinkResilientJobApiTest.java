package dev.flinkresilience.operator.reconcile;

import static org.assertj.core.api.Assertions.assertThat;

import dev.flinkresilience.operator.api.v1alpha1.FlinkResilientJob;
import dev.flinkresilience.operator.api.v1alpha1.HighAvailabilityType;
import dev.flinkresilience.operator.api.v1alpha1.JobState;
import dev.flinkresilience.operator.api.v1alpha1.Phase;
import dev.flinkresilience.operator.app.OperatorSettings;
import dev.flinkresilience.operator.model.Labels;
import dev.flinkresilience.operator.testing.Jobs;
import dev.flinkresilience.operator.testing.Kubelet;
import dev.flinkresilience.operator.testing.OperatorHarness;
import io.fabric8.kubernetes.api.model.ConfigMap;
import io.fabric8.kubernetes.api.model.ConfigMapBuilder;
import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.PodBuilder;
import io.fabric8.kubernetes.api.model.ServiceBuilder;
import io.fabric8.kubernetes.api.model.apps.Deployment;
import io.fabric8.kubernetes.api.model.apps.DeploymentStatusBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.server.mock.EnableKubernetesMockClient;
import io.fabric8.kubernetes.client.utils.Serialization;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.function.Consumer;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * API tier: the operator against the in-process API server (fabric8 mock, CRUD mode), which has no
 * controllers: the tests play the part of the kubelet where needed (JobManager readiness, pods).
 */
@EnableKubernetesMockClient(crud = true)
class FlinkResilientJobApiTest {
  private static final String NS = "streaming";
  private static final String NAME = "orders";

  KubernetesClient client;
  private OperatorHarness operator;

  @BeforeEach
  void startOperator() {
    operator = start(settings());
  }

  private OperatorHarness start(OperatorSettings settings) {
    // The test kubelets renew every 200 ms: node thresholds of a few seconds are valid here.
    return OperatorHarness.start(
        client,
        settings.withTenantPolicy(
            settings.tenantPolicy().withLeaseRenewal(Duration.ofMillis(200))));
  }

  /** How the operator under test runs; the chart RBAC tests run these scenarios both ways. */
  OperatorSettings settings() {
    return OperatorSettings.allNamespaces();
  }

  @AfterEach
  void stopOperator() {
    operator.close();
  }

  @Test
  void appliedResourceIsDeployedWithFlinkObjectsLabelsOwnersAndStatus() {
    var job = Jobs.job(NS, NAME);
    job.getMetadata().setUid(null);
    job.getSpec().getHighAvailability().setType(HighAvailabilityType.KUBERNETES);
    job.getSpec().getHighAvailability().setStorageDir("file:///tmp/ha");
    job.getSpec().getCheckpointing().setInterval("10s");
    create(job);

    Deployment jm = awaitJobManager();
    var created =
        operator.awaitJob(
            NS,
            NAME,
            "the deployment recorded",
            j -> j.getStatus() != null && j.getStatus().getJobId() != null);
    assertThat(jm.getMetadata().getOwnerReferences())
        .singleElement()
        .satisfies(o -> assertThat(o.getUid()).isEqualTo(created.getMetadata().getUid()));
    assertThat(jm.getSpec().getTemplate().getMetadata().getLabels())
        .containsEntry(Labels.JOB, NAME);
    assertThat(jm.getSpec().getTemplate().getSpec().getServiceAccountName())
        .isEqualTo("orders-flink");

    ConfigMap config = client.configMaps().inNamespace(NS).withName("flink-config-orders").get();
    assertThat(config.getData().get("config.yaml"))
        .contains("kubernetes-application")
        .contains("RETAIN_ON_CANCELLATION")
        .contains("file:///tmp/checkpoints")
        .contains(created.getStatus().getJobId());
    for (HasMetadata o : ownedObjects()) {
      assertThat(o.getMetadata().getLabels()).as(o.getKind()).containsEntry(Labels.JOB, NAME);
      assertThat(o.getMetadata().getOwnerReferences()).as(o.getKind()).hasSize(1);
    }
    assertThat(client.rbac().roles().inNamespace(NS).withName("orders-flink").get().getRules())
        .extracting(r -> r.getResources().get(0))
        .contains("pods", "configmaps", "leases");

    var deploying = operator.get(NS, NAME);
    assertThat(deploying.getStatus().getPhase()).isEqualTo(Phase.DEPLOYING);
    assertThat(deploying.getStatus().getClusterId()).isEqualTo(NAME);
    assertThat(deploying.getStatus().getJobId()).matches("[0-9a-f]{32}");

    markJobManagerReady();
    var running = operator.awaitJob(NS, NAME, "Ready=True", j -> conditionIs(j, "Ready", "True"));
    assertThat(running.getStatus().getPhase()).isEqualTo(Phase.RUNNING);
    assertThat(running.getStatus().getObservedGeneration())
        .isEqualTo(running.getMetadata().getGeneration());
    assertThat(reasons()).contains("Deploying", "Running");
  }

  @Test
  void invalidResourceIsRejectedNamingTheFieldAndNothingIsDeployed() {
    var job = Jobs.job(NS, NAME);
    job.getSpec().getCheckpointing().setInterval("soon");
    job.getSpec().getFlinkConfiguration().put("state.checkpoints.dir", "s3://elsewhere");
    create(job);

    var rejected =
        operator.awaitJob(NS, NAME, "InvalidSpec", j -> reasonIs(j, "Ready", "InvalidSpec"));
    String message = condition(rejected, "Ready").getMessage();
    assertThat(message).contains("spec.checkpointing.interval").contains("state.checkpoints.dir");
    assertThat(client.apps().deployments().inNamespace(NS).list().getItems()).isEmpty();
    operator.await("a Warning event InvalidSpec", () -> reasons().contains("InvalidSpec"));
  }

  @Test
  void brokenSpecNeverTouchesTheRunningClusterAndAFixResumesControl() {
    create(Jobs.job(NS, NAME));
    String uid = awaitJobManager().getMetadata().getUid();
    markJobManagerReady();
    operator.awaitJob(NS, NAME, "Ready=True", j -> conditionIs(j, "Ready", "True"));

    edit(j -> j.getSpec().setImage(" "));
    operator.awaitJob(NS, NAME, "InvalidSpec", j -> reasonIs(j, "Ready", "InvalidSpec"));
    assertThat(jobManager().getMetadata().getUid()).as("same JobManager Deployment").isEqualTo(uid);
    assertThat(operator.get(NS, NAME).getStatus().getDeployedSpec().getImage())
        .isEqualTo("flink:2.3.0-java17");
    assertThat(operator.get(NS, NAME).getSpec().getImage())
        .as("the operator never writes the spec")
        .isEqualTo(" ");

    edit(j -> j.getSpec().setImage("flink:2.3.0-java17"));
    operator.awaitJob(NS, NAME, "Ready=True again", j -> conditionIs(j, "Ready", "True"));
    assertThat(jobManager().getMetadata().getUid()).isEqualTo(uid);
  }

  @Test
  void specChangeTearsDownFirstThenDeploysANewGenerationWithANewJobId() {
    create(Jobs.job(NS, NAME));
    Deployment before = awaitJobManager();
    markJobManagerReady();
    var running = operator.awaitJob(NS, NAME, "Ready", j -> conditionIs(j, "Ready", "True"));
    String jobIdBefore = running.getStatus().getJobId();
    addTaskManagerPod();

    edit(j -> j.getSpec().getJob().setParallelism(3));

    operator.await(
        "a new JobManager Deployment",
        () -> {
          var jm = jobManager();
          return jm != null && !jm.getMetadata().getUid().equals(before.getMetadata().getUid());
        });
    // The Deployment appears before the same pass records it in status: wait for the record.
    var upgraded =
        operator.awaitJob(
            NS,
            NAME,
            "the new deployment recorded",
            j ->
                j.getStatus().getOperation() == null
                    && !jobIdBefore.equals(j.getStatus().getJobId()));
    assertThat(upgraded.getStatus().getDeployment().getSerial()).isEqualTo(2L);
    assertThat(jobManager().getMetadata().getAnnotations())
        .containsEntry(Labels.JOB_ID, upgraded.getStatus().getJobId());
    assertThat(client.pods().inNamespace(NS).withLabel(Labels.JOB, NAME).list().getItems())
        .as("old TaskManager removed before the new cluster")
        .isEmpty();
    assertThat(
            client
                .configMaps()
                .inNamespace(NS)
                .withName("flink-config-orders")
                .get()
                .getData()
                .get("config.yaml"))
        .contains("parallelism")
        .contains(upgraded.getStatus().getJobId());
    assertThat(reasons()).contains("UpgradeStarted", "DeletingCluster");
  }

  @Test
  void suspendDeletesTheClusterAndResumeDeploysIt() {
    create(Jobs.job(NS, NAME));
    awaitJobManager();

    edit(j -> j.getSpec().getJob().setState(JobState.SUSPENDED));
    operator.awaitJob(
        NS,
        NAME,
        "Suspended",
        j ->
            j.getStatus() != null
                && j.getStatus().getPhase() == Phase.SUSPENDED
                && j.getStatus().getOperation() == null);
    assertThat(jobManager()).isNull();
    assertThat(reasons()).contains("SuspendStarted", "Suspended");

    edit(j -> j.getSpec().getJob().setState(JobState.RUNNING));
    awaitJobManager();
    operator.await(
        "a Deploying event for the resume",
        () ->
            operator.events(NS, NAME).stream()
                .anyMatch(
                    e -> "Deploying".equals(e.getReason()) && e.getMessage().contains("(resume")));
    // A pass emits its events before it writes status: the status may follow the event by a
    // moment (seen once in CI: serial 1 read right after the event).
    operator.await(
        "the resume's serial in status",
        () -> {
          var deployment = operator.get(NS, NAME).getStatus().getDeployment();
          return deployment != null && deployment.getSerial() != null && deployment.getSerial() > 1;
        });
    assertThat(operator.get(NS, NAME).getStatus().getDeployment().getSerial())
        .as("resume deploys a new serial, so a new job id")
        .isEqualTo(2L);
  }

  @Test
  void deletionRemovesClusterAndHaMetadataThroughTheFinalizer() {
    var job = Jobs.job(NS, NAME);
    job.getSpec().getHighAvailability().setType(HighAvailabilityType.KUBERNETES);
    job.getSpec().getHighAvailability().setStorageDir("file:///tmp/ha");
    create(job);
    awaitJobManager();
    client.configMaps().inNamespace(NS).resource(haConfigMap("orders-cluster-config-map")).create();
    client.configMaps().inNamespace(NS).resource(haConfigMap("other-cluster-config-map")).create();

    client.resources(FlinkResilientJob.class).inNamespace(NS).withName(NAME).delete();

    operator.await("resource gone", () -> operator.get(NS, NAME) == null);
    assertThat(jobManager()).isNull();
    assertThat(client.configMaps().inNamespace(NS).withName("orders-cluster-config-map").get())
        .isNull();
    assertThat(client.configMaps().inNamespace(NS).withName("other-cluster-config-map").get())
        .as("another cluster's HA data is not ours")
        .isNotNull();
  }

  /**
   * A name of the cluster taken by an object the job does not own (here a Service nobody owns) is
   * left exactly as it is: the job reports it, once, and deploys when the name is free.
   */
  @Test
  void aServiceOfTheClusterNameThatIsNotTheJobsIsLeftAloneUntilItIsGone() {
    var foreign =
        new ServiceBuilder()
            .withNewMetadata()
            .withName("orders-rest")
            .withNamespace(NS)
            .withLabels(Map.of("app", "web"))
            .endMetadata()
            .withNewSpec()
            .withSelector(Map.of("app", "web"))
            .addNewPort()
            .withPort(80)
            .endPort()
            .endSpec()
            .build();
    String before = Serialization.asJson(client.resource(foreign).create());
    create(Jobs.job(NS, NAME));

    var refused =
        operator.awaitJob(
            NS, NAME, "Ready=False NameTaken", j -> reasonIs(j, "Ready", "NameTaken"));
    assertThat(condition(refused, "Ready").getStatus()).isEqualTo("False");
    assertThat(condition(refused, "Ready").getMessage())
        .contains(
            "Service streaming/orders-rest (no owner) exists and is not owned by this"
                + " FlinkResilientJob: delete or rename it, or rename the job");
    operator.await("a Warning event NameTaken", () -> reasons().contains("NameTaken"));
    // A spec change makes another pass at once: the same refusal is not reported again.
    edit(j -> j.getSpec().getJob().setParallelism(3));
    operator.awaitJob(
        NS,
        NAME,
        "the edit seen and still refused",
        j -> j.getStatus().getObservedGeneration() == 2L && reasonIs(j, "Ready", "NameTaken"));
    assertThat(reasons().stream().filter("NameTaken"::equals)).hasSize(1);
    assertThat(
            Serialization.asJson(client.services().inNamespace(NS).withName("orders-rest").get()))
        .as("byte for byte as it was")
        .isEqualTo(before);
    assertThat(jobManager()).as("no JobManager beside someone else's Service").isNull();

    client.services().inNamespace(NS).withName("orders-rest").delete();
    operator.await(
        "the JobManager deployed by the retry once the name is free",
        java.time.Duration.ofSeconds(45),
        () -> jobManager() != null);
    String uid = operator.get(NS, NAME).getMetadata().getUid();
    assertThat(client.services().inNamespace(NS).withName("orders-rest").get())
        .satisfies(
            s ->
                assertThat(s.getMetadata().getOwnerReferences())
                    .singleElement()
                    .satisfies(o -> assertThat(o.getUid()).isEqualTo(uid)));
    markJobManagerReady();
    operator.awaitJob(NS, NAME, "Ready=True", j -> conditionIs(j, "Ready", "True"));
  }

  /**
   * Teardown takes the job's objects by label, but of ConfigMaps and Services only those the job
   * owns: anyone who writes in the namespace can put the job's label on theirs.
   */
  @Test
  void aConfigMapWithTheJobsLabelButAnotherOwnerSurvivesTeardownAndDeletion() {
    create(Jobs.job(NS, NAME));
    awaitJobManager();
    var foreign =
        new ConfigMapBuilder()
            .withNewMetadata()
            .withName("orders-settings")
            .withNamespace(NS)
            .withLabels(Labels.of(NAME))
            .addNewOwnerReference()
            .withApiVersion("flinkresilience.dev/v1alpha1")
            .withKind("FlinkResilientJob")
            .withName("payments")
            .withUid("uid-payments")
            .endOwnerReference()
            .endMetadata()
            .withData(Map.of("k", "v"))
            .build();
    String before = Serialization.asJson(client.resource(foreign).create());

    edit(j -> j.getSpec().getJob().setParallelism(3));
    operator.awaitJob(
        NS,
        NAME,
        "the upgrade deployed",
        j ->
            j.getStatus().getOperation() == null
                && j.getStatus().getDeployment() != null
                && j.getStatus().getDeployment().getSerial() == 2L);
    assertThat(reasons()).contains("DeletingCluster");
    assertThat(
            Serialization.asJson(
                client.configMaps().inNamespace(NS).withName("orders-settings").get()))
        .as("left by the upgrade's teardown")
        .isEqualTo(before);

    client.resources(FlinkResilientJob.class).inNamespace(NS).withName(NAME).delete();
    operator.await("resource gone", () -> operator.get(NS, NAME) == null);
    assertThat(client.configMaps().inNamespace(NS).withName("flink-config-orders").get()).isNull();
    assertThat(
            Serialization.asJson(
                client.configMaps().inNamespace(NS).withName("orders-settings").get()))
        .as("left by the deletion")
        .isEqualTo(before);
  }

  /**
   * The single-pod deletes the operator makes on a lost node (RecoveryScenariosApiTest covers the
   * rest): the node tainted first, so that Kubernetes places nothing there, then the JobManager and
   * the TaskManager there released at once. (Without the taint a TaskManager waits for Kubernetes'
   * NotReady: RecoveryPlannerTest.)
   */
  @Test
  void podsOnALostNodeAreForceDeleted() {
    try (Kubelet kubelet = new Kubelet(client, NS, 200)) {
      runningOnNodeA(kubelet, true);

      kubelet.stopRenewing("node-a");
      operator.await(
          "the JobManager on the lost node force-deleted", () -> !kubelet.podExists("orders-jm-1"));
      operator.await(
          "the TaskManager on the lost node force-deleted",
          () -> !kubelet.podExists("orders-taskmanager-1-1"));
      var spec = client.nodes().withName("node-a").get().getSpec();
      assertThat(spec.getTaints())
          .extracting(io.fabric8.kubernetes.api.model.Taint::getKey)
          .as("Kubernetes places nothing on it now")
          .containsExactly(dev.flinkresilience.operator.decide.NodeView.LOST_TAINT);
      operator.await(
          "NodeLost, NodeTainted, then PodsReleased",
          () -> reasons().containsAll(List.of("NodeLost", "NodeTainted", "PodsReleased")));
    }
  }

  /**
   * Taints off (or refused): the JobManager Deployment is kept off the lost node (its template
   * updated) before the JobManager's pod there is released, and the node is left untainted.
   */
  @Test
  void withoutTheTaintTheJobManagerDeploymentIsKeptOffALostNode() {
    operator.close();
    operator = start(settings().withTaintLostNodes(false));
    try (Kubelet kubelet = new Kubelet(client, NS, 200)) {
      runningOnNodeA(kubelet, false);

      kubelet.stopRenewing("node-a");
      operator.await(
          "the JobManager on the lost node force-deleted", () -> !kubelet.podExists("orders-jm-1"));
      assertThat(
              dev.flinkresilience.operator.model.NodeAvoidance.avoidedNodes(
                  client.apps().deployments().inNamespace(NS).withName(NAME).get()))
          .as("the JobManager Deployment kept off the node")
          .containsExactly("node-a");
      var spec = client.nodes().withName("node-a").get().getSpec();
      assertThat(spec == null ? null : spec.getTaints()).as("no taint").isNullOrEmpty();
    }
  }

  /**
   * A job with Kubernetes HA whose JobManager (and TaskManager, if asked) run on node-a, Running;
   * its nodeLostAfter is 2 s, judged by the Lease alone.
   */
  private void runningOnNodeA(Kubelet kubelet, boolean taskManager) {
    kubelet.registerNode("node-a");
    var job = Jobs.job(NS, NAME);
    job.getSpec().getHighAvailability().setType(HighAvailabilityType.KUBERNETES);
    job.getSpec().getHighAvailability().setStorageDir("file:///tmp/ha");
    job.getSpec().getRecovery().setNodeLostAfter("2s");
    job.getSpec().getRecovery().setNodeSuspectAfter("0s"); // the Lease alone decides here
    create(job);
    awaitJobManager();
    kubelet.runJobManager(NAME, "orders-jm-1", "node-a", 8081);
    if (taskManager) {
      kubelet.runTaskManager(NAME, "orders-taskmanager-1-1", "node-a");
    }
    markJobManagerReady();
    operator.awaitJob(
        NS,
        NAME,
        "Running",
        j -> j.getStatus() != null && j.getStatus().getPhase() == Phase.RUNNING);
  }

  @Test
  void deletionRemovesTheZooKeeperHaSubtreeOfThisJobOnly() throws Exception {
    try (var zookeeper = new org.apache.curator.test.TestingServer(true);
        var zk =
            org.apache.curator.framework.CuratorFrameworkFactory.newClient(
                zookeeper.getConnectString(), new org.apache.curator.retry.RetryOneTime(100))) {
      zk.start();
      zk.create().creatingParentsIfNeeded().forPath("/flink/streaming/orders/leader/rest");
      zk.create().creatingParentsIfNeeded().forPath("/flink/other/orders/leader/rest");
      var job = Jobs.job(NS, NAME);
      var ha = job.getSpec().getHighAvailability();
      ha.setType(HighAvailabilityType.ZOOKEEPER);
      ha.setStorageDir("file:///tmp/ha");
      var quorum = new dev.flinkresilience.operator.api.v1alpha1.ZooKeeperSpec();
      quorum.setQuorum(zookeeper.getConnectString());
      ha.setZookeeper(quorum);
      create(job);
      awaitJobManager();

      client.resources(FlinkResilientJob.class).inNamespace(NS).withName(NAME).delete();

      operator.await("resource gone", () -> operator.get(NS, NAME) == null);
      assertThat(zk.checkExists().forPath("/flink/streaming/orders")).isNull();
      assertThat(zk.checkExists().forPath("/flink/other/orders/leader/rest"))
          .as("the same name in another namespace is another job")
          .isNotNull();
    }
  }

  private void create(FlinkResilientJob job) {
    client.resources(FlinkResilientJob.class).inNamespace(NS).resource(job).create();
  }

  /** As a user's edit: on a conflict with the operator's status write, read again and retry. */
  private void edit(Consumer<FlinkResilientJob> change) {
    for (int attempt = 1; ; attempt++) {
      try {
        client
            .resources(FlinkResilientJob.class)
            .inNamespace(NS)
            .withName(NAME)
            .edit(
                j -> {
                  change.accept(j);
                  return j;
                });
        return;
      } catch (io.fabric8.kubernetes.client.KubernetesClientException e) {
        if (e.getCode() != 409 || attempt == 5) {
          throw e;
        }
      }
    }
  }

  private Deployment jobManager() {
    return client.apps().deployments().inNamespace(NS).withName(NAME).get();
  }

  private Deployment awaitJobManager() {
    operator.await("JobManager Deployment", () -> jobManager() != null);
    return jobManager();
  }

  /** The mock has no controllers: say the JobManager pod became ready, as the cluster would. */
  private void markJobManagerReady() {
    var jm = jobManager();
    jm.setStatus(new DeploymentStatusBuilder().withReplicas(1).withReadyReplicas(1).build());
    client.apps().deployments().inNamespace(NS).resource(jm).updateStatus();
  }

  private void addTaskManagerPod() {
    client
        .pods()
        .inNamespace(NS)
        .resource(
            new PodBuilder()
                .withNewMetadata()
                .withName("orders-taskmanager-1-1")
                .withLabels(Map.of(Labels.JOB, NAME))
                .endMetadata()
                .build())
        .create();
  }

  /** With HA on, Flink makes no internal service: TaskManagers find the leader through HA. */
  private List<HasMetadata> ownedObjects() {
    var objects = new java.util.ArrayList<HasMetadata>();
    objects.addAll(
        client.configMaps().inNamespace(NS).withLabel(Labels.JOB, NAME).list().getItems());
    objects.addAll(client.services().inNamespace(NS).withLabel(Labels.JOB, NAME).list().getItems());
    objects.addAll(
        client.serviceAccounts().inNamespace(NS).withLabel(Labels.JOB, NAME).list().getItems());
    objects.addAll(
        client.rbac().roles().inNamespace(NS).withLabel(Labels.JOB, NAME).list().getItems());
    objects.addAll(
        client.rbac().roleBindings().inNamespace(NS).withLabel(Labels.JOB, NAME).list().getItems());
    objects.add(jobManager());
    assertThat(objects)
        .extracting(o -> o.getKind() + "/" + o.getMetadata().getName())
        .containsExactlyInAnyOrder(
            "ConfigMap/flink-config-orders",
            "Service/orders-rest",
            "ServiceAccount/orders-flink",
            "Role/orders-flink",
            "RoleBinding/orders-flink",
            "Deployment/orders");
    return objects;
  }

  private static ConfigMap haConfigMap(String name) {
    String app = name.startsWith("orders") ? "orders" : "other";
    return new ConfigMapBuilder()
        .withNewMetadata()
        .withName(name)
        .withLabels(
            Map.of(
                "app",
                app,
                "configmap-type",
                "high-availability",
                "type",
                "flink-native-kubernetes"))
        .endMetadata()
        .build();
  }

  private List<String> reasons() {
    return operator.events(NS, NAME).stream().map(e -> e.getReason()).toList();
  }

  private static io.fabric8.kubernetes.api.model.Condition condition(
      FlinkResilientJob j, String type) {
    return j.getStatus().getConditions().stream()
        .filter(c -> type.equals(c.getType()))
        .findFirst()
        .orElse(null);
  }

  private static boolean conditionIs(FlinkResilientJob j, String type, String status) {
    var c = j.getStatus() == null ? null : condition(j, type);
    return c != null && status.equals(c.getStatus());
  }

  private static boolean reasonIs(FlinkResilientJob j, String type, String reason) {
    var c = j.getStatus() == null ? null : condition(j, type);
    return c != null && reason.equals(c.getReason());
  }
}
