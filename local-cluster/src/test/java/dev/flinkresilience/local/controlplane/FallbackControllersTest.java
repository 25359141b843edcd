package dev.flinkresilience.local.controlplane;

import static org.assertj.core.api.Assertions.assertThat;

import io.fabric8.kubernetes.api.model.AffinityBuilder;
import io.fabric8.kubernetes.api.model.ConfigMapBuilder;
import io.fabric8.kubernetes.api.model.GenericKubernetesResource;
import io.fabric8.kubernetes.api.model.GenericKubernetesResourceBuilder;
import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.Node;
import io.fabric8.kubernetes.api.model.NodeBuilder;
import io.fabric8.kubernetes.api.model.OwnerReference;
import io.fabric8.kubernetes.api.model.OwnerReferenceBuilder;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.PodBuilder;
import io.fabric8.kubernetes.api.model.PodCondition;
import io.fabric8.kubernetes.api.model.PodConditionBuilder;
import io.fabric8.kubernetes.api.model.ServiceBuilder;
import io.fabric8.kubernetes.api.model.apiextensions.v1.CustomResourceDefinitionBuilder;
import io.fabric8.kubernetes.api.model.apps.Deployment;
import io.fabric8.kubernetes.api.model.apps.DeploymentBuilder;
import io.fabric8.kubernetes.api.model.apps.ReplicaSet;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.dsl.base.ResourceDefinitionContext;
import io.fabric8.kubernetes.client.server.mock.EnableKubernetesMockClient;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.function.Predicate;
import java.util.function.Supplier;
import java.util.stream.Collectors;
import java.util.stream.IntStream;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * The fallback controllers on the mock API server: Deployments become ReplicaSets and pods, pods
 * are bound to Ready nodes that fit them, and what an owner leaves behind is collected. Three Ready
 * nodes, node-1 to node-3; every wait is bounded and says what it saw.
 */
@EnableKubernetesMockClient(crud = true)
class FallbackControllersTest {
  private static final String NS = "jobs";
  private static final Duration TIMEOUT = Duration.ofSeconds(10);
  private static final String HOSTNAME = "kubernetes.io/hostname";

  /** Shorter than the real periods (1 s, 2 s), to keep the checks of what does not happen quick. */
  private static final Duration PERIOD = Duration.ofMillis(200);

  KubernetesClient client;
  private FallbackControllers controllers;

  @BeforeEach
  void start() {
    for (int i = 1; i <= 3; i++) {
      client.resource(node("node-" + i, true)).create();
    }
    controllers = FallbackControllers.start(client, PERIOD, PERIOD.multipliedBy(2));
  }

  @AfterEach
  void stop() {
    controllers.close();
  }

  @Test
  void aDeploymentGetsAReplicaSetAndBoundPods() {
    Deployment d = client.resource(deployment("jm", 3, "v1")).create();

    ReplicaSet rs = await("one ReplicaSet", this::replicaSets, l -> l.size() == 1).get(0);
    String hash = rs.getMetadata().getLabels().get(DeploymentController.HASH_LABEL);
    assertThat(rs.getMetadata().getName()).isEqualTo("jm-" + hash);
    assertThat(rs.getMetadata().getOwnerReferences())
        .singleElement()
        .satisfies(r -> assertController(r, d));
    assertThat(rs.getSpec().getReplicas()).isEqualTo(3);

    List<Pod> pods = await("three bound pods", this::pods, l -> l.size() == 3 && allBound(l));
    for (Pod pod : pods) {
      assertThat(pod.getMetadata().getName()).matches("jm-" + hash + "-[a-z0-9]{5}");
      assertThat(pod.getMetadata().getLabels())
          .containsEntry("app", "jm")
          .containsEntry(DeploymentController.HASH_LABEL, hash);
      assertThat(pod.getMetadata().getOwnerReferences())
          .singleElement()
          .satisfies(r -> assertController(r, rs));
      assertThat(pod.getSpec().getContainers().get(0).getImage()).isEqualTo("flink:v1");
      assertThat(condition(pod, "PodScheduled")).isEqualTo("True");
      assertThat(pod.getStatus().getPhase()).isEqualTo("Pending");
    }
    // The fewest pods first: one on each node.
    assertThat(pods).extracting(p -> p.getSpec().getNodeName()).containsExactlyInAnyOrder(nodes());

    // Status is counted from the pods: ready when the kubelet says so.
    Deployment notReady =
        await("status of 3 replicas", this::jm, x -> replicas(x) == 3 && readyReplicas(x) == 0);
    assertThat(notReady.getStatus().getUpdatedReplicas()).isEqualTo(3);
    assertThat(notReady.getStatus().getObservedGeneration())
        .isEqualTo(d.getMetadata().getGeneration());
    setStatus(pods.get(0), "Running", true);
    setStatus(pods.get(1), "Running", true);
    Deployment ready = await("2 ready replicas", this::jm, x -> readyReplicas(x) == 2);
    assertThat(ready.getStatus().getAvailableReplicas()).isEqualTo(2);
    assertThat(ready.getStatus().getReplicas()).isEqualTo(3);
  }

  @Test
  void podsThatAreGoneOrTerminatedAreReplacedButNotThoseMerelyNotReady() {
    client.resource(deployment("jm", 2, "v1")).create();
    List<Pod> first = await("two bound pods", this::pods, l -> l.size() == 2 && allBound(l));
    Pod deleted = first.get(0);
    Pod failed = first.get(1);

    client.resource(deleted).delete();
    List<Pod> afterDelete =
        await(
            "a replacement for the deleted pod",
            this::pods,
            l -> l.size() == 2 && allBound(l) && !names(l).contains(name(deleted)));
    assertThat(names(afterDelete)).contains(name(failed));

    setStatus(failed, "Failed", false);
    List<Pod> afterFailure =
        await(
            "the failed pod replaced",
            this::pods,
            l -> l.size() == 2 && allBound(l) && !names(l).contains(name(failed)));

    // Not ready, but running: left alone, through a full pass of every controller.
    Pod notReady = afterFailure.get(0);
    setStatus(notReady, "Running", false);
    await("status says 0 ready", this::jm, x -> readyReplicas(x) == 0 && replicas(x) == 2);
    awaitPasses(FallbackControllers.Pass.DEPLOYMENTS);
    assertThat(names(pods())).contains(name(notReady)).hasSize(2);
  }

  @Test
  void requiredNodeAntiAffinityKeepsPodsOffNode1() {
    // node-1 would win every tie (by name); the affinity must rule it out.
    for (int i = 0; i < 4; i++) {
      Pod pod = newPod("tm-" + i);
      pod.getSpec()
          .setAffinity(
              new AffinityBuilder()
                  .withNewNodeAffinity()
                  .withNewRequiredDuringSchedulingIgnoredDuringExecution()
                  .addNewNodeSelectorTerm()
                  .addNewMatchExpression()
                  .withKey(HOSTNAME)
                  .withOperator("NotIn")
                  .withValues("node-1")
                  .endMatchExpression()
                  .endNodeSelectorTerm()
                  .endRequiredDuringSchedulingIgnoredDuringExecution()
                  .endNodeAffinity()
                  .build());
      client.resource(pod).create();
    }
    List<Pod> pods = await("four bound pods", this::pods, l -> l.size() == 4 && allBound(l));
    Map<String, Long> perNode =
        pods.stream()
            .collect(Collectors.groupingBy(p -> p.getSpec().getNodeName(), Collectors.counting()));
    assertThat(perNode).isEqualTo(Map.of("node-2", 2L, "node-3", 2L)); // spread by load
  }

  @Test
  void notReadyNodesAreNotChosenAndAPendingPodWaitsForOne() {
    setReady("node-1", false);
    setReady("node-2", false);
    client.resource(newPod("anywhere")).create();
    assertThat(await("bound", () -> fetch("anywhere"), FallbackControllersTest::bound))
        .extracting(p -> p.getSpec().getNodeName())
        .isEqualTo("node-3");

    Pod onNode1 = newPod("on-node-1");
    onNode1.getSpec().setNodeSelector(Map.of(HOSTNAME, "node-1"));
    client.resource(onNode1).create();
    Pod pending =
        await(
            "PodScheduled=False",
            () -> fetch("on-node-1"),
            p -> "False".equals(condition(p, "PodScheduled")));
    PodCondition scheduled = conditionOf(pending, "PodScheduled");
    assertThat(pending.getSpec().getNodeName()).isNull();
    assertThat(pending.getStatus().getPhase()).isEqualTo("Pending");
    assertThat(scheduled.getReason()).isEqualTo("Unschedulable");
    assertThat(scheduled.getMessage())
        .isEqualTo(
            "0/3 nodes are available: 1 node(s) didn't match Pod's node affinity/selector,"
                + " 2 node(s) were not ready.");

    setReady("node-1", true);
    Pod bound =
        await(
            "bound once node-1 is Ready", () -> fetch("on-node-1"), FallbackControllersTest::bound);
    assertThat(bound.getSpec().getNodeName()).isEqualTo("node-1");
    assertThat(condition(bound, "PodScheduled")).isEqualTo("True");
  }

  @Test
  void nodeSelectorIsHonoured() {
    client
        .nodes()
        .withName("node-2")
        .edit(
            n ->
                new NodeBuilder(n).editMetadata().addToLabels("disk", "ssd").endMetadata().build());
    for (int i = 0; i < 3; i++) {
      Pod pod = newPod("ssd-" + i);
      pod.getSpec().setNodeSelector(Map.of("disk", "ssd"));
      client.resource(pod).create();
    }
    assertThat(await("three bound pods", this::pods, l -> l.size() == 3 && allBound(l)))
        .extracting(p -> p.getSpec().getNodeName())
        .containsOnly("node-2");
  }

  @Test
  void deletingADeploymentCollectsWhatItOwns() {
    Deployment d = client.resource(deployment("jm", 1, "v1")).create();
    await("a bound JobManager pod", this::pods, l -> l.size() == 1 && allBound(l));
    // What Flink's JobManager creates, owned by its Deployment.
    OwnerReference byJm = ownerReference(d);
    Pod tm = newPod("jm-taskmanager-1-1");
    tm.getMetadata().setOwnerReferences(List.of(byJm));
    client.resource(tm).create();
    client
        .resource(
            new ConfigMapBuilder()
                .withNewMetadata()
                .withName("jm-config")
                .withNamespace(NS)
                .withOwnerReferences(byJm)
                .endMetadata()
                .build())
        .create();
    client
        .resource(
            new ServiceBuilder()
                .withNewMetadata()
                .withName("jm-rest")
                .withNamespace(NS)
                .withOwnerReferences(byJm)
                .endMetadata()
                .build())
        .create();
    // Owned by a kind the collector cannot look up: kept, as the real collector would.
    client
        .resource(
            new ConfigMapBuilder()
                .withNewMetadata()
                .withName("unknown-owner")
                .withNamespace(NS)
                .withOwnerReferences(
                    new OwnerReferenceBuilder()
                        .withApiVersion("example.com/v1")
                        .withKind("Gadget")
                        .withName("g")
                        .withUid("no-such-uid")
                        .build())
                .endMetadata()
                .build())
        .create();
    await("JobManager and TaskManager pods bound", this::pods, l -> l.size() == 2 && allBound(l));

    client.resource(d).delete();
    await(
        "everything the Deployment owned gone",
        this::everything,
        l -> l.equals(List.of("ConfigMap unknown-owner")));
  }

  @Test
  void deletingACustomResourceCollectsItsDeploymentAndOnDown() {
    client
        .resource(
            new CustomResourceDefinitionBuilder()
                .withNewMetadata()
                .withName("widgets.example.com")
                .endMetadata()
                .withNewSpec()
                .withGroup("example.com")
                .withScope("Namespaced")
                .withNewNames()
                .withKind("Widget")
                .withPlural("widgets")
                .withSingular("widget")
                .endNames()
                .addNewVersion()
                .withName("v1")
                .withServed(true)
                .withStorage(true)
                .endVersion()
                .endSpec()
                .build())
        .create();
    var widgets =
        client.genericKubernetesResources(
            new ResourceDefinitionContext.Builder()
                .withGroup("example.com")
                .withVersion("v1")
                .withKind("Widget")
                .withPlural("widgets")
                .withNamespaced(true)
                .build());
    GenericKubernetesResource widget =
        widgets
            .inNamespace(NS)
            .resource(
                new GenericKubernetesResourceBuilder()
                    .withApiVersion("example.com/v1")
                    .withKind("Widget")
                    .withNewMetadata()
                    .withName("w")
                    .withNamespace(NS)
                    .endMetadata()
                    .build())
            .create();
    Deployment d = deployment("jm", 1, "v1");
    d.getMetadata().setOwnerReferences(List.of(ownerReference(widget)));
    client.resource(d).create();
    await("a bound pod", this::pods, l -> l.size() == 1 && allBound(l));
    // The Widget exists: nothing is collected by a full pass.
    awaitPasses(FallbackControllers.Pass.COLLECT);
    assertThat(client.apps().deployments().inNamespace(NS).withName("jm").get()).isNotNull();

    widgets.inNamespace(NS).withName("w").delete();
    await("the Deployment, its ReplicaSet and pod gone", this::everything, List::isEmpty);
  }

  @Test
  void aTemplateChangeRollsANewReplicaSet() {
    client.resource(deployment("jm", 1, "v1")).create();
    Pod v1 = await("a v1 pod", this::pods, l -> l.size() == 1 && allBound(l)).get(0);
    ReplicaSet rs1 = replicaSets().get(0);

    client
        .apps()
        .deployments()
        .inNamespace(NS)
        .withName("jm")
        .edit(
            x -> {
              x.getSpec().getTemplate().getSpec().getContainers().get(0).setImage("flink:v2");
              return x;
            });
    List<Pod> v2 =
        await(
            "a v2 pod only",
            this::pods,
            l ->
                l.size() == 1
                    && allBound(l)
                    && "flink:v2".equals(l.get(0).getSpec().getContainers().get(0).getImage()));
    List<ReplicaSet> sets = replicaSets();
    assertThat(sets).hasSize(1);
    ReplicaSet rs2 = sets.get(0);
    assertThat(rs2.getMetadata().getName()).isNotEqualTo(rs1.getMetadata().getName());
    assertThat(rs2.getSpec().getTemplate().getSpec().getContainers().get(0).getImage())
        .isEqualTo("flink:v2");
    assertThat(v2.get(0).getMetadata().getOwnerReferences().get(0).getUid())
        .isEqualTo(rs2.getMetadata().getUid());
    assertThat(name(v2.get(0))).isNotEqualTo(name(v1));

    // A change outside the template rolls nothing.
    client
        .apps()
        .deployments()
        .inNamespace(NS)
        .withName("jm")
        .edit(
            x -> {
              x.getMetadata().setAnnotations(Map.of("touched", "yes"));
              return x;
            });
    awaitPasses(FallbackControllers.Pass.DEPLOYMENTS);
    assertThat(replicaSets())
        .extracting(r -> r.getMetadata().getUid())
        .containsExactly(rs2.getMetadata().getUid());
    assertThat(names(pods())).containsExactly(name(v2.get(0)));
  }

  // ---- waiting ----

  /** Polls {@code observe} until {@code done}; fails with the last observation. */
  private static <T> T await(String what, Supplier<T> observe, Predicate<T> done) {
    long deadline = System.nanoTime() + TIMEOUT.toNanos();
    T last = observe.get();
    while (last == null || !done.test(last)) {
      if (System.nanoTime() > deadline) {
        throw new AssertionError("not " + what + " within " + TIMEOUT + "; saw: " + describe(last));
      }
      try {
        Thread.sleep(50);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        throw new AssertionError("interrupted waiting for " + what);
      }
      last = observe.get();
    }
    return last;
  }

  /**
   * Returns once a pass of each kind has run from start to end after this call: for checks that
   * something does not happen.
   */
  private void awaitPasses(FallbackControllers.Pass... passes) {
    for (FallbackControllers.Pass pass : passes) {
      long before = controllers.completed(pass);
      // The first completion may be of a pass that had started before this call.
      await("two " + pass + " passes", () -> controllers.completed(pass), n -> n >= before + 2);
    }
  }

  private static String describe(Object seen) {
    if (seen instanceof List<?> list) {
      return list.stream().map(FallbackControllersTest::describe).toList().toString();
    }
    if (seen instanceof Pod p) {
      return name(p)
          + " on "
          + p.getSpec().getNodeName()
          + " "
          + (p.getStatus() == null
              ? "(no status)"
              : p.getStatus().getPhase() + " " + p.getStatus().getConditions());
    }
    if (seen instanceof Deployment d) {
      return name(d) + " status " + d.getStatus();
    }
    if (seen instanceof HasMetadata o) {
      return o.getKind() + " " + name(o);
    }
    return String.valueOf(seen);
  }

  // ---- observing ----

  private List<Pod> pods() {
    return client.pods().inNamespace(NS).list().getItems();
  }

  private Pod fetch(String name) {
    return client.pods().inNamespace(NS).withName(name).get();
  }

  private List<ReplicaSet> replicaSets() {
    return client.apps().replicaSets().inNamespace(NS).list().getItems();
  }

  private Deployment jm() {
    return client.apps().deployments().inNamespace(NS).withName("jm").get();
  }

  /** Every Deployment, ReplicaSet, pod, Service and ConfigMap of the namespace, sorted. */
  private List<String> everything() {
    return Stream.of(
            client.apps().deployments().inNamespace(NS).list().getItems(),
            client.apps().replicaSets().inNamespace(NS).list().getItems(),
            client.pods().inNamespace(NS).list().getItems(),
            client.services().inNamespace(NS).list().getItems(),
            client.configMaps().inNamespace(NS).list().getItems())
        .flatMap(List::stream)
        .map(o -> o.getKind() + " " + name(o))
        .sorted()
        .toList();
  }

  private static boolean bound(Pod p) {
    return p.getSpec().getNodeName() != null;
  }

  private static boolean allBound(List<Pod> pods) {
    return pods.stream().allMatch(FallbackControllersTest::bound);
  }

  private static Set<String> names(List<? extends HasMetadata> objects) {
    return objects.stream().map(FallbackControllersTest::name).collect(Collectors.toSet());
  }

  private static String name(HasMetadata o) {
    return o.getMetadata().getName();
  }

  private static int replicas(Deployment d) {
    return d.getStatus() == null ? -1 : Objects.requireNonNullElse(d.getStatus().getReplicas(), -1);
  }

  private static int readyReplicas(Deployment d) {
    return d.getStatus() == null
        ? -1
        : Objects.requireNonNullElse(d.getStatus().getReadyReplicas(), -1);
  }

  private static PodCondition conditionOf(Pod pod, String type) {
    return pod.getStatus() == null
        ? null
        : pod.getStatus().getConditions().stream()
            .filter(c -> type.equals(c.getType()))
            .findFirst()
            .orElse(null);
  }

  private static String condition(Pod pod, String type) {
    PodCondition c = conditionOf(pod, type);
    return c == null ? null : c.getStatus();
  }

  private static void assertController(OwnerReference ref, HasMetadata owner) {
    assertThat(ref.getUid()).isEqualTo(owner.getMetadata().getUid());
    assertThat(ref.getKind()).isEqualTo(owner.getKind());
    assertThat(ref.getName()).isEqualTo(name(owner));
    assertThat(ref.getController()).isTrue();
  }

  private static String[] nodes() {
    return IntStream.rangeClosed(1, 3).mapToObj(i -> "node-" + i).toArray(String[]::new);
  }

  // ---- writing, as others would ----

  /** What the kubelet reports: a phase and the Ready condition. */
  private void setStatus(Pod pod, String phase, boolean ready) {
    client
        .pods()
        .inNamespace(NS)
        .withName(name(pod))
        .editStatus(
            p -> {
              p.getStatus().setPhase(phase);
              p.getStatus()
                  .setConditions(
                      List.of(
                          condition("PodScheduled", true),
                          condition("Ready", ready),
                          condition("ContainersReady", ready)));
              return p;
            });
  }

  private static PodCondition condition(String type, boolean status) {
    return new PodConditionBuilder().withType(type).withStatus(status ? "True" : "False").build();
  }

  private void setReady(String node, boolean ready) {
    client
        .nodes()
        .withName(node)
        .editStatus(
            n -> {
              n.setStatus(node(node, ready).getStatus());
              return n;
            });
  }

  private static Node node(String name, boolean ready) {
    return new NodeBuilder()
        .withNewMetadata()
        .withName(name)
        .addToLabels(HOSTNAME, name)
        .endMetadata()
        .withNewSpec()
        .endSpec()
        .withNewStatus()
        .addNewCondition()
        .withType("Ready")
        .withStatus(ready ? "True" : "False")
        .endCondition()
        .endStatus()
        .build();
  }

  private static Pod newPod(String name) {
    return newPod(name, "flink:v1");
  }

  private static Pod newPod(String name, String image) {
    return new PodBuilder()
        .withNewMetadata()
        .withName(name)
        .withNamespace(NS)
        .endMetadata()
        .withNewSpec()
        .addNewContainer()
        .withName("main")
        .withImage(image)
        .endContainer()
        .endSpec()
        .build();
  }

  private static Deployment deployment(String name, int replicas, String version) {
    return new DeploymentBuilder()
        .withNewMetadata()
        .withName(name)
        .withNamespace(NS)
        .endMetadata()
        .withNewSpec()
        .withReplicas(replicas)
        .withNewSelector()
        .addToMatchLabels("app", name)
        .endSelector()
        .withNewTemplate()
        .withNewMetadata()
        .addToLabels("app", name)
        .addToLabels("component", "jobmanager")
        .endMetadata()
        .withSpec(newPod(name, "flink:" + version).getSpec())
        .endTemplate()
        .endSpec()
        .build();
  }

  private static OwnerReference ownerReference(HasMetadata owner) {
    return new OwnerReferenceBuilder()
        .withApiVersion(owner.getApiVersion())
        .withKind(owner.getKind())
        .withName(name(owner))
        .withUid(owner.getMetadata().getUid())
        .withController(true)
        .withBlockOwnerDeletion(true)
        .build();
  }
}
