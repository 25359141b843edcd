package dev.flinkresilience.operator.validate;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.Map;
import java.util.Optional;
import org.apache.flink.configuration.Configuration;
import org.apache.flink.kubernetes.configuration.KubernetesConfigOptions;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * The annotations the pod security rules read from a Flink map option include the ones Flink puts
 * on the pods: whatever map Flink reads is among the readings, and the split reading fails where
 * Flink fails.
 */
class FlinkMapValueTest {
  @ParameterizedTest
  @ValueSource(
      strings = {
        "a:b",
        "a:b,c:d",
        "container.apparmor.security.beta.kubernetes.io/flink-main-container:unconfined",
        "'a:b':c",
        "\"a,b\":'c:d'",
        "'it''s':x",
        "\"team:'a:b'\"",
        "'team:''a:b'''",
        "team:'a:b'",
        "a:b,",
        ",a:b",
        "a:b,,c:d",
        "a",
        "a:b:c",
        "a:b,a:c",
        "'a:b",
        "'a'b:c",
        "",
        "a:",
        ":b",
        "{a: b, c: d}",
        "a: b, c:d",
        " a : b , c:d ",
        "\"container.apparmor\\x2esecurity.beta.kubernetes.io/x\": unconfined"
      })
  void everyMapFlinkReadsIsAmongTheReadings(String text) {
    Optional<Map<String, String>> flink = flink(text);
    if (flink.isPresent()) {
      assertThat(FlinkMapValue.readings(text)).as(text).contains(flink.get());
    } else {
      assertThat(FlinkMapValue.parse(text))
          .as("no split reading where Flink has none: " + text)
          .isEmpty();
    }
  }

  private static Optional<Map<String, String>> flink(String text) {
    try {
      return Optional.of(
          Configuration.fromMap(Map.of("kubernetes.jobmanager.annotations", text))
              .get(KubernetesConfigOptions.JOB_MANAGER_ANNOTATIONS));
    } catch (RuntimeException e) {
      return Optional.empty();
    }
  }
}
