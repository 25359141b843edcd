package dev.flinkresilience.operator.render;

import static org.assertj.core.api.Assertions.assertThat;

import dev.flinkresilience.operator.api.v1alpha1.FlinkVersion;
import dev.flinkresilience.operator.render.KeyDialect.Setting;
import java.util.Arrays;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.ConcurrentHashMap;
import java.util.stream.Collectors;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * Every key we render for a Flink version must be the current key of one of that version's
 * ConfigOptions. A deprecated fallback still works today but is the next one to be removed, and an
 * unknown key is silently ignored by Flink: both fail here, naming the keys.
 */
class KeyDialectCatalogTest {
  private static final Map<FlinkVersion, FlinkOptionCatalog> CATALOGS = new ConcurrentHashMap<>();

  private static FlinkOptionCatalog catalog(FlinkVersion version) {
    return CATALOGS.computeIfAbsent(version, v -> FlinkOptionCatalog.load(v.value()));
  }

  @ParameterizedTest
  @EnumSource(FlinkVersion.class)
  void everyRenderedKeyIsACurrentKeyOfThatVersion(FlinkVersion version) {
    FlinkOptionCatalog catalog = catalog(version);
    Set<String> rendered = new TreeSet<>();
    TestSpecs.coveringAllSettings(version).forEach(r -> rendered.addAll(r.render().keySet()));

    Set<String> notCurrent =
        rendered.stream()
            .filter(key -> !catalog.currentKeys().contains(key))
            .map(key -> catalog.deprecatedKeys().contains(key) ? key + " (deprecated)" : key)
            .collect(Collectors.toCollection(TreeSet::new));
    assertThat(notCurrent)
        .as("keys rendered for Flink %s that are not a current key of its ConfigOptions", version)
        .isEmpty();
  }

  @ParameterizedTest
  @EnumSource(FlinkVersion.class)
  void everySettingIsRenderedForTheVersionsThatHaveIt(FlinkVersion version) {
    KeyDialect dialect = KeyDialect.of(version);
    Set<String> rendered = new TreeSet<>();
    TestSpecs.coveringAllSettings(version).forEach(r -> rendered.addAll(r.render().keySet()));

    for (Setting setting : Setting.values()) {
      dialect
          .key(setting)
          .ifPresent(key -> assertThat(rendered).as("%s on %s", setting, version).contains(key));
    }
  }

  @ParameterizedTest
  @EnumSource(FlinkVersion.class)
  void aSettingAVersionLacksIsReallyUnknownThere(FlinkVersion version) {
    FlinkOptionCatalog catalog = catalog(version);
    KeyDialect dialect = KeyDialect.of(version);
    KeyDialect newest = KeyDialect.of(FlinkVersion.values()[FlinkVersion.values().length - 1]);

    Set<String> wronglyMissing =
        Arrays.stream(Setting.values())
            .filter(s -> dialect.key(s).isEmpty())
            .map(s -> newest.key(s).orElseThrow())
            .filter(catalog.currentKeys()::contains)
            .collect(Collectors.toCollection(TreeSet::new));
    assertThat(wronglyMissing)
        .as("settings Flink %s has but the dialect does not render", version)
        .isEmpty();
  }

  @ParameterizedTest
  @EnumSource(FlinkVersion.class)
  void theCatalogTellsCurrentFromDeprecatedKeys(FlinkVersion version) {
    FlinkOptionCatalog catalog = catalog(version);

    // Option holders with third-party static initializers were read, not skipped.
    assertThat(catalog.currentKeys())
        .contains("kubernetes.cluster-id", "restart-strategy.type", "$internal.pipeline.job-id");
    // The pre-1.20 names are known to every supported version only as deprecated fallbacks.
    assertThat(catalog.deprecatedKeys())
        .contains(
            "state.checkpoints.dir",
            "state.savepoints.dir",
            "high-availability",
            "restart-strategy",
            "kubernetes.container.image");
    assertThat(catalog.currentKeys()).doesNotContain("state.checkpoints.dir", "high-availability");
  }
}
