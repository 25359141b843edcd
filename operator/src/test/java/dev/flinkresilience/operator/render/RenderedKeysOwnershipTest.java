package dev.flinkresilience.operator.render;

import static org.assertj.core.api.Assertions.assertThat;

import dev.flinkresilience.operator.api.v1alpha1.FlinkResilientJobSpec;
import dev.flinkresilience.operator.api.v1alpha1.FlinkVersion;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.stream.Collectors;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * Keys rendered from typed fields are owned (a user cannot set them a second time through
 * flinkConfiguration); keys passed through are not.
 */
class RenderedKeysOwnershipTest {

  @ParameterizedTest
  @EnumSource(FlinkVersion.class)
  void everyKeyRenderedFromATypedFieldIsOwned(FlinkVersion version) {
    Set<String> typed = new TreeSet<>();
    TestSpecs.coveringAllSettings(version).forEach(r -> typed.addAll(r.render().keySet()));

    Set<String> unowned =
        typed.stream()
            .filter(key -> OwnedKeys.ownerOf(key).isEmpty())
            .filter(key -> !FlinkConfigRenderer.OVERRIDABLE_DEFAULTS.containsKey(key))
            .collect(Collectors.toCollection(TreeSet::new));
    assertThat(unowned).as("rendered from typed fields but not in OwnedKeys").isEmpty();
  }

  @ParameterizedTest
  @EnumSource(FlinkVersion.class)
  void theOperatorsDefaultsGiveWayToTheUsersValue(FlinkVersion version) {
    assertThat(FlinkConfigRenderer.OVERRIDABLE_DEFAULTS.keySet())
        .allSatisfy(key -> assertThat(OwnedKeys.ownerOf(key)).as(key).isEmpty());
    assertThat(FlinkConfigRenderer.render(TestSpecs.full(version), TestSpecs.ID, TestSpecs.FRESH))
        .containsEntry("web.refresh-interval", "1000");
    FlinkResilientJobSpec spec =
        TestSpecs.withPassThrough(TestSpecs.full(version), Map.of("web.refresh-interval", "5 s"));
    assertThat(FlinkConfigRenderer.render(spec, TestSpecs.ID, TestSpecs.FRESH))
        .containsEntry("web.refresh-interval", "5 s");
  }

  @ParameterizedTest
  @EnumSource(FlinkVersion.class)
  void passThroughKeysAreNotOwned(FlinkVersion version) {
    Map<String, String> passThrough =
        Map.of(
            "rest.port", "8082",
            "metrics.reporter.prom.factory.class",
                "org.apache.flink.metrics.prometheus.PrometheusReporterFactory",
            "state.backend.rocksdb.memory.managed", "true",
            "kubernetes.rest-service.exposed.type", "ClusterIP");
    FlinkResilientJobSpec spec = TestSpecs.withPassThrough(TestSpecs.full(version), passThrough);
    Set<String> typed =
        FlinkConfigRenderer.render(TestSpecs.full(version), TestSpecs.ID, TestSpecs.FRESH).keySet();

    Set<String> passedThrough =
        new TreeSet<>(FlinkConfigRenderer.render(spec, TestSpecs.ID, TestSpecs.FRESH).keySet());
    passedThrough.removeAll(typed);

    assertThat(passedThrough).isEqualTo(passThrough.keySet());
    assertThat(passedThrough).allSatisfy(key -> assertThat(OwnedKeys.ownerOf(key)).isEmpty());
  }
}
