package dev.flinkresilience.operator.model;

import static org.assertj.core.api.Assertions.assertThat;

import dev.flinkresilience.operator.decide.RestorePoint;
import dev.flinkresilience.operator.testing.Jobs;
import io.fabric8.kubernetes.api.model.ConfigMap;
import io.fabric8.kubernetes.api.model.apps.Deployment;
import io.fabric8.kubernetes.client.utils.Serialization;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class NodeAvoidanceTest {

  @Test
  void noNodesLeavesTheTemplateAlone() {
    Map<String, Object> t = Map.of("spec", Map.of("priorityClassName", "high"));
    assertThat(NodeAvoidance.avoid(t, List.of())).isSameAs(t);
  }

  @Test
  void theExclusionJoinsEveryTermTheUserWrote() {
    Map<String, Object> userTerm =
        Map.of(
            "matchExpressions",
            List.of(Map.of("key", "pool", "operator", "In", "values", List.of("flink"))));
    Map<String, Object> template =
        Map.of(
            "spec",
            Map.of(
                "affinity",
                Map.of(
                    "nodeAffinity",
                    Map.of(
                        "requiredDuringSchedulingIgnoredDuringExecution",
                        Map.of("nodeSelectorTerms", List.of(userTerm))))));
    String yaml = Serialization.asYaml(NodeAvoidance.avoid(template, List.of("node-7")));
    assertThat(yaml).contains("key: \"pool\"").contains("key: \"kubernetes.io/hostname\"");
    assertThat(yaml).contains("operator: \"NotIn\"").contains("- \"node-7\"");
  }

  @Test
  void deployedJobManagerAndTaskManagerPodsKeepOffAvoidedNodes() {
    var job = Jobs.job("streaming", "orders");
    var objects =
        DesiredState.objects(
            job,
            job.getSpec(),
            new DeploymentStamp(1, "h", 1, "0123456789abcdef0123456789abcdef"),
            RestorePoint.NONE,
            List.of("node-7"));
    Deployment jm =
        objects.stream()
            .filter(Deployment.class::isInstance)
            .map(Deployment.class::cast)
            .findFirst()
            .orElseThrow();
    assertThat(Serialization.asYaml(jm.getSpec().getTemplate().getSpec().getAffinity()))
        .contains("kubernetes.io/hostname")
        .contains("node-7");
    String taskManagerTemplate =
        objects.stream()
            .filter(ConfigMap.class::isInstance)
            .map(ConfigMap.class::cast)
            .filter(c -> c.getMetadata().getName().startsWith("pod-template"))
            .findFirst()
            .map(c -> String.join("\n", c.getData().values()))
            .orElseThrow();
    assertThat(taskManagerTemplate).contains("kubernetes.io/hostname").contains("node-7");
  }

  @Test
  void aLostNodeIsKeptOffTheDeploymentOnceInEveryTerm() {
    var deployment =
        new io.fabric8.kubernetes.api.model.apps.DeploymentBuilder()
            .withNewSpec()
            .withNewTemplate()
            .withNewSpec()
            .withNewAffinity()
            .withNewNodeAffinity()
            .withNewRequiredDuringSchedulingIgnoredDuringExecution()
            .addNewNodeSelectorTerm()
            .addToMatchExpressions(
                new io.fabric8.kubernetes.api.model.NodeSelectorRequirement(
                    "zone", "In", List.of("a")))
            .endNodeSelectorTerm()
            .addNewNodeSelectorTerm()
            .addToMatchExpressions(
                new io.fabric8.kubernetes.api.model.NodeSelectorRequirement(
                    "zone", "In", List.of("b")))
            .endNodeSelectorTerm()
            .endRequiredDuringSchedulingIgnoredDuringExecution()
            .endNodeAffinity()
            .endAffinity()
            .endSpec()
            .endTemplate()
            .endSpec()
            .build();

    var kept = NodeAvoidance.keepOff(deployment, "node-1").orElseThrow();
    var terms =
        kept.getSpec()
            .getTemplate()
            .getSpec()
            .getAffinity()
            .getNodeAffinity()
            .getRequiredDuringSchedulingIgnoredDuringExecution()
            .getNodeSelectorTerms();
    assertThat(terms).hasSize(2);
    for (var term : terms) {
      assertThat(term.getMatchExpressions())
          .anyMatch(
              e ->
                  e.getKey().equals("kubernetes.io/hostname")
                      && e.getOperator().equals("NotIn")
                      && e.getValues().equals(List.of("node-1")));
    }
    assertThat(kept.getSpec().getStrategy().getType())
        .as("the old ReplicaSet goes to zero before a new pod comes: never two JobManagers")
        .isEqualTo("Recreate");
    assertThat(kept.getSpec().getStrategy().getRollingUpdate()).isNull();
    assertThat(NodeAvoidance.keepOff(kept, "node-1")).isEmpty();
    assertThat(NodeAvoidance.keepOff(kept, "node-2")).isPresent();
    // The original is untouched.
    assertThat(
            deployment
                .getSpec()
                .getTemplate()
                .getSpec()
                .getAffinity()
                .getNodeAffinity()
                .getRequiredDuringSchedulingIgnoredDuringExecution()
                .getNodeSelectorTerms()
                .get(0)
                .getMatchExpressions())
        .hasSize(1);
  }

  @Test
  void standbyJobManagersAreNotRolledToKeepOffALostNode() {
    var deployment = withoutAffinity();
    deployment.getSpec().setReplicas(2);

    assertThat(NodeAvoidance.keepOff(deployment, "node-3"))
        .as("a template change would replace the standby that is about to lead")
        .isEmpty();
    deployment.getSpec().setReplicas(1);
    assertThat(NodeAvoidance.keepOff(deployment, "node-3")).isPresent();
  }

  private static io.fabric8.kubernetes.api.model.apps.Deployment withoutAffinity() {
    return new io.fabric8.kubernetes.api.model.apps.DeploymentBuilder()
        .withNewSpec()
        .withNewTemplate()
        .withNewSpec()
        .endSpec()
        .endTemplate()
        .endSpec()
        .build();
  }

  @Test
  void aDeploymentWithoutAffinityGetsOneTerm() {
    var deployment = withoutAffinity();
    var kept = NodeAvoidance.keepOff(deployment, "node-3").orElseThrow();
    assertThat(
            kept.getSpec()
                .getTemplate()
                .getSpec()
                .getAffinity()
                .getNodeAffinity()
                .getRequiredDuringSchedulingIgnoredDuringExecution()
                .getNodeSelectorTerms())
        .singleElement()
        .satisfies(t -> assertThat(t.getMatchExpressions()).hasSize(1));
  }
}
