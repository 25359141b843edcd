package dev.flinkresilience.local.controlplane;

import static org.assertj.core.api.Assertions.assertThat;

import io.fabric8.kubernetes.api.model.Node;
import io.fabric8.kubernetes.api.model.NodeBuilder;
import io.fabric8.kubernetes.api.model.NodeSelectorRequirement;
import io.fabric8.kubernetes.api.model.NodeSelectorTerm;
import io.fabric8.kubernetes.api.model.NodeSelectorTermBuilder;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.PodBuilder;
import io.fabric8.kubernetes.api.model.Toleration;
import io.fabric8.kubernetes.api.model.TolerationBuilder;
import java.util.List;
import java.util.Optional;
import java.util.stream.Stream;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/** Which nodes a pod fits, and the reason given when it does not. */
class NodeFitTest {
  private static final String TAINTED = "node(s) had untolerated taint {dedicated: flink}";

  record Case(String name, Pod pod, Node node, String misfit) {
    @Override
    public String toString() {
      return name;
    }
  }

  static Stream<Case> cases() {
    Node ready = node(true);
    Node labelled = node(true, "disk", "ssd", "zone", "a", "cores", "8");
    Node flinkOnly =
        new NodeBuilder(ready)
            .editSpec()
            .addNewTaint()
            .withKey("dedicated")
            .withValue("flink")
            .withEffect("NoSchedule")
            .endTaint()
            .endSpec()
            .build();
    return Stream.of(
        new Case("a plain pod on a Ready node", pod(), ready, null),
        new Case("a NotReady node", pod(), node(false), NodeFit.NOT_READY),
        new Case("a node without a Ready condition", pod(), bare(), NodeFit.NOT_READY),
        new Case("a cordoned node", pod(), cordoned(), NodeFit.CORDONED),
        new Case(
            "a cordoned node, the pod tolerating it",
            tolerating(exists("node.kubernetes.io/unschedulable", null)),
            cordoned(),
            null),
        new Case("an untolerated NoSchedule taint", pod(), flinkOnly, TAINTED),
        new Case(
            "an untolerated NoExecute taint",
            pod(),
            taint(ready, "dedicated", "flink", "NoExecute"),
            TAINTED),
        new Case(
            "a PreferNoSchedule taint does not repel",
            pod(),
            taint(ready, "dedicated", "flink", "PreferNoSchedule"),
            null),
        new Case(
            "tolerated: Equal on key and value",
            tolerating(equal("dedicated", "flink", "NoSchedule")),
            flinkOnly,
            null),
        new Case(
            "tolerated: Equal with no effect",
            tolerating(equal("dedicated", "flink", null)),
            flinkOnly,
            null),
        new Case(
            "not tolerated: Equal with another value",
            tolerating(equal("dedicated", "spark", null)),
            flinkOnly,
            TAINTED),
        new Case(
            "not tolerated: another effect",
            tolerating(equal("dedicated", "flink", "NoExecute")),
            flinkOnly,
            TAINTED),
        new Case(
            "tolerated: Exists on the key", tolerating(exists("dedicated", null)), flinkOnly, null),
        new Case("tolerated: Exists without key", tolerating(exists(null, null)), flinkOnly, null),
        new Case("nodeSelector matches", selecting("disk", "ssd"), labelled, null),
        new Case(
            "nodeSelector with another value",
            selecting("disk", "hdd"),
            labelled,
            NodeFit.AFFINITY),
        new Case(
            "nodeSelector on a missing label", selecting("gpu", "yes"), ready, NodeFit.AFFINITY),
        new Case("In matches", requiring(term(req("zone", "In", "a", "b"))), labelled, null),
        new Case(
            "In does not match",
            requiring(term(req("zone", "In", "b"))),
            labelled,
            NodeFit.AFFINITY),
        new Case(
            "In on a missing label",
            requiring(term(req("gpu", "In", "yes"))),
            ready,
            NodeFit.AFFINITY),
        new Case(
            "NotIn excludes",
            requiring(term(req("zone", "NotIn", "a"))),
            labelled,
            NodeFit.AFFINITY),
        new Case(
            "NotIn admits other values",
            requiring(term(req("zone", "NotIn", "b"))),
            labelled,
            null),
        new Case(
            "NotIn admits a missing label",
            requiring(term(req("zone", "NotIn", "a"))),
            ready,
            null),
        new Case("Exists", requiring(term(req("disk", "Exists"))), labelled, null),
        new Case(
            "Exists, missing", requiring(term(req("disk", "Exists"))), ready, NodeFit.AFFINITY),
        new Case("DoesNotExist", requiring(term(req("gpu", "DoesNotExist"))), labelled, null),
        new Case(
            "DoesNotExist, present",
            requiring(term(req("disk", "DoesNotExist"))),
            labelled,
            NodeFit.AFFINITY),
        new Case("Gt", requiring(term(req("cores", "Gt", "4"))), labelled, null),
        new Case(
            "Gt, smaller", requiring(term(req("cores", "Gt", "8"))), labelled, NodeFit.AFFINITY),
        new Case("Lt", requiring(term(req("cores", "Lt", "16"))), labelled, null),
        new Case(
            "Lt on a non-number",
            requiring(term(req("zone", "Lt", "16"))),
            labelled,
            NodeFit.AFFINITY),
        new Case(
            "an unknown operator",
            requiring(term(req("zone", "Like", "a"))),
            labelled,
            NodeFit.AFFINITY),
        new Case(
            "expressions of a term are ANDed",
            requiring(term(req("disk", "In", "ssd"), req("zone", "In", "b"))),
            labelled,
            NodeFit.AFFINITY),
        new Case(
            "terms are ORed",
            requiring(term(req("zone", "In", "b")), term(req("disk", "In", "ssd"))),
            labelled,
            null),
        new Case("no terms match no node", requiring(), labelled, NodeFit.AFFINITY),
        new Case("an empty term matches no node", requiring(term()), labelled, NodeFit.AFFINITY),
        new Case(
            "matchFields on the node's name, In",
            requiring(fieldTerm(req("metadata.name", "In", "node-1"))),
            ready,
            null),
        new Case(
            "matchFields on the node's name, NotIn",
            requiring(fieldTerm(req("metadata.name", "NotIn", "node-1"))),
            ready,
            NodeFit.AFFINITY),
        new Case(
            "nodeSelector and affinity must both match",
            new PodBuilder(requiring(term(req("zone", "In", "a"))))
                .editSpec()
                .addToNodeSelector("disk", "hdd")
                .endSpec()
                .build(),
            labelled,
            NodeFit.AFFINITY),
        new Case(
            "not ready comes first",
            selecting("gpu", "yes"),
            taint(node(false), "dedicated", "flink", "NoSchedule"),
            NodeFit.NOT_READY));
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("cases")
  void fits(Case c) {
    assertThat(NodeFit.misfit(c.pod(), c.node())).isEqualTo(Optional.ofNullable(c.misfit()));
  }

  // ---- nodes ----

  private static Node bare(String... labels) {
    NodeBuilder b = new NodeBuilder().withNewMetadata().withName("node-1").endMetadata();
    for (int i = 0; i < labels.length; i += 2) {
      b.editMetadata().addToLabels(labels[i], labels[i + 1]).endMetadata();
    }
    return b.withNewSpec().endSpec().build();
  }

  private static Node node(boolean ready, String... labels) {
    return new NodeBuilder(bare(labels))
        .withNewStatus()
        .addNewCondition()
        .withType("Ready")
        .withStatus(ready ? "True" : "False")
        .endCondition()
        .endStatus()
        .build();
  }

  private static Node cordoned() {
    return new NodeBuilder(node(true)).editSpec().withUnschedulable(true).endSpec().build();
  }

  private static Node taint(Node node, String key, String value, String effect) {
    return new NodeBuilder(node)
        .editSpec()
        .addNewTaint()
        .withKey(key)
        .withValue(value)
        .withEffect(effect)
        .endTaint()
        .endSpec()
        .build();
  }

  // ---- pods ----

  private static Pod pod() {
    return new PodBuilder()
        .withNewMetadata()
        .withName("p")
        .withNamespace("ns")
        .endMetadata()
        .withNewSpec()
        .addNewContainer()
        .withName("main")
        .withImage("flink")
        .endContainer()
        .endSpec()
        .build();
  }

  private static Pod tolerating(Toleration t) {
    return new PodBuilder(pod()).editSpec().addToTolerations(t).endSpec().build();
  }

  private static Toleration equal(String key, String value, String effect) {
    return new TolerationBuilder()
        .withKey(key)
        .withOperator("Equal")
        .withValue(value)
        .withEffect(effect)
        .build();
  }

  private static Toleration exists(String key, String effect) {
    return new TolerationBuilder().withKey(key).withOperator("Exists").withEffect(effect).build();
  }

  private static Pod selecting(String key, String value) {
    return new PodBuilder(pod()).editSpec().addToNodeSelector(key, value).endSpec().build();
  }

  private static Pod requiring(NodeSelectorTerm... terms) {
    return new PodBuilder(pod())
        .editSpec()
        .withNewAffinity()
        .withNewNodeAffinity()
        .withNewRequiredDuringSchedulingIgnoredDuringExecution()
        .withNodeSelectorTerms(List.of(terms))
        .endRequiredDuringSchedulingIgnoredDuringExecution()
        .endNodeAffinity()
        .endAffinity()
        .endSpec()
        .build();
  }

  private static NodeSelectorTerm term(NodeSelectorRequirement... expressions) {
    return new NodeSelectorTermBuilder().withMatchExpressions(List.of(expressions)).build();
  }

  private static NodeSelectorTerm fieldTerm(NodeSelectorRequirement... fields) {
    return new NodeSelectorTermBuilder().withMatchFields(List.of(fields)).build();
  }

  private static NodeSelectorRequirement req(String key, String operator, String... values) {
    return new NodeSelectorRequirement(key, operator, List.of(values));
  }
}
