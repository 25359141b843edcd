package dev.flinkresilience.operator.observe.ha;

import static org.assertj.core.api.Assertions.assertThat;

import io.fabric8.kubernetes.api.model.ConfigMap;
import io.fabric8.kubernetes.api.model.ConfigMapBuilder;
import java.util.function.UnaryOperator;
import java.util.stream.Stream;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/** Which writes of Flink's HA ConfigMaps wake the job's reconciler, as Flink makes them. */
class HaConfigMapChangeTest {
  private static final String LEADER = KubernetesHaLayout.REST_SERVER_LEADER_KEY;
  private static final String CHECKPOINT_7 = "checkpointID-0000000000000000007";
  private static final String CHECKPOINT_8 = "checkpointID-0000000000000000008";

  @ParameterizedTest(name = "{0}: wakes {1} (checkpoint awaited), {2} (steady)")
  @MethodSource("writes")
  void onlyNewsWakesAPass(
      String write, boolean whenAwaited, boolean whenSteady, UnaryOperator<ConfigMapBuilder> w) {
    ConfigMap before = base().build();
    ConfigMap after = w.apply(base()).build();
    assertThat(HaConfigMapChange.worthAPass(before, after, true)).isEqualTo(whenAwaited);
    assertThat(HaConfigMapChange.worthAPass(before, after, false)).isEqualTo(whenSteady);
  }

  static Stream<Arguments> writes() {
    return Stream.of(
        row(
            "the leader renews its lock",
            false,
            false,
            b ->
                b.editMetadata()
                    .addToAnnotations(KubernetesHaLayout.LOCK_ANNOTATION, lock("jm-a", "10:00:05"))
                    .withResourceVersion("2")
                    .endMetadata()),
        row(
            "a checkpoint is added, the oldest dropped",
            true,
            false,
            b ->
                b.removeFromData(CHECKPOINT_7)
                    .addToData(CHECKPOINT_8, "chk-8 handle")
                    .addToData("counter", "9")),
        row(
            "another JobManager takes the lock",
            true,
            true,
            b ->
                b.editMetadata()
                    .addToAnnotations(KubernetesHaLayout.LOCK_ANNOTATION, lock("jm-b", "10:00:05"))
                    .endMetadata()),
        row(
            "the operator releases the lock",
            true,
            true,
            b ->
                b.editMetadata()
                    .addToAnnotations(KubernetesHaLayout.LOCK_ANNOTATION, lock("", "10:00:00"))
                    .endMetadata()),
        row(
            "a new leader address",
            true,
            true,
            b -> b.addToData(LEADER, "5b0c8f7e-uuid,http://10.0.0.9:8081")),
        row(
            "another entry (the job's execution plan)",
            true,
            true,
            b -> b.addToData("executionPlan-abc", "handle")),
        row("a label", true, true, b -> b.editMetadata().addToLabels("x", "y").endMetadata()),
        row(
            "an unreadable lock record",
            true,
            true,
            b ->
                b.editMetadata()
                    .addToAnnotations(KubernetesHaLayout.LOCK_ANNOTATION, "{not json")
                    .endMetadata()));
  }

  private static Arguments row(
      String write, boolean awaited, boolean steady, UnaryOperator<ConfigMapBuilder> w) {
    return Arguments.of(write, awaited, steady, w);
  }

  private static ConfigMapBuilder base() {
    return new ConfigMapBuilder()
        .withNewMetadata()
        .withName("orders-cluster-config-map")
        .withNamespace("streaming")
        .withResourceVersion("1")
        .addToLabels(KubernetesHaLayout.labels("orders"))
        .addToAnnotations(KubernetesHaLayout.LOCK_ANNOTATION, lock("jm-a", "10:00:00"))
        .endMetadata()
        .addToData(LEADER, "3f1a2b4c-uuid,http://10.0.0.5:8081")
        .addToData(CHECKPOINT_7, "chk-7 handle")
        .addToData("counter", "8");
  }

  /** fabric8's LeaderElectionRecord as its ConfigMap lock writes it. */
  private static String lock(String holder, String renewed) {
    return "{\"holderIdentity\":\""
        + holder
        + "\",\"leaseDuration\":15.000000000,\"acquireTime\":\"2026-12-06T09:00:00Z\","
        + "\"renewTime\":\"2026-12-06T"
        + renewed
        + "Z\",\"leaderTransitions\":0}";
  }
}
